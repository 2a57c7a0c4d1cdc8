import type { Config, Data, Layout, PlotDatum, PlotlyHTMLElement } from 'plotly.js';
import React, { useEffect, useRef } from 'react';

import { loadPlotly, renderChart } from './plotly';

/** What a `Plot` draws and how it tells its parent about clicks and selections. */
export interface IPlotProps {
  data: Data[];
  layout?: Partial<Layout>;
  config?: Partial<Config>;
  /** The chart's height in px (default 260); its width follows the container. */
  height?: number;
  /** Draw only once scrolled into view (long pages of charts). */
  lazy?: boolean;
  className?: string;
  testId?: string;
  /** Points picked with the box or lasso tool (never called with none). */
  onSelected?(points: PlotDatum[]): void;
  /** A clicked point. */
  onClick?(point: PlotDatum): void;
  /** The traces after a restyle by the user (e.g. a brushed parallel-coordinates axis). */
  onRestyle?(data: Data[]): void;
}

/** Whether `node` has a real size on screen (not inside a hidden tab or collapsed section). */
function hasSize(node: HTMLElement): boolean {
  return node.offsetParent !== null && node.clientWidth > 0;
}

/**
 * A plotly chart in the Lab's theme, plotly.js loaded on first use.
 *
 * It is drawn only when it has a real size: a chart in a background tab (a run page restored
 * after a reload) waits until the tab shows and then draws at its full size, instead of
 * plotly's fallback size. It follows its container's size, redraws when `data` or `layout`
 * change and when the Lab's theme changes (light/dark).
 */
export function Plot(props: IPlotProps): JSX.Element {
  const node = useRef<HTMLDivElement>(null);
  const drawn = useRef(false);
  const inView = useRef(!props.lazy);
  const latest = useRef(props);
  latest.current = props;
  const height = props.height ?? 260;

  const draw = async (): Promise<void> => {
    const element = node.current;
    if (element === null || !inView.current || !hasSize(element)) {
      return; // drawn when it shows (see the observers below)
    }
    const { data, layout, config } = latest.current;
    await renderChart(element, data, { height, autosize: true, ...layout }, config);
    if (!drawn.current) {
      drawn.current = true;
      const plot = element as unknown as PlotlyHTMLElement;
      // Only a box or lasso around points selects: plotly also reports an empty selection
      // when the chart is redrawn with the new selection, which must not clear it.
      plot.on('plotly_selected', event => {
        if (event !== undefined && Array.isArray(event.points) && event.points.length > 0) {
          latest.current.onSelected?.(event.points);
        }
      });
      plot.on('plotly_restyle', () => latest.current.onRestyle?.(plot.data));
      plot.on('plotly_click', event => {
        const point = event.points[0];
        if (point !== undefined) {
          latest.current.onClick?.(point);
        }
      });
    }
  };

  // Redraw on new data or layout.
  useEffect(() => {
    void draw();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `draw` is a new closure every render: redraw on new data or layout only
  }, [props.data, props.layout, props.config, height]);

  useEffect(() => {
    const element = node.current;
    if (element === null) {
      return;
    }
    // Shown (a tab activated, a section expanded) or resized: draw now, or fit the new size.
    const resized = new ResizeObserver(() => {
      if (!hasSize(element)) {
        return;
      }
      if (drawn.current) {
        void loadPlotly().then(Plotly => Plotly.Plots.resize(element));
      } else {
        void draw();
      }
    });
    resized.observe(element);
    const seen = new IntersectionObserver(entries => {
      if (entries.some(entry => entry.isIntersecting)) {
        inView.current = true;
        seen.disconnect();
        void draw();
      }
    });
    if (!inView.current) {
      seen.observe(element);
    }
    // The Lab marks its theme on <body>; the colours are read from CSS variables.
    const themeWatch = new MutationObserver(() => void draw());
    themeWatch.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-name']
    });
    return () => {
      resized.disconnect();
      seen.disconnect();
      themeWatch.disconnect();
      if (drawn.current) {
        void loadPlotly().then(Plotly => Plotly.purge(element));
      }
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- observers are set up once; `draw` reads the latest props when they fire
  }, []);

  return (
    <div
      className={`jp-MLOps-chart ${props.className ?? ''}`}
      ref={node}
      style={{ minHeight: height }}
      data-testid={props.testId}
    />
  );
}
