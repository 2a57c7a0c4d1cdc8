import { URLExt } from '@jupyterlab/coreutils';
import type { Data, Layout } from 'plotly.js';
import React, { useEffect, useState } from 'react';

import { requestAPI } from '../request';
import { listArtifacts } from './api';
import { Plot } from '../kit/Plot';

/** Where `log_figure` stores a plotly figure's JSON, relative to the artifact root. */
const FIGURES_FOLDER = 'figures';

interface IFigure {
  name: string;
  data: Data[];
  layout: Partial<Layout>;
}

async function loadFigures(runId: string): Promise<IFigure[]> {
  let paths: string[];
  try {
    const listing = await listArtifacts(runId, FIGURES_FOLDER);
    paths = listing.files.filter(f => !f.is_dir && f.path.endsWith('.json')).map(f => f.path);
  } catch {
    return []; // no figures folder: nothing logged with log_figure
  }
  const endpoint = (path: string) =>
    ['runs', encodeURIComponent(runId), 'artifacts', URLExt.encodeParts(path)].join('/');
  const figures = await Promise.all(
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
  return figures;
}

/** The plotly figures a run logged with `log_figure`, drawn in the Lab's theme. */
export function FigureGallery(props: { runId: string; version: number }): JSX.Element | null {
  const [figures, setFigures] = useState<IFigure[]>([]);
  useEffect(() => {
    let current = true;
    loadFigures(props.runId)
      .then(loaded => current && setFigures(loaded))
      .catch(() => current && setFigures([]));
    return () => {
      current = false;
    };
  }, [props.runId, props.version]);

  if (figures.length === 0) {
    return null;
  }
  return (
    <section>
      <h3>Figures</h3>
      <div className="jp-MLOps-chartGrid">
        {figures.map(figure => (
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
    </section>
  );
}
