import { ReactWidget } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';
import React from 'react';

import { ViewPoll } from '../kit/poll';
import { APIError } from '../request';
import { downloadReport, getJob, getProfile, startProfileJob } from './api';
import { IProfile, IProfileJob, IProfileRequest } from './model';
import { ProfileReport } from './ProfileReport';

/**
 * What a profile tab shows, as saved with the Lab's layout: a saved profile (`profileId`), or a
 * file being profiled (`path` with its options, and `jobId` once the job started). A tab
 * restored while its job was running polls that job again, or starts it again when the server
 * no longer knows it (it restarted).
 */
export interface IProfileViewArgs extends ReadonlyPartialJSONObject {
  profileId?: string;
  path?: string;
  name?: string;
  jobId?: string;
  sample?: number;
  delimiter?: string;
  encoding?: string;
}

type ViewState =
  | { kind: 'loading' }
  | { kind: 'running'; job: IProfileJob }
  | { kind: 'done'; profile: IProfile }
  | { kind: 'failed'; message: string; field: string | null };

const POLL_MS = 500;

function Progress(props: { job: IProfileJob }): JSX.Element {
  const percent = Math.round(100 * props.job.progress);
  return (
    <div className="jp-MLOps-profile-progress" data-testid="mlops-profile-progress">
      <div>
        Profiling <code>{props.job.path}</code>… {percent}%
      </div>
      <progress max={1} value={props.job.progress} />
    </div>
  );
}

/** A file's profiling before its job answers (the server may profile it meanwhile). */
function Starting(props: { path: string }): JSX.Element {
  return (
    <div className="jp-MLOps-profile-progress" data-testid="mlops-profile-progress">
      <div>
        Profiling <code>{props.path}</code>…
      </div>
      <progress />
    </div>
  );
}

/** The request that profiles the file of `args`. */
export function fileRequest(args: IProfileViewArgs): IProfileRequest {
  const csv =
    args.delimiter || args.encoding
      ? {
          ...(args.delimiter ? { delimiter: args.delimiter as ',' } : {}),
          ...(args.encoding ? { encoding: args.encoding } : {})
        }
      : null;
  return {
    path: args.path ?? '',
    name: args.name ?? args.path ?? null,
    sample: args.sample ?? null,
    csv
  };
}

/** A main-area view of a profile; for a file, it runs the job and shows its progress. */
export class ProfileView extends ReactWidget {
  private _state: ViewState = { kind: 'loading' };
  private _args: IProfileViewArgs;
  private _poll: ViewPoll | null = null;
  private _exportNote: string | null = null;
  private readonly _argsChanged = new Signal<this, IProfileViewArgs>(this);

  /** `onReady` is called with the profile once it is ready (a job finished, or loaded). */
  constructor(
    args: IProfileViewArgs,
    private readonly _onReady: (profile: IProfile) => void = () => undefined
  ) {
    super();
    this._args = { ...args };
    this.addClass('jp-MLOps-profile-view');
    this.title.label = args.profileId ? 'Profile' : `Profile: ${args.path}`;
    this.title.caption = args.path ?? args.profileId ?? '';
    void this._start();
  }

  /** The arguments that reopen this view (saved with the layout). */
  get args(): IProfileViewArgs {
    return this._args;
  }

  /** Emitted when the arguments that reopen this view change (a job started, a profile saved). */
  get argsChanged(): ISignal<this, IProfileViewArgs> {
    return this._argsChanged;
  }

  /** The saved profile shown, once there is one. */
  get profileId(): string | null {
    return this._args.profileId ?? null;
  }

  protected render(): JSX.Element {
    const state = this._state;
    switch (state.kind) {
      case 'loading':
        if (this._args.path && !this._args.profileId) {
          // A small file is profiled while the request is answered: an indeterminate bar.
          return <Starting path={this._args.path} />;
        }
        return <div className="jp-MLOps-muted">Loading the profile…</div>;
      case 'running':
        return <Progress job={state.job} />;
      case 'failed':
        return (
          <div className="jp-MLOps-error" data-testid="mlops-profile-error">
            {state.message}
          </div>
        );
      case 'done': {
        const id = state.profile.id;
        return (
          <ProfileReport
            profile={state.profile}
            exportNote={this._exportNote}
            onExport={id ? () => void this._export(id) : undefined}
          />
        );
      }
    }
  }

  private async _export(profileId: string): Promise<void> {
    try {
      await downloadReport(profileId);
      this._exportNote = null;
    } catch (error) {
      this._exportNote = `Cannot export the report: ${APIError.from(error).detail}`;
    }
    this.update();
  }

  private _show(state: ViewState): void {
    this._state = state;
    if (state.kind === 'done') {
      const profile = state.profile;
      if (profile.id) {
        // From now on the tab reopens the saved profile, not the file.
        this._args = { profileId: profile.id };
        this._argsChanged.emit(this._args);
      }
      this.title.label = `Profile: ${profile.name ?? profile.source ?? 'data'}`;
      this.title.caption = profile.source ?? profile.name ?? '';
      this._onReady(profile);
    }
    if (state.kind !== 'running') {
      this._poll?.dispose();
      this._poll = null;
    }
    this.update();
  }

  private _fail(error: unknown): void {
    const api = APIError.from(error);
    this._show({ kind: 'failed', message: api.detail, field: api.field });
  }

  private async _start(): Promise<void> {
    try {
      if (this._args.profileId) {
        this._show({ kind: 'done', profile: await getProfile(this._args.profileId) });
        return;
      }
      if (this._args.jobId) {
        this._follow(this._args.jobId);
        return;
      }
      await this._submit();
    } catch (error) {
      this._fail(error);
    }
  }

  private async _submit(): Promise<void> {
    const job = await startProfileJob(fileRequest(this._args));
    this._args = { ...this._args, jobId: job.id };
    this._argsChanged.emit(this._args);
    if (job.status !== 'running') {
      // A small file was profiled by the server at once: show it now, no poll.
      const { profile } = await getJob(job.id);
      if (job.status === 'done' && profile !== null) {
        this._show({ kind: 'done', profile });
      } else {
        this._show({
          kind: 'failed',
          message: job.error?.message ?? 'profiling failed',
          field: job.error?.field ?? null
        });
      }
      return;
    }
    this._show({ kind: 'running', job });
    this._follow(job.id);
  }

  /** Poll the job while the tab shows (backing off on errors) until it ends. */
  private _follow(jobId: string): void {
    this._poll?.dispose();
    this._poll = new ViewPoll(this, {
      name: 'profile-job',
      interval: POLL_MS,
      max: 10000,
      tick: async () => {
        let state;
        try {
          state = await getJob(jobId);
        } catch (error) {
          const api = APIError.from(error);
          if (api.status === 404 && api.field === 'job_id' && this._args.path) {
            // The server restarted and forgot the job: profile the file again.
            this._poll?.dispose();
            this._poll = null;
            await this._submit().catch(reason => this._fail(reason));
            return;
          }
          throw error; // back off and retry
        }
        const { job, profile } = state;
        if (job.status === 'running') {
          this._show({ kind: 'running', job });
        } else if (job.status === 'done' && profile !== null) {
          this._show({ kind: 'done', profile });
        } else {
          this._show({
            kind: 'failed',
            message: job.error?.message ?? 'profiling failed',
            field: job.error?.field ?? null
          });
        }
      }
    });
  }
}
