import { notebookIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { useRequest } from '../kit/useRequest';
import { listArtifacts } from './api';
import { ArtifactBrowser } from './ArtifactBrowser';
import { loggedModelFolders, suggestedModelName } from './artifactPreview';
import { ChildRuns } from './ChildRuns';
import { FIGURES_FOLDER, FigureGallery } from './FigureGallery';
import { formatTime, formatValue, runDuration, runLabel, shortId } from './format';
import { KeyValueTable } from './KeyValueTable';
import { MetricChart } from './MetricChart';
import { IRunDetail } from './model';
import { StatusBadge } from './StatusBadge';

/** What a run's page can ask the Lab to do. */
export interface IRunPageActions {
  rename(): void;
  remove(): void;
  restore(): void;
  openNotebook(path: string): void;
  openRun(runId: string): void;
  canRegisterModel(): boolean;
  /** Register folder `path` of run `runId`, offering `name` as the model's name. */
  registerModel(runId: string, path: string, name: string): void;
}

function Facts(props: { run: IRunDetail; actions: IRunPageActions }): JSX.Element {
  const { run, actions } = props;
  const parent = run.parent_run_id;
  return (
    <dl className="jp-MLOps-facts">
      <dt>Run id</dt>
      <dd>
        <code>{run.run_id}</code>
      </dd>
      <dt>Experiment</dt>
      <dd>{run.experiment_name}</dd>
      <dt>Started</dt>
      <dd>{formatTime(run.start_time)}</dd>
      <dt>Ended</dt>
      <dd>{formatTime(run.end_time)}</dd>
      <dt>Duration</dt>
      <dd>{runDuration(run.start_time, run.end_time)}</dd>
      {parent !== null ? (
        <>
          <dt>Parent run</dt>
          <dd>
            <button className="jp-MLOps-link" onClick={() => actions.openRun(parent)}>
              {shortId(parent)}
            </button>
          </dd>
        </>
      ) : null}
      {run.user ? (
        <>
          <dt>User</dt>
          <dd>{run.user}</dd>
        </>
      ) : null}
      {run.git_commit ? (
        <>
          <dt>Git commit</dt>
          <dd>
            <code>{run.git_commit.slice(0, 12)}</code>
            {run.git_dirty ? ' (uncommitted changes)' : ''}
          </dd>
        </>
      ) : null}
      <dt>Artifacts</dt>
      <dd title={run.artifact_uri}>{run.artifact_uri}</dd>
    </dl>
  );
}

function Source(props: { run: IRunDetail; actions: IRunPageActions }): JSX.Element | null {
  const { source } = props.run;
  if (source === null) {
    return null;
  }
  const labPath = source.lab_path;
  return (
    <section>
      <h3>Source</h3>
      {labPath !== null ? (
        <button
          className="jp-MLOps-link"
          data-testid="mlops-run-notebook"
          title={`Open ${labPath} in the Lab`}
          onClick={() => props.actions.openNotebook(labPath)}
        >
          <notebookIcon.react tag="span" className="jp-MLOps-inlineIcon" />
          {labPath}
        </button>
      ) : (
        <span title="outside the Lab's root folder">{source.path}</span>
      )}
      {source.cell_source ? <pre className="jp-MLOps-code">{source.cell_source}</pre> : null}
    </section>
  );
}

function Metrics(props: { run: IRunDetail; version: number }): JSX.Element {
  const { run } = props;
  if (run.metric_summaries.length === 0) {
    return <div className="jp-MLOps-muted">No metrics logged.</div>;
  }
  const series = [{ runId: run.run_id, label: runLabel(run) }];
  // A single value needs no chart: the table above says it all.
  const curves = run.metric_summaries.filter(metric => metric.points > 1);
  return (
    <>
      <table className="jp-MLOps-kvTable" data-testid="mlops-run-metrics">
        <tbody>
          {run.metric_summaries.map(metric => (
            <tr key={metric.key}>
              <th>{metric.key}</th>
              <td>{formatValue(metric.value)}</td>
              <td className="jp-MLOps-muted">
                step {metric.step} · {metric.points} point{metric.points === 1 ? '' : 's'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="jp-MLOps-chartGrid">
        {curves.map(metric => (
          <MetricChart
            key={metric.key}
            series={series}
            metricKey={metric.key}
            version={props.version}
            height={240}
          />
        ))}
      </div>
    </>
  );
}

/** A run's page: header and actions, facts, params, metrics with charts, tags, artifacts. */
export function RunPage(props: {
  run: IRunDetail;
  version: number;
  actions: IRunPageActions;
}): JSX.Element {
  const { run, actions, version } = props;
  const deleted = run.lifecycle_stage === 'deleted';
  // One read of the artifact root serves the browser and says whether there are figures.
  const root = useRequest(() => listArtifacts(run.run_id, ''), [run.run_id], version);
  const hasFigures =
    root.data?.files.some(file => file.is_dir && file.path === FIGURES_FOLDER) ?? false;
  // Register sits in the header for each model the run logged, named after the experiment.
  const modelName = suggestedModelName(run.experiment_name);
  const register = (path: string) => actions.registerModel(run.run_id, path, modelName);
  const models = actions.canRegisterModel() && !deleted ? loggedModelFolders(run.tags) : [];
  return (
    <div className="jp-MLOps-runPage" data-testid="mlops-run-page" data-run-id={run.run_id}>
      <header className="jp-MLOps-viewHeader">
        <h2 data-testid="mlops-run-name">{runLabel(run)}</h2>
        <StatusBadge status={run.status} lifecycle={run.lifecycle_stage} />
        <span className="jp-MLOps-spacer" />
        {models.map(folder => (
          <button
            key={folder}
            className="jp-mod-styled jp-mod-accept"
            data-testid="mlops-run-register"
            data-folder={folder}
            title={`Register the model in ${folder}/ as a new version of a registered model`}
            onClick={() => register(folder)}
          >
            {models.length === 1 ? 'Register model…' : `Register ${folder}…`}
          </button>
        ))}
        <button className="jp-mod-styled" onClick={actions.rename}>
          Rename
        </button>
        {deleted ? (
          <button className="jp-mod-styled" onClick={actions.restore}>
            Restore
          </button>
        ) : (
          <button className="jp-mod-styled jp-mod-warn" onClick={actions.remove}>
            Delete
          </button>
        )}
      </header>
      <Facts run={run} actions={actions} />
      {run.failure ? <pre className="jp-MLOps-code jp-MLOps-failure">{run.failure}</pre> : null}
      <section>
        <h3>Metrics</h3>
        <Metrics run={run} version={version} />
      </section>
      <FigureGallery runId={run.run_id} version={version} hasFigures={hasFigures} />
      <ChildRuns run={run} version={version} openRun={actions.openRun} />
      <section>
        <h3>Parameters</h3>
        <KeyValueTable entries={run.params} empty="No parameters." testId="mlops-run-params" />
      </section>
      <section>
        <h3>Tags</h3>
        <KeyValueTable entries={run.tags} empty="No tags." />
      </section>
      {Object.keys(run.environment).length > 0 ? (
        <section>
          <h3>Environment</h3>
          <KeyValueTable entries={run.environment} empty="" />
        </section>
      ) : null}
      <section>
        <h3>Artifacts</h3>
        <ArtifactBrowser
          runId={run.run_id}
          version={version}
          root={root.data}
          canRegisterModel={actions.canRegisterModel()}
          registerModel={register}
        />
      </section>
      <Source run={run} actions={actions} />
    </div>
  );
}
