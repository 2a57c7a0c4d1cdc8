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

/** The Lab's current theme colours (light or dark), read from its CSS variables. */
export function themeColors(): { font: string; grid: string; fontFamily: string } {
  return {
    font: cssVar('--jp-ui-font-color1', '#333'),
    grid: cssVar('--jp-border-color2', '#ddd'),
    fontFamily: cssVar('--jp-ui-font-family', 'sans-serif')
  };
}

/**
 * `layout` over the Lab's theme: transparent backgrounds, theme font and grid colours; every
 * axis the layout names (`xaxis2`, ...) is merged key by key, so a partial axis keeps the grid.
 */
export function themedLayout(
  layout: Partial<Layout> = {},
  colors = themeColors()
): Partial<Layout> {
  const axisTheme = { gridcolor: colors.grid, zerolinecolor: colors.grid };
  const themed: Record<string, unknown> = {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    margin: { l: 48, r: 16, t: 24, b: 40 },
    ...layout,
    font: { color: colors.font, family: colors.fontFamily, size: 11, ...layout.font },
    xaxis: { ...axisTheme, ...layout.xaxis },
    yaxis: { ...axisTheme, ...layout.yaxis }
  };
  for (const [key, value] of Object.entries(layout)) {
    if (/^[xy]axis\d+$/.test(key) && typeof value === 'object' && value !== null) {
      themed[key] = { ...axisTheme, ...value };
    }
  }
  return themed;
}

/** Draw (or redraw) a themed chart in `node`; returns once plotly has rendered it. */
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
