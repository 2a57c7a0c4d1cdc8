import React from 'react';

import { confirmAction, PolledView } from '../kit';
import { APIError } from '../request';
import {
  deploy,
  endpointAction,
  endpointStats,
  endpointToken,
  getModel,
  rotateEndpointToken,
  setAlias,
  updateModel
} from './api';
import { DEFAULT_ALIAS, PROTECTED_TAG } from './aliases';
import { EndpointCard, IEndpointActions } from './EndpointCard';
import { IEndpoint, IEndpointStats, IModelDetail, IModelVersion } from './model';
import { RegistryDetails } from './RegistryDetails';
import { VersionsTable } from './VersionsTable';
import { checkGates, promoteThroughGates } from '../evaluation/api';
import { confirmGatedPromotion } from '../evaluation/GateResults';
import { EvaluationTab } from '../evaluation/EvaluationTab';
import { whoAmI } from '../team/api';
import { Approvals } from '../team/Approvals';
import { Byline } from '../team/Byline';
import { History } from '../team/History';

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
    const actions: IEndpointActions = {
      busy: this._busy !== null,
      act: (label, work) => this._act(label, work),
      confirmThen: (label, question, work) => this._confirmThen(label, question, work),
      showToken: (name, rotate) => this._showToken(name, rotate)
    };
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
          model.endpoints.map(e => (
            <EndpointCard
              key={e.name}
              endpoint={e}
              stats={data.stats[e.name]}
              version={model.versions.find(v => v.version === e.serving_version)}
              rate={this._rates[e.name]?.perSecond ?? null}
              token={this._tokens[e.name]}
              actions={actions}
            />
          ))
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
        <VersionsTable
          model={model}
          endpoint={endpoint}
          current={current}
          busy={this._busy !== null}
          detailsOf={this._detailsOf}
          comparing={this._comparing}
          onToggleDetails={version => this._toggleDetails(version)}
          onToggleCompare={version => this._toggleCompare(version)}
          onDeploy={version => this._deploy(version)}
          onPromote={(e, version) => this._promote(e, version)}
          openRun={this._options.openRun}
          openNotebook={this._options.openNotebook}
          openProfile={this._options.openProfile}
        />
      </>
    );
  }

  private _showToken(name: string, rotate: boolean): void {
    this._act(rotate ? 'Rotating the token…' : 'Reading the token…', async () => {
      this._tokens[name] = await (rotate ? rotateEndpointToken(name) : endpointToken(name));
    });
  }
}
