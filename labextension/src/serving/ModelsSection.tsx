import React from 'react';

import { PolledView } from '../kit';
import { IRegisteredEndpoint, listAllEndpoints, listModels } from './api';
import { IEndpoint, IRegisteredModel } from './model';

interface IModelsData {
  models: IRegisteredModel[];
  endpoints: IEndpoint[];
  external: IRegisteredEndpoint[];
}

/** The sidebar's "Models" section: registered models and the endpoints serving them, those
 * this server started and the external ones that registered themselves (`jupyter-mlops serve`
 * in a terminal, a container, a pod: marked "external", stale once their heartbeat stops). */
export class ModelsSection extends PolledView<IModelsData> {
  constructor(private readonly _openModel: (name: string) => void) {
    super({ name: 'models', interval: 5000, max: 60000, refreshOn: ['model', 'endpoint'] });
    this.id = 'jupyter-mlops-models';
    this.addClass('jp-MLOps-section');
    this.title.label = 'Models';
  }

  protected get errorText(): string {
    return 'Cannot list models';
  }

  protected async load(): Promise<IModelsData> {
    const [models, all] = await Promise.all([listModels(), listAllEndpoints()]);
    return { models, ...all };
  }

  protected renderData(data: IModelsData): JSX.Element {
    if (data.models.length === 0) {
      return (
        <div className="jp-MLOps-muted" data-testid="mlops-models-empty">
          No registered models. Register one with <code>mlops.register_model(model, "name")</code>{' '}
          or the <b>Register</b> button next to a run's model artifact.
        </div>
      );
    }
    return (
      <ul className="jp-MLOps-modelList" data-testid="mlops-models">
        {data.models.map(model => {
          const endpoints = data.endpoints.filter(e => e.model_name === model.name);
          const external = data.external.filter(e => e.model_name === model.name);
          const aliases = Object.entries(model.aliases)
            .map(([alias, version]) => `@${alias}→v${version}`)
            .join(' ');
          return (
            <li key={model.name} className="jp-MLOps-modelItem">
              <button
                className="jp-MLOps-modelTitle"
                data-testid="mlops-model"
                data-model={model.name}
                onClick={() => this._openModel(model.name)}
                title="Open the model's versions and endpoints"
              >
                <span className="jp-MLOps-modelName">{model.name}</span>
                <span className="jp-MLOps-muted">
                  v{model.latest_version ?? '—'} {aliases}
                </span>
              </button>
              {endpoints.map(endpoint => (
                <div key={endpoint.name} className="jp-MLOps-endpointLine">
                  <span className={`jp-MLOps-endpointState jp-MLOps-state-${endpoint.state}`}>
                    {endpoint.state}
                  </span>
                  <span>
                    {endpoint.name} · v{endpoint.serving_version ?? '—'}
                  </span>
                  <span className="jp-MLOps-muted">{endpoint.url}</span>
                </div>
              ))}
              {external.map(endpoint => (
                <div
                  key={`${endpoint.name} ${endpoint.url}`}
                  className="jp-MLOps-endpointLine"
                  data-testid="mlops-external-endpoint"
                  title={`Started outside this server, on ${endpoint.hostname} (pid ${endpoint.pid}); health at the last heartbeat: ${endpoint.health}`}
                >
                  <span className={`jp-MLOps-endpointState jp-MLOps-state-${endpoint.state}`}>
                    {endpoint.state}
                  </span>
                  <span>
                    {endpoint.name} · v{endpoint.version ?? '—'} · external
                  </span>
                  <span className="jp-MLOps-muted">{endpoint.url}</span>
                </div>
              ))}
            </li>
          );
        })}
      </ul>
    );
  }
}
