import type { Data, Layout } from 'plotly.js';
import React, { useEffect, useRef } from 'react';

import { loadPlotly, renderChart, themedLayout } from '../charts/plotly';

/** `layout` over the Lab's theme, axes merged key by key (a partial axis keeps the grid colours). */
function withTheme(layout: Partial<Layout>): Partial<Layout> {
  const theme = themedLayout();
  return {
    ...layout,
    xaxis: { ...theme.xaxis, ...layout.xaxis },
    yaxis: { ...theme.yaxis, ...layout.yaxis }
  };
}

/**
 * A plotly chart in the Lab's theme: redrawn when `data` or `layout` change, when the Lab's
 * theme changes (light/dark), and resized with its container.
 */
export function PlotlyChart(props: {
  data: Data[];
  layout?: Partial<Layout>;
  testId?: string;
}): JSX.Element {
  const node = useRef<HTMLDivElement>(null);
  const { data, layout } = props;

  useEffect(() => {
    const element = node.current;
    if (element === null) {
      return;
    }
    const draw = () => void renderChart(element, data, withTheme(layout ?? {}));
    draw();
    // The Lab marks its theme on <body>; the chart's colours are read from CSS variables.
    const themeWatch = new MutationObserver(draw);
    themeWatch.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-name']
    });
    return () => themeWatch.disconnect();
  }, [data, layout]);

  useEffect(() => {
    const element = node.current;
    if (element === null) {
      return;
    }
    // Follow the container's width (grid cells, split panes, a resized sidebar).
    const resizeWatch = new ResizeObserver(() => {
      if (element.querySelector('.main-svg') !== null) {
        void loadPlotly().then(Plotly => Plotly.Plots.resize(element));
      }
    });
    resizeWatch.observe(element);
    return () => {
      resizeWatch.disconnect();
      void loadPlotly().then(Plotly => Plotly.purge(element));
    };
  }, []);

  return <div className="jp-MLOps-chart" ref={node} data-testid={props.testId} />;
}
