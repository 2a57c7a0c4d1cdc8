import React, { useEffect, useMemo, useState } from 'react';

import { APIError } from '../request';
import { previewSchedule } from './api';
import { DAYS, presetCron, PRESETS, readPreset, timeZones } from './cronPresets';
import { inZone } from './format';
import { IForm } from './jobForm';
import { IParameter, ISchedulePreview } from './model';
import { FieldError, ParameterField } from './ParameterField';

/** The fields the form shows an error next to (others show above the form). */
const FORM_FIELDS = new Set(['name', 'schedule', 'timezone', 'timeout_s', 'retries']);

/** The server's error for `field`, if that is the field it names. */
function serverError(error: APIError | null, field: string): string | null {
  return error && error.field === field ? error.detail : null;
}

/** The form of the Schedule and Edit dialogs: name, parameters, when, where and how. */
export function ScheduleForm(props: {
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
