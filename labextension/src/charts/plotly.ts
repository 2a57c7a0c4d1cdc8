import type { Config, Data, Layout } from 'plotly.js';

type PlotlyModule = typeof import('plotly.js-dist-min');

let plotly: Promise<PlotlyModule> | null = null;

/** plotly.js, loaded on first use as its own chunk so the Lab's start stays light. */
export function loadPlotly(): Promise<PlotlyModule> {
  if (plotly === null) {
    plotly = import('plotly.js-dist-min').then(
      module => (module as unknown as { default?: PlotlyModule }).default ?? module
    );
  }
  return plotly;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value.length > 0 ? value : fallback;
}

/** A plotly layout in the Lab's current theme colours (light or dark), merged with `layout`. */
export function themedLayout(layout: Partial<Layout> = {}): Partial<Layout> {
  const font = cssVar('--jp-ui-font-color1', '#333');
  const grid = cssVar('--jp-border-color2', '#ddd');
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: font, family: cssVar('--jp-ui-font-family', 'sans-serif'), size: 11 },
    margin: { l: 48, r: 16, t: 24, b: 40 },
    xaxis: { gridcolor: grid, zerolinecolor: grid },
    yaxis: { gridcolor: grid, zerolinecolor: grid },
    ...layout
  };
}

/** Draw (or redraw) a chart in `node`; returns once plotly has rendered it. */
export async function renderChart(
  node: HTMLElement,
  data: Data[],
  layout: Partial<Layout> = {},
  config: Partial<Config> = {}
): Promise<void> {
  const Plotly = await loadPlotly();
  await Plotly.react(node, data, themedLayout(layout), {
    displaylogo: false,
    responsive: true,
    ...config
  });
}
