import type { Data, Layout } from 'plotly.js';
import React, { useEffect, useRef } from 'react';

import { loadPlotly, renderChart } from '../charts/plotly';

/** A plotly chart in the Lab's theme; redrawn when `data` or `layout` change. */
export function PlotlyChart(props: {
  data: Data[];
  layout?: Partial<Layout>;
  testId?: string;
}): JSX.Element {
  const node = useRef<HTMLDivElement>(null);
  const { data, layout } = props;

  useEffect(() => {
    if (node.current !== null) {
      void renderChart(node.current, data, layout ?? {});
    }
  }, [data, layout]);

  useEffect(() => {
    const element = node.current;
    if (element === null) {
      return;
    }
    // Follow the container's width (grid cells, split panes, a resized sidebar).
    const observer = new ResizeObserver(() => {
      if (element.querySelector('.main-svg') !== null) {
        void loadPlotly().then(Plotly => Plotly.Plots.resize(element));
      }
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      void loadPlotly().then(Plotly => Plotly.purge(element));
    };
  }, []);

  return <div className="jp-MLOps-chart" ref={node} data-testid={props.testId} />;
}
