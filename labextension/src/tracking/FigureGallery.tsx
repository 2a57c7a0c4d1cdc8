import { URLExt } from '@jupyterlab/coreutils';
import type { Data, Layout } from 'plotly.js';
import React from 'react';

import { ErrorNote } from '../kit/ErrorNote';
import { Plot } from '../kit/Plot';
import { useRequest } from '../kit/useRequest';
import { requestAPI } from '../request';
import { listArtifacts } from './api';

/** Where `log_figure` stores a plotly figure's JSON, relative to the artifact root. */
export const FIGURES_FOLDER = 'figures';

interface IFigure {
  name: string;
  data: Data[];
  layout: Partial<Layout>;
}

async function loadFigures(runId: string): Promise<IFigure[]> {
  const listing = await listArtifacts(runId, FIGURES_FOLDER);
  const paths = listing.files.filter(f => !f.is_dir && f.path.endsWith('.json')).map(f => f.path);
  const endpoint = (path: string) =>
    ['runs', encodeURIComponent(runId), 'artifacts', URLExt.encodeParts(path)].join('/');
  return Promise.all(
    paths.map(async path => {
      const figure = await requestAPI<{ data?: Data[]; layout?: Partial<Layout> }>(endpoint(path));
      const name = path.slice(FIGURES_FOLDER.length + 1, -'.json'.length);
      // plotly.py writes its default template (white paper) into every figure: drop it so
      // the figure follows the Lab's theme like the metric charts do.
      const layout = { ...(figure.layout ?? {}) };
      delete layout.template;
      return { name, data: figure.data ?? [], layout };
    })
  );
}

/**
 * The plotly figures a run logged with `log_figure`, drawn in the Lab's theme. The caller says
 * whether the run has a `figures/` folder at all: without one, nothing is requested.
 */
export function FigureGallery(props: {
  runId: string;
  version: number;
  hasFigures: boolean;
}): JSX.Element | null {
  const figures = useRequest(
    props.hasFigures ? () => loadFigures(props.runId) : null,
    [props.runId, props.hasFigures],
    props.version
  );
  if (!props.hasFigures) {
    return null;
  }
  let body: JSX.Element;
  if (figures.error !== null) {
    body = <ErrorNote what="Cannot read the run's figures" error={figures.error} />;
  } else if (figures.data === null) {
    body = <div className="jp-MLOps-muted">Loading figures…</div>;
  } else if (figures.data.length === 0) {
    body = <div className="jp-MLOps-muted">No plotly figures (only other files) in figures/.</div>;
  } else {
    body = (
      <div className="jp-MLOps-chartGrid">
        {figures.data.map(figure => (
          <div key={figure.name} className="jp-MLOps-metricChart" data-figure={figure.name}>
            <Plot
              data={figure.data}
              layout={{
                ...figure.layout,
                title: figure.layout.title ?? { text: figure.name, font: { size: 12 } },
                width: undefined,
                // Long category labels (feature names) get the room they need.
                xaxis: { ...figure.layout.xaxis, automargin: true },
                yaxis: { ...figure.layout.yaxis, automargin: true }
              }}
              height={figure.layout.height ?? 360}
              testId="mlops-run-figure"
            />
          </div>
        ))}
      </div>
    );
  }
  return (
    <section>
      <h3>Figures</h3>
      {body}
    </section>
  );
}
