import React, { useEffect, useRef, useState } from 'react';

import { loadPlotly, renderChart } from '../kit/plotly';
import { IChartSpec } from './traces';

/**
 * A plotly chart drawn once it scrolls into view (a profile can have hundreds of columns),
 * following its container's width.
 */
export function Chart(props: { spec: IChartSpec; testId?: string }): JSX.Element {
  const node = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const { spec } = props;

  useEffect(() => {
    const element = node.current;
    if (element === null) {
      return;
    }
    const seen = new IntersectionObserver(entries => {
      if (entries.some(entry => entry.isIntersecting)) {
        setVisible(true);
        seen.disconnect();
      }
    });
    seen.observe(element);
    const resized = new ResizeObserver(() => {
      if (element.querySelector('.main-svg') !== null) {
        void loadPlotly().then(Plotly => Plotly.Plots.resize(element));
      }
    });
    resized.observe(element);
    return () => {
      seen.disconnect();
      resized.disconnect();
      void loadPlotly().then(Plotly => Plotly.purge(element));
    };
  }, []);

  useEffect(() => {
    if (visible && node.current !== null) {
      void renderChart(node.current, spec.data, spec.layout, { displayModeBar: false });
    }
  }, [visible, spec]);

  const height = typeof spec.layout.height === 'number' ? spec.layout.height : 200;
  return (
    <div
      className="jp-MLOps-profile-chart"
      ref={node}
      style={{ minHeight: height }}
      data-testid={props.testId}
    />
  );
}
