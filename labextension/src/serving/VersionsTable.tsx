import React from 'react';

import { formatDate } from '../kit';
import { WhyHere } from '../team/WhyHere';
import { DEFAULT_ALIAS } from './aliases';
import { updateVersion } from './api';
import { IEndpoint, IModelDetail, IModelVersion } from './model';
import { RegistryDetails } from './RegistryDetails';
import { VersionCompare } from './VersionCompare';

/** Where a version's lineage links lead (outside the model page). */
interface ILineageLinks {
  openRun(runId: string): void;
  openNotebook(path: string): void;
  openProfile(profileId: string): void;
}

/** What the versions table shows, and what its buttons ask of the model page. */
export interface IVersionsTableProps extends ILineageLinks {
  model: IModelDetail;
  endpoint: IEndpoint | undefined;
  /** The version served now (the endpoint's, else the Deploy alias's), or null. */
  current: number | null;
  /** An action is under way: Deploy and Promote wait for it. */
  busy: boolean;
  /** The version whose description and tags are open for editing. */
  detailsOf: number | null;
  /** The version whose comparison with the served one is open. */
  comparing: number | null;
  onToggleDetails(version: number): void;
  onToggleCompare(version: number): void;
  onDeploy(version: IModelVersion): void;
  onPromote(endpoint: IEndpoint, version: IModelVersion): Promise<void>;
}

/** A version's links: the run that logged it, its notebook, its training data profile. */
function Lineage(props: { version: IModelVersion; links: ILineageLinks }): JSX.Element {
  const { version } = props;
  return (
    <span className="jp-MLOps-lineage">
      {version.run_id ? (
        <button
          className="jp-MLOps-link"
          onClick={() => props.links.openRun(version.run_id as string)}
        >
          run {version.run_id.slice(0, 8)}
        </button>
      ) : null}
      {version.notebook_path ? (
        <button
          className="jp-MLOps-link"
          onClick={() => props.links.openNotebook(version.notebook_path as string)}
        >
          notebook
        </button>
      ) : null}
      {version.training_profile ? (
        <button
          className="jp-MLOps-link"
          title={`Training data profile ${version.training_profile} (the drift baseline)`}
          data-testid="mlops-version-profile"
          onClick={() => props.links.openProfile(version.training_profile as string)}
        >
          training data
        </button>
      ) : null}
    </span>
  );
}

/** A version beside the served one, with the action that would serve it (Deploy or Promote). */
function CompareWithCurrent(props: {
  table: IVersionsTableProps;
  version: IModelVersion;
  current: number;
}): JSX.Element {
  const { version, current } = props;
  const { endpoint } = props.table;
  const action =
    endpoint === undefined
      ? {
          label: `Deploy v${version.version}`,
          title: `Point @${DEFAULT_ALIAS} at v${version.version} and start an endpoint`,
          run: () => props.table.onDeploy(version)
        }
      : {
          label: `Promote v${version.version}`,
          title: `Serve v${version.version} on ${endpoint.name} (no request fails)`,
          run: () => void props.table.onPromote(endpoint, version)
        };
  return (
    <VersionCompare
      modelName={props.table.model.name}
      version={version.version}
      current={current}
      currentLabel={endpoint ? `endpoint ${endpoint.name}` : `@${DEFAULT_ALIAS}`}
      actionLabel={action.label}
      actionTitle={action.title}
      busy={props.table.busy}
      onAction={action.run}
      onClose={() => props.table.onToggleCompare(version.version)}
      openRun={props.table.openRun}
      openNotebook={props.table.openNotebook}
    />
  );
}

/** The versions of a model, newest first, each with Details, Compare and Deploy or Promote. */
export function VersionsTable(props: IVersionsTableProps): JSX.Element {
  const { model, endpoint, current } = props;
  return (
    <table className="jp-MLOps-versionTable">
      <thead>
        <tr>
          <th>Version</th>
          <th>Aliases</th>
          <th>Created</th>
          <th>Estimator</th>
          <th>Lineage</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {model.versions.map(version => {
          const served = endpoint?.serving_version === version.version;
          const comparable = current !== null && version.version !== current;
          return (
            <React.Fragment key={version.version}>
              <tr data-testid="mlops-model-version" data-version={version.version}>
                <td>v{version.version}</td>
                <td>
                  {version.aliases.map(a => `@${a}`).join(' ')}
                  {version.aliases.length > 0 ? (
                    <WhyHere
                      model={model.name}
                      version={version.version}
                      refresh={model.last_update_time}
                    />
                  ) : null}
                </td>
                <td>
                  {formatDate(version.creation_time)}
                  {version.created_by ? ` by ${version.created_by}` : ''}
                </td>
                <td title={version.estimator_class}>{version.estimator_class.split('.').pop()}</td>
                <td>
                  <Lineage version={version} links={props} />
                </td>
                <td className="jp-MLOps-versionActions">
                  <button
                    className="jp-Button jp-mod-styled jp-mod-small"
                    data-testid="mlops-version-open-details"
                    aria-expanded={props.detailsOf === version.version}
                    title={`Description and tags of v${version.version}`}
                    onClick={() => props.onToggleDetails(version.version)}
                  >
                    Details
                  </button>
                  {comparable ? (
                    <button
                      className="jp-Button jp-mod-styled jp-mod-small"
                      data-testid="mlops-compare"
                      aria-expanded={props.comparing === version.version}
                      title={`Metrics, training data drift and lineage of v${version.version} beside v${current}`}
                      onClick={() => props.onToggleCompare(version.version)}
                    >
                      Compare with v{current}
                    </button>
                  ) : null}
                  {endpoint === undefined ? (
                    <button
                      className="jp-Button jp-mod-styled jp-mod-small jp-mod-accept"
                      data-testid="mlops-deploy"
                      disabled={props.busy}
                      onClick={() => props.onDeploy(version)}
                    >
                      Deploy
                    </button>
                  ) : served ? (
                    <span className="jp-MLOps-muted">serving</span>
                  ) : (
                    <button
                      className="jp-Button jp-mod-styled jp-mod-small"
                      data-testid="mlops-promote"
                      disabled={props.busy}
                      title={`Serve v${version.version} on ${endpoint.name} (no request fails)`}
                      onClick={() => void props.onPromote(endpoint, version)}
                    >
                      Promote
                    </button>
                  )}
                </td>
              </tr>
              {props.detailsOf === version.version ? (
                <tr className="jp-MLOps-compareRow" data-testid="mlops-version-details-row">
                  <td colSpan={6}>
                    <RegistryDetails
                      what="version"
                      description={version.description}
                      tags={version.tags}
                      onSave={update => updateVersion(model.name, version.version, update)}
                    />
                  </td>
                </tr>
              ) : null}
              {comparable && props.comparing === version.version ? (
                <tr className="jp-MLOps-compareRow">
                  <td colSpan={6}>
                    <CompareWithCurrent table={props} version={version} current={current} />
                  </td>
                </tr>
              ) : null}
            </React.Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
