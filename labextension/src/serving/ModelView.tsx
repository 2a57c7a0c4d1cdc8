import React from 'react';

import { confirmAction, formatDate, plural, PolledView } from '../kit';
import { APIError } from '../request';
import {
  deleteEndpoint,
  deploy,
  endpointAction,
  endpointStats,
  endpointToken,
  getModel,
  rotateEndpointToken,
  setAlias,
  updateModel,
  updateVersion
} from './api';
import { IEndpoint, IEndpointStats, IModelDetail, IModelVersion } from './model';
import { RegistryDetails } from './RegistryDetails';
import { VersionCompare } from './VersionCompare';
import { checkGates, promoteThroughGates } from '../evaluation/api';
import { confirmGatedPromotion } from '../evaluation/GateResults';
import { EvaluationTab } from '../evaluation/EvaluationTab';
import { whoAmI } from '../team/api';
import { Approvals } from '../team/Approvals';
import { Byline } from '../team/Byline';
import { WhyHere } from '../team/WhyHere';
import { History } from '../team/History';

/** The model's own protected aliases (besides the configured ones), a comma list. */
const PROTECTED_TAG = 'mlops.protected_aliases';

/** The alias the Deploy button creates and Promote moves. */
export const DEFAULT_ALIAS = 'champion';

const TAB_LABELS = { model: 'Model', evaluation: 'Evaluation', history: 'History' };

/** What the view does outside itself. */
export interface IModelViewOptions {
  name: string;
  openRun(runId: string): void;
  openNotebook(path: string): void;
  openProfile(profileId: string): void;
}

interface IModelViewData {
  model: IModelDetail;
  stats: Record<string, IEndpointStats>;
  /** Aliases that move only with an approval. */
  protectedAliases: string[];
}

interface IRate {
  requests: number;
  time: number;
  perSecond: number | null;
}

function fixed(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

/** A curl call of the endpoint: a record of the served version's columns, its token if any. */
function curlSnippet(endpoint: IEndpoint, version: IModelVersion | undefined, token: string) {
  const columns = version?.input_schema.columns ?? [];
  const record = Object.fromEntries(columns.map(c => [c.name, 0]));
  const body = JSON.stringify({ dataframe_records: [record] });
  const auth = endpoint.auth ? ` \\\n  -H 'Authorization: Bearer ${token}'` : '';
  return (
    `curl -X POST ${endpoint.url}/invocations \\\n  -H 'Content-Type: application/json'` +
    `${auth} \\\n  -d '${body}'`
  );
}

/** A model's page: versions (Deploy, Promote), endpoints with live figures (Rollback, Stop). */
export class ModelView extends PolledView<IModelViewData> {
  readonly modelName: string;
  private _busy: string | null = null;
  private _actionError: APIError | null = null;
  private _rates: Record<string, IRate> = {};
  /** The version whose comparison with the served one is open. */
  private _comparing: number | null = null;
  /** The version whose description and tags are open for editing. */
  private _detailsOf: number | null = null;
  /** Bearer tokens fetched for the "How to call" snippets, by endpoint. */
  private _tokens: Record<string, string | null> = {};
  /** Which part of the page shows: the model (versions, endpoints), its versions'
   * evaluations and gate results, or its audit trail. */
  private _tab: 'model' | 'evaluation' | 'history' = 'model';
  private _configuredProtected: string[] | null = null;

  constructor(private readonly _options: IModelViewOptions) {
    super({ name: 'model', interval: 2000, max: 30000, refreshOn: ['model', 'endpoint'] });
    this.modelName = _options.name;
    this.addClass('jp-MLOps-modelView');
    this.title.label = `Model ${_options.name}`;
    this.title.caption = `Registered model ${_options.name}`;
  }

  protected get errorText(): string {
    return `Cannot read model ${this.modelName}`;
  }

  protected async load(): Promise<IModelViewData> {
    const model = await getModel(this.modelName);
    const stats: Record<string, IEndpointStats> = {};
    await Promise.all(
      model.endpoints
        .filter(e => e.state === 'running')
        .map(async e => {
          stats[e.name] = await endpointStats(e.name);
        })
    );
    for (const [name, current] of Object.entries(stats)) {
      const previous = this._rates[name];
      const time = current.time_ms ?? Date.now();
      let perSecond: number | null = null;
      if (previous !== undefined && time > previous.time && current.requests >= previous.requests) {
        perSecond = ((current.requests - previous.requests) * 1000) / (time - previous.time);
      }
      this._rates[name] = { requests: current.requests, time, perSecond };
    }
    if (this._configuredProtected === null) {
      this._configuredProtected = (await whoAmI()).protected_aliases;
    }
    const own = (model.tags[PROTECTED_TAG] ?? '').split(',').map(a => a.trim());
    const protectedAliases = [...new Set([...this._configuredProtected, ...own])].filter(a => a);
    return { model, stats, protectedAliases };
  }

  private _act(label: string, work: () => Promise<unknown>): void {
    this._busy = label;
    this._actionError = null;
    this.update();
    work()
      .catch(error => {
        this._actionError = APIError.from(error);
      })
      .finally(() => {
        this._busy = null;
        void this.refresh();
      });
  }

  private _deploy(version: IModelVersion): void {
    this._act(`Deploying v${version.version}…`, async () => {
      await setAlias(this.modelName, DEFAULT_ALIAS, version.version);
      await deploy(`${this.modelName}@${DEFAULT_ALIAS}`);
    });
  }

  private async _promote(endpoint: IEndpoint, version: IModelVersion): Promise<void> {
    // A model that declares gates: run them first and show the results before confirming.
    this._busy = `Running the gates of v${version.version}…`;
    this.update();
    let gates;
    try {
      gates = await checkGates(endpoint.name, version.version);
    } catch (error) {
      this._actionError = APIError.from(error);
      return;
    } finally {
      this._busy = null;
      this.update();
    }
    if (gates) {
      const choice = await confirmGatedPromotion(endpoint.name, gates);
      if (choice) {
        this._act(`Promoting v${version.version} through its gates…`, () =>
          promoteThroughGates(endpoint.name, version.version, choice === 'override')
        );
      }
      return;
    }
    const ok = await confirmAction({
      title: `Promote v${version.version} on ${endpoint.name}?`,
      body:
        `${endpoint.name} serves v${version.version} instead of v${endpoint.serving_version}: ` +
        'the new process starts beside the old one and takes the traffic once it answers ' +
        '(no request fails). Rollback serves the previous version again.',
      label: 'Promote'
    });
    if (ok) {
      this._act(`Promoting v${version.version}…`, () =>
        endpointAction(endpoint.name, 'promote', { version: version.version })
      );
    }
  }

  private async _confirmThen(
    label: string,
    question: { title: string; body: string; label: string; warn?: boolean },
    work: () => Promise<unknown>
  ): Promise<void> {
    if (await confirmAction(question)) {
      this._act(label, work);
    }
  }

  private _toggleDetails(version: number): void {
    this._detailsOf = this._detailsOf === version ? null : version;
    this.update();
  }

  private _toggleCompare(version: number): void {
    this._comparing = this._comparing === version ? null : version;
    this.update();
  }

  protected renderData(data: IModelViewData): JSX.Element {
    const { model } = data;
    const endpoint = model.endpoints[0];
    // What runs now: the endpoint's version, else the version the Deploy alias points to.
    const current = endpoint?.serving_version ?? model.aliases[DEFAULT_ALIAS] ?? null;
    return (
      <div className="jp-MLOps-modelPage" data-testid="mlops-model-view">
        <h2 className="jp-MLOps-modelHeading">{model.name}</h2>
        <RegistryDetails
          what="model"
          description={model.description}
          tags={model.tags}
          onSave={update => updateModel(model.name, update)}
        />
        <div className="jp-MLOps-modelTabs" role="tablist">
          {(['model', 'evaluation', 'history'] as const).map(tab => (
            <button
              key={tab}
              role="tab"
              aria-selected={this._tab === tab}
              data-testid={`mlops-model-tab-${tab}`}
              className={`jp-Button jp-mod-styled jp-mod-small${this._tab === tab ? ' jp-mod-accept' : ''}`}
              onClick={() => {
                this._tab = tab;
                this.update();
              }}
            >
              {TAB_LABELS[tab]}
            </button>
          ))}
          <Byline createdBy={model.created_by} updatedBy={model.updated_by} />
        </div>
        {this._tab === 'evaluation' ? (
          <EvaluationTab
            modelName={model.name}
            versions={model.versions.map(v => v.version)}
            endpoint={endpoint ?? null}
            refresh={model.last_update_time}
          />
        ) : this._tab === 'history' ? (
          <>
            <History objectType="model" objectId={model.name} refresh={model.last_update_time} />
            {model.endpoints.map(e => (
              <React.Fragment key={e.name}>
                <h3>Endpoint {e.name}</h3>
                <History objectType="endpoint" objectId={e.name} refresh={e.update_time} />
              </React.Fragment>
            ))}
          </>
        ) : (
          this._renderModel(data, endpoint, current)
        )}
      </div>
    );
  }

  private _renderModel(
    data: IModelViewData,
    endpoint: IEndpoint | undefined,
    current: number | null
  ): JSX.Element {
    const { model } = data;
    return (
      <>
        {this._busy ? (
          <div className="jp-MLOps-muted" data-testid="mlops-model-busy">
            {this._busy}
          </div>
        ) : null}
        {this._actionError ? (
          <div className="jp-MLOps-error" data-testid="mlops-model-action-error">
            {this._actionError.detail}
          </div>
        ) : null}
        <h3>Endpoints</h3>
        {model.endpoints.length === 0 ? (
          <div className="jp-MLOps-muted">
            Not deployed. <b>Deploy</b> a version below: it gets the alias @{DEFAULT_ALIAS} and an
            HTTP endpoint on 127.0.0.1.
          </div>
        ) : (
          model.endpoints.map(e =>
            this._renderEndpoint(
              e,
              data.stats[e.name],
              model.versions.find(v => v.version === e.serving_version)
            )
          )
        )}
        <Approvals
          modelName={model.name}
          versions={model.versions.map(v => v.version)}
          protectedAliases={data.protectedAliases}
          refresh={data /* every poll: another user's request shows without a reload */}
          onChanged={() => void this.refresh()}
          openRun={this._options.openRun}
          openNotebook={this._options.openNotebook}
        />
        <h3>Versions</h3>
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
                    <td title={version.estimator_class}>
                      {version.estimator_class.split('.').pop()}
                    </td>
                    <td>{this._renderLineage(version)}</td>
                    <td className="jp-MLOps-versionActions">
                      <button
                        className="jp-Button jp-mod-styled jp-mod-small"
                        data-testid="mlops-version-open-details"
                        aria-expanded={this._detailsOf === version.version}
                        title={`Description and tags of v${version.version}`}
                        onClick={() => this._toggleDetails(version.version)}
                      >
                        Details
                      </button>
                      {comparable ? (
                        <button
                          className="jp-Button jp-mod-styled jp-mod-small"
                          data-testid="mlops-compare"
                          aria-expanded={this._comparing === version.version}
                          title={`Metrics, training data drift and lineage of v${version.version} beside v${current}`}
                          onClick={() => this._toggleCompare(version.version)}
                        >
                          Compare with v{current}
                        </button>
                      ) : null}
                      {endpoint === undefined ? (
                        <button
                          className="jp-Button jp-mod-styled jp-mod-small jp-mod-accept"
                          data-testid="mlops-deploy"
                          disabled={this._busy !== null}
                          onClick={() => this._deploy(version)}
                        >
                          Deploy
                        </button>
                      ) : served ? (
                        <span className="jp-MLOps-muted">serving</span>
                      ) : (
                        <button
                          className="jp-Button jp-mod-styled jp-mod-small"
                          data-testid="mlops-promote"
                          disabled={this._busy !== null}
                          title={`Serve v${version.version} on ${endpoint.name} (no request fails)`}
                          onClick={() => void this._promote(endpoint, version)}
                        >
                          Promote
                        </button>
                      )}
                    </td>
                  </tr>
                  {this._detailsOf === version.version ? (
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
                  {comparable && this._comparing === version.version ? (
                    <tr className="jp-MLOps-compareRow">
                      <td colSpan={6}>{this._renderCompare(version, current, endpoint)}</td>
                    </tr>
                  ) : null}
                </React.Fragment>
              );
            })}
          </tbody>
        </table>
      </>
    );
  }

  private _renderCompare(
    version: IModelVersion,
    current: number,
    endpoint: IEndpoint | undefined
  ): JSX.Element {
    const action =
      endpoint === undefined
        ? {
            label: `Deploy v${version.version}`,
            title: `Point @${DEFAULT_ALIAS} at v${version.version} and start an endpoint`,
            run: () => this._deploy(version)
          }
        : {
            label: `Promote v${version.version}`,
            title: `Serve v${version.version} on ${endpoint.name} (no request fails)`,
            run: () => void this._promote(endpoint, version)
          };
    return (
      <VersionCompare
        modelName={this.modelName}
        version={version.version}
        current={current}
        currentLabel={endpoint ? `endpoint ${endpoint.name}` : `@${DEFAULT_ALIAS}`}
        actionLabel={action.label}
        actionTitle={action.title}
        busy={this._busy !== null}
        onAction={action.run}
        onClose={() => this._toggleCompare(version.version)}
        openRun={this._options.openRun}
        openNotebook={this._options.openNotebook}
      />
    );
  }

  private _renderLineage(version: IModelVersion): JSX.Element {
    return (
      <span className="jp-MLOps-lineage">
        {version.run_id ? (
          <button
            className="jp-MLOps-link"
            onClick={() => this._options.openRun(version.run_id as string)}
          >
            run {version.run_id.slice(0, 8)}
          </button>
        ) : null}
        {version.notebook_path ? (
          <button
            className="jp-MLOps-link"
            onClick={() => this._options.openNotebook(version.notebook_path as string)}
          >
            notebook
          </button>
        ) : null}
        {version.training_profile ? (
          <button
            className="jp-MLOps-link"
            title={`Training data profile ${version.training_profile} (the drift baseline)`}
            data-testid="mlops-version-profile"
            onClick={() => this._options.openProfile(version.training_profile as string)}
          >
            training data
          </button>
        ) : null}
      </span>
    );
  }

  private _showToken(name: string, rotate: boolean): void {
    this._act(rotate ? 'Rotating the token…' : 'Reading the token…', async () => {
      this._tokens[name] = await (rotate ? rotateEndpointToken(name) : endpointToken(name));
    });
  }

  private _renderCall(endpoint: IEndpoint, version: IModelVersion | undefined): JSX.Element {
    const token = this._tokens[endpoint.name];
    const shown = token !== undefined && token !== null;
    return (
      <details className="jp-MLOps-endpointCall" data-testid="mlops-endpoint-call">
        <summary>How to call</summary>
        <pre data-testid="mlops-endpoint-snippet">
          {curlSnippet(endpoint, version, shown ? token : '<token>')}
        </pre>
        {endpoint.auth ? (
          <div className="jp-MLOps-endpointActions">
            <span className="jp-MLOps-muted">
              Python: <code>mlops.get_endpoint("{endpoint.name}").token</code>
            </span>
            <button
              className="jp-Button jp-mod-styled jp-mod-small"
              data-testid="mlops-endpoint-show-token"
              disabled={this._busy !== null}
              onClick={() => this._showToken(endpoint.name, false)}
            >
              Show token
            </button>
            <button
              className="jp-Button jp-mod-styled jp-mod-small"
              data-testid="mlops-endpoint-rotate-token"
              disabled={this._busy !== null}
              title="Give the endpoint a new token; the current one stops working"
              onClick={() => {
                if (
                  window.confirm(`Rotate the token of ${endpoint.name}? Callers need the new one.`)
                ) {
                  this._showToken(endpoint.name, true);
                }
              }}
            >
              Rotate token
            </button>
          </div>
        ) : (
          <div className="jp-MLOps-muted">No token: deployed without auth.</div>
        )}
      </details>
    );
  }

  private _renderEndpoint(
    endpoint: IEndpoint,
    stats: IEndpointStats | undefined,
    version: IModelVersion | undefined
  ): JSX.Element {
    const rate = this._rates[endpoint.name]?.perSecond ?? null;
    const running = endpoint.state === 'running';
    return (
      <div
        key={endpoint.name}
        className="jp-MLOps-endpointCard"
        data-testid="mlops-endpoint"
        data-state={endpoint.state}
        data-version={endpoint.serving_version ?? ''}
      >
        <div className="jp-MLOps-endpointHead">
          <span className={`jp-MLOps-endpointState jp-MLOps-state-${endpoint.state}`}>
            {endpoint.state}
          </span>
          <b>{endpoint.name}</b>
          <span>
            {endpoint.target} → v{endpoint.serving_version ?? '—'}
          </span>
          <a
            href={`${endpoint.url}/health`}
            target="_blank"
            rel="noreferrer"
            data-testid="mlops-endpoint-url"
          >
            {endpoint.url}
          </a>
          <span
            className={endpoint.restarts > 0 ? 'jp-MLOps-error' : 'jp-MLOps-muted'}
            data-testid="mlops-endpoint-restarts"
            title="Times the process was restarted after it died"
          >
            {endpoint.restarts} restart{endpoint.restarts === 1 ? '' : 's'}
          </span>
          <Byline createdBy={endpoint.created_by} updatedBy={endpoint.updated_by} />
        </div>
        {endpoint.message ? <div className="jp-MLOps-muted">{endpoint.message}</div> : null}
        {this._renderCall(endpoint, version)}
        {running && stats?.reachable ? (
          <div className="jp-MLOps-endpointStats" data-testid="mlops-endpoint-stats">
            <span>{stats.requests} requests</span>
            <span>{rate === null ? '—' : rate.toFixed(1)} req/s</span>
            <span>p50 {fixed(stats.latency_p50_ms)} ms</span>
            <span>p99 {fixed(stats.latency_p99_ms)} ms</span>
            <span className={stats.errors > 0 ? 'jp-MLOps-error' : ''}>
              {plural(stats.errors, 'error')}
            </span>
          </div>
        ) : null}
        <div className="jp-MLOps-endpointActions">
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            data-testid="mlops-rollback"
            disabled={this._busy !== null || !running}
            onClick={() =>
              void this._confirmThen(
                'Rolling back…',
                {
                  title: `Roll back ${endpoint.name}?`,
                  body:
                    `${endpoint.name} serves the version it served before ` +
                    `v${endpoint.serving_version}, with the same no-downtime switch as a promotion.`,
                  label: 'Roll back'
                },
                () => endpointAction(endpoint.name, 'rollback')
              )
            }
          >
            Rollback
          </button>
          {running ? (
            <button
              className="jp-Button jp-mod-styled jp-mod-small"
              disabled={this._busy !== null}
              onClick={() =>
                void this._confirmThen(
                  'Stopping…',
                  {
                    title: `Stop ${endpoint.name}?`,
                    body: `Requests to ${endpoint.url} fail until you start it again.`,
                    label: 'Stop',
                    warn: true
                  },
                  () => endpointAction(endpoint.name, 'stop')
                )
              }
            >
              Stop
            </button>
          ) : (
            <button
              className="jp-Button jp-mod-styled jp-mod-small"
              disabled={this._busy !== null}
              onClick={() => this._act('Starting…', () => endpointAction(endpoint.name, 'start'))}
            >
              Start
            </button>
          )}
          <button
            className="jp-Button jp-mod-styled jp-mod-small jp-mod-warn"
            disabled={this._busy !== null}
            onClick={() =>
              void this._confirmThen(
                'Deleting…',
                {
                  title: `Delete endpoint ${endpoint.name}?`,
                  body:
                    'Its process stops and its URL stops answering. The model and its versions ' +
                    'stay in the registry; monitors of this endpoint stop receiving traffic.',
                  label: 'Delete',
                  warn: true
                },
                () => deleteEndpoint(endpoint.name)
              )
            }
          >
            Delete
          </button>
        </div>
      </div>
    );
  }
}
