import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useEffect, useMemo, useState } from 'react';

import { APIError } from '../request';
import { createJob, jobParameters, notebookParameters, patchJob, previewSchedule } from './api';
import { DAYS, presetCron, PRESETS, readPreset, timeZones } from './cronPresets';
import { inZone } from './format';
import { IJob, IJobCreate, IParameter, ISchedulePreview } from './model';

/** The fields the form shows an error next to (others show above the form). */
const FORM_FIELDS = new Set(['name', 'schedule', 'timezone', 'timeout_s', 'retries']);

/** The form's state: raw texts per parameter, parsed to typed values on submit. */
interface IForm {
  name: string;
  values: Record<string, string>;
  /** Run once now; create without running (on demand, or run by a monitor); on a schedule. */
  mode: 'now' | 'none' | 'cron';
  cron: string;
  timezone: string;
  target: 'local' | 'dask';
  gpu: boolean;
  timeout: string;
  retries: string;
  html: boolean;
}

function defaultText(parameter: IParameter): string {
  if (parameter.type === 'str' || parameter.type === 'date' || parameter.type === 'datetime') {
    return typeof parameter.default === 'string' ? parameter.default : '';
  }
  return parameter.default === null || parameter.default === undefined
    ? parameter.default_source
    : JSON.stringify(parameter.default);
}

/** A typed value from a text field; throws an APIError naming `parameters.<name>`. */
export function typedValue(parameter: IParameter, text: string): unknown {
  const field = `parameters.${parameter.name}`;
  const bad = () =>
    new APIError(0, 'client', `${parameter.name} takes a value of type ${parameter.type}`, field);
  switch (parameter.type) {
    case 'str':
    case 'date':
    case 'datetime':
      return text;
    case 'bool':
      return text === 'true';
    case 'int':
    case 'float': {
      const value = Number(text);
      if (text.trim() === '' || Number.isNaN(value)) {
        throw bad();
      }
      if (parameter.type === 'int' && !Number.isInteger(value)) {
        throw bad();
      }
      return value;
    }
    default:
      try {
        return JSON.parse(text);
      } catch {
        if (parameter.type === 'any') {
          return text;
        }
        throw bad();
      }
  }
}

/** What is wrong with a parameter's text as typed, or null (checked on every keystroke). */
export function parameterError(parameter: IParameter, text: string): string | null {
  try {
    typedValue(parameter, text);
    return null;
  } catch (error) {
    return APIError.from(error).detail;
  }
}

/** The inline error of one field (next to it), if any. */
function FieldError(props: { text: string | null; field: string }): JSX.Element | null {
  return props.text ? (
    <span className="jp-MLOps-fieldError" data-testid="mlops-field-error" data-field={props.field}>
      {props.text}
    </span>
  ) : null;
}

/** The server's error for `field`, if that is the field it names. */
function serverError(error: APIError | null, field: string): string | null {
  return error && error.field === field ? error.detail : null;
}

function ParameterField(props: {
  parameter: IParameter;
  value: string;
  /** The server's refusal of this parameter, shown until the value changes. */
  refused: string | null;
  onChange(value: string): void;
}): JSX.Element {
  const { parameter } = props;
  const typed = parameterError(parameter, props.value);
  const id = `mlops-param-${parameter.name}`;
  let input: JSX.Element;
  if (parameter.type === 'bool') {
    input = (
      <input
        id={id}
        type="checkbox"
        checked={props.value === 'true'}
        onChange={e => props.onChange(e.target.checked ? 'true' : 'false')}
      />
    );
  } else {
    const type =
      parameter.type === 'int' || parameter.type === 'float'
        ? 'number'
        : parameter.type === 'date'
          ? 'date'
          : 'text';
    input = (
      <input
        id={id}
        className="jp-mod-styled"
        type={type}
        step={parameter.type === 'float' ? 'any' : parameter.type === 'int' ? 1 : undefined}
        aria-invalid={typed !== null}
        value={props.value}
        onChange={e => props.onChange(e.target.value)}
      />
    );
  }
  return (
    <div className="jp-MLOps-formRow" data-parameter={parameter.name}>
      <label htmlFor={id} title={parameter.help}>
        {parameter.name} <span className="jp-MLOps-muted">({parameter.type})</span>
      </label>
      {input}
      <FieldError text={typed ?? props.refused} field={`parameters.${parameter.name}`} />
    </div>
  );
}

function ScheduleForm(props: {
  parameters: IParameter[];
  initial: IForm;
  editing: boolean;
  /** The server's refusal of the last submit: shown next to the field it names. */
  error: APIError | null;
  onChange(form: IForm): void;
}): JSX.Element {
  const [form, setForm] = useState<IForm>(props.initial);
  const [refused, setRefused] = useState<APIError | null>(props.error);
  const [preset, setPreset] = useState(() => readPreset(props.initial.cron));
  const zones = useMemo(() => timeZones(props.initial.timezone), [props.initial.timezone]);
  const [preview, setPreview] = useState<ISchedulePreview | APIError | null>(null);
  const change = (patch: Partial<IForm>) => {
    const next = { ...form, ...patch };
    setForm(next);
    setRefused(null);
    props.onChange(next);
  };
  const choosePreset = (next: typeof preset) => {
    setPreset(next);
    const cron = presetCron(next.preset, next.time, next.day);
    if (cron !== null) {
      change({ cron });
    }
  };
  useEffect(() => {
    if (form.mode !== 'cron' || !form.cron.trim()) {
      setPreview(null);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      previewSchedule(form.cron, form.timezone)
        .then(answer => current && setPreview(answer))
        .catch(error => current && setPreview(APIError.from(error)));
    }, 300);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [form.mode, form.cron, form.timezone]);
  return (
    <div className="jp-MLOps-scheduleForm" data-testid="mlops-schedule-form">
      <div className="jp-MLOps-formRow">
        <label htmlFor="mlops-job-name">Name</label>
        <input
          id="mlops-job-name"
          className="jp-mod-styled"
          value={form.name}
          onChange={e => change({ name: e.target.value })}
        />
        <FieldError text={serverError(refused, 'name')} field="name" />
      </div>
      {refused &&
      !FORM_FIELDS.has(refused.field ?? '') &&
      !refused.field?.startsWith('parameters.') ? (
        <div className="jp-MLOps-error" data-testid="mlops-schedule-error">
          {refused.detail}
        </div>
      ) : null}
      <fieldset>
        <legend>Parameters</legend>
        {props.parameters.length === 0 ? (
          <div className="jp-MLOps-muted">
            No cell tagged <code>parameters</code> in this notebook.
          </div>
        ) : (
          props.parameters.map(p => (
            <ParameterField
              key={p.name}
              parameter={p}
              value={form.values[p.name] ?? ''}
              refused={serverError(refused, `parameters.${p.name}`)}
              onChange={value => change({ values: { ...form.values, [p.name]: value } })}
            />
          ))
        )}
      </fieldset>
      <fieldset>
        <legend>When</legend>
        <label>
          <input
            type="radio"
            checked={form.mode === 'now'}
            onChange={() => change({ mode: 'now' })}
          />{' '}
          {props.editing ? 'On demand (no schedule)' : 'Run once now'}
        </label>
        {props.editing ? null : (
          <label>
            <input
              type="radio"
              data-testid="mlops-schedule-none-mode"
              checked={form.mode === 'none'}
              onChange={() => change({ mode: 'none' })}
            />{' '}
            Create without running (run it later, or from a monitor)
          </label>
        )}
        <label>
          <input
            type="radio"
            data-testid="mlops-schedule-cron-mode"
            checked={form.mode === 'cron'}
            onChange={() => change({ mode: 'cron' })}
          />{' '}
          On a schedule (cron)
        </label>
        {form.mode === 'cron' ? (
          <>
            <div className="jp-MLOps-formRow">
              <label htmlFor="mlops-job-preset">Repeat</label>
              <select
                id="mlops-job-preset"
                className="jp-mod-styled"
                value={preset.preset}
                onChange={e =>
                  choosePreset({ ...preset, preset: e.target.value as typeof preset.preset })
                }
              >
                {PRESETS.map(p => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </select>
              {preset.preset === 'weekly' ? (
                <select
                  id="mlops-job-day"
                  className="jp-mod-styled"
                  value={preset.day}
                  onChange={e => choosePreset({ ...preset, day: Number(e.target.value) })}
                >
                  {DAYS.map((day, index) => (
                    <option key={day} value={index}>
                      {day}
                    </option>
                  ))}
                </select>
              ) : null}
              {preset.preset !== 'custom' ? (
                <input
                  id="mlops-job-time"
                  className="jp-mod-styled"
                  type="time"
                  value={preset.time}
                  onChange={e => choosePreset({ ...preset, time: e.target.value })}
                />
              ) : null}
            </div>
            <div className="jp-MLOps-formRow">
              <label htmlFor="mlops-job-cron">Cron</label>
              <input
                id="mlops-job-cron"
                className="jp-mod-styled"
                placeholder="0 2 * * *"
                value={form.cron}
                onChange={e => {
                  setPreset(readPreset(e.target.value));
                  change({ cron: e.target.value });
                }}
              />
              <FieldError text={serverError(refused, 'schedule')} field="schedule" />
            </div>
            <div className="jp-MLOps-formRow">
              <label htmlFor="mlops-job-tz">Timezone</label>
              <input
                id="mlops-job-tz"
                className="jp-mod-styled"
                list="mlops-job-tz-list"
                value={form.timezone}
                onChange={e => change({ timezone: e.target.value })}
              />
              <datalist id="mlops-job-tz-list">
                {zones.map(zone => (
                  <option key={zone} value={zone} />
                ))}
              </datalist>
              <FieldError text={serverError(refused, 'timezone')} field="timezone" />
            </div>
            <div data-testid="mlops-schedule-preview">
              {preview instanceof APIError ? (
                <span className="jp-MLOps-error">{preview.detail}</span>
              ) : preview ? (
                <>
                  <b>{preview.description}</b>
                  <span className="jp-MLOps-muted">
                    {' '}
                    next: {preview.next_times.map(t => inZone(t, preview.timezone)).join(', ')}
                  </span>
                </>
              ) : null}
            </div>
          </>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Where and how</legend>
        <div className="jp-MLOps-formRow">
          <label htmlFor="mlops-job-target">Runs on</label>
          <select
            id="mlops-job-target"
            className="jp-mod-styled"
            value={form.target}
            onChange={e => change({ target: e.target.value as 'local' | 'dask' })}
          >
            <option value="local">a local process</option>
            <option value="dask">the attached Dask cluster</option>
          </select>
        </div>
        {form.target === 'dask' ? (
          <label>
            <input
              type="checkbox"
              checked={form.gpu}
              onChange={e => change({ gpu: e.target.checked })}
            />{' '}
            needs a GPU worker
          </label>
        ) : null}
        <div className="jp-MLOps-formRow">
          <label htmlFor="mlops-job-timeout">Timeout (s)</label>
          <input
            id="mlops-job-timeout"
            className="jp-mod-styled"
            type="number"
            min={1}
            value={form.timeout}
            onChange={e => change({ timeout: e.target.value })}
          />
          <FieldError text={serverError(refused, 'timeout_s')} field="timeout_s" />
        </div>
        <div className="jp-MLOps-formRow">
          <label htmlFor="mlops-job-retries">Retries</label>
          <input
            id="mlops-job-retries"
            className="jp-mod-styled"
            type="number"
            min={0}
            max={10}
            value={form.retries}
            onChange={e => change({ retries: e.target.value })}
          />
          <FieldError text={serverError(refused, 'retries')} field="retries" />
        </div>
        <label>
          <input
            type="checkbox"
            checked={form.html}
            onChange={e => change({ html: e.target.checked })}
          />{' '}
          also export HTML
        </label>
      </fieldset>
    </div>
  );
}

class ScheduleBody extends ReactWidget implements Dialog.IBodyWidget<IForm> {
  private _form: IForm;

  constructor(
    private readonly _parameters: IParameter[],
    initial: IForm,
    private readonly _editing = false,
    private readonly _error: APIError | null = null
  ) {
    super();
    this._form = initial;
    this.addClass('jp-MLOps-scheduleDialog');
  }

  getValue(): IForm {
    return this._form;
  }

  protected render(): JSX.Element {
    return (
      <ScheduleForm
        parameters={this._parameters}
        initial={this._form}
        editing={this._editing}
        error={this._error}
        onChange={form => {
          this._form = form;
        }}
      />
    );
  }
}

export function toRequest(path: string, parameters: IParameter[], form: IForm): IJobCreate {
  const values: Record<string, unknown> = {};
  for (const parameter of parameters) {
    const text = form.values[parameter.name];
    if (text !== undefined && text !== defaultText(parameter)) {
      values[parameter.name] = typedValue(parameter, text);
    }
  }
  return {
    notebook_path: path,
    name: form.name || null,
    parameters: values,
    schedule: form.mode === 'cron' ? form.cron : null,
    timezone: form.timezone || 'UTC',
    target: form.target,
    gpu: form.target === 'dask' && form.gpu,
    timeout_s: form.timeout ? Number(form.timeout) : null,
    retries: form.retries ? Number(form.retries) : 0,
    outputs: form.html ? ['ipynb', 'html'] : ['ipynb'],
    run_now: form.mode === 'now',
    // The server's defaults, said explicitly (the generated JobCreate lists them all).
    paused: false,
    missed_policy: 'skip',
    validate: null
  };
}

/** The Schedule dialog for the notebook at `path`; resolves to the job made, or null. */
export async function scheduleNotebook(path: string): Promise<IJob | null> {
  let parameters: IParameter[];
  try {
    parameters = await notebookParameters(path);
  } catch (error) {
    await showErrorMessage('Cannot read the notebook', APIError.from(error).detail);
    return null;
  }
  let form: IForm = {
    name:
      path
        .split('/')
        .pop()
        ?.replace(/\.ipynb$/, '') ?? '',
    values: Object.fromEntries(parameters.map(p => [p.name, defaultText(p)])),
    mode: 'now',
    cron: '0 2 * * *',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    target: 'local',
    gpu: false,
    timeout: '',
    retries: '0',
    html: true
  };
  let error: APIError | null = null;
  for (;;) {
    const result = await showDialog({
      title: `Schedule ${path}`,
      body: new ScheduleBody(parameters, form, false, error),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Schedule' })]
    });
    if (!result.button.accept || result.value === null) {
      return null;
    }
    form = result.value;
    try {
      return await createJob(toRequest(path, parameters, form));
    } catch (reason) {
      // The form again, with the error next to the field it names (not a second dialog).
      error = APIError.from(reason);
    }
  }
}

/** A stored value as the text its field shows. */
function textOf(parameter: IParameter, value: unknown): string {
  if (typeof value === 'string' && ['str', 'date', 'datetime'].includes(parameter.type)) {
    return value;
  }
  return JSON.stringify(value);
}

/** The Edit dialog of a job (its snapshot's parameters); resolves to the changed job, or null. */
export async function editJob(job: IJob): Promise<IJob | null> {
  let parameters: IParameter[];
  try {
    parameters = await jobParameters(job.job_id);
  } catch (error) {
    await showErrorMessage('Cannot read the job', APIError.from(error).detail);
    return null;
  }
  let form: IForm = {
    name: job.name,
    values: Object.fromEntries(
      parameters.map(p => [
        p.name,
        p.name in job.parameters ? textOf(p, job.parameters[p.name]) : defaultText(p)
      ])
    ),
    mode: job.schedule ? 'cron' : 'now',
    cron: job.schedule ?? '0 2 * * *',
    timezone: job.timezone,
    target: job.target === 'dask' ? 'dask' : 'local',
    gpu: job.gpu,
    timeout: job.timeout_s ? String(job.timeout_s) : '',
    retries: String(job.retries),
    html: job.outputs.includes('html')
  };
  let error: APIError | null = null;
  for (;;) {
    const result = await showDialog({
      title: `Edit job ${job.name}`,
      body: new ScheduleBody(parameters, form, true, error),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Save' })]
    });
    if (!result.button.accept || result.value === null) {
      return null;
    }
    form = result.value;
    try {
      const request = toRequest(job.notebook_path, parameters, form);
      return await patchJob(job.job_id, {
        name: request.name ?? job.name,
        parameters: request.parameters,
        schedule: request.schedule,
        timezone: request.timezone,
        target: request.target,
        gpu: request.gpu,
        timeout_s: request.timeout_s,
        retries: request.retries,
        outputs: request.outputs
      });
    } catch (reason) {
      error = APIError.from(reason);
    }
  }
}
