import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { APIError } from '../request';
import { createJob, jobParameters, notebookParameters, patchJob } from './api';
import { defaultText, IForm, textOf, toRequest } from './jobForm';
import { IJob, IParameter } from './model';
import { ScheduleForm } from './ScheduleForm';

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
