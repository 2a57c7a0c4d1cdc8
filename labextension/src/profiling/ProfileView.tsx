import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { APIError } from '../request';
import { getJob, getProfile, startProfileJob } from './api';
import { IProfile, IProfileJob } from './model';
import { ProfileReport } from './ProfileReport';

/** What the view shows: a saved profile, or a file being profiled. */
export type ProfileSource = { profileId: string } | { path: string; name: string | null };

type ViewState =
  | { kind: 'loading' }
  | { kind: 'running'; job: IProfileJob }
  | { kind: 'done'; profile: IProfile }
  | { kind: 'failed'; message: string; field: string | null };

const POLL_MS = 400;

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

function Body(props: { state: ViewState }): JSX.Element {
  const { state } = props;
  switch (state.kind) {
    case 'loading':
      return <div className="jp-MLOps-muted">Loading the profile…</div>;
    case 'running':
      return <Progress job={state.job} />;
    case 'failed':
      return (
        <div className="jp-MLOps-error" data-testid="mlops-profile-error">
          {state.message}
        </div>
      );
    case 'done':
      return <ProfileReport profile={state.profile} />;
  }
}

/** A main-area view of a profile; for a file, it starts the job and shows its progress. */
export class ProfileView extends ReactWidget {
  private _state: ViewState = { kind: 'loading' };
  private _profileId: string | null;
  private _timer: number | null = null;

  /** `onReady` is called with the profile once it is ready (a job finished, or loaded). */
  constructor(
    readonly source: ProfileSource,
    private readonly _onReady: (profile: IProfile) => void = () => undefined
  ) {
    super();
    this.addClass('jp-MLOps-profile-view');
    this._profileId = 'profileId' in source ? source.profileId : null;
    this.title.label = 'profileId' in source ? 'Profile' : `Profile: ${source.path}`;
    void this._start();
  }

  /** The saved profile shown, once there is one. */
  get profileId(): string | null {
    return this._profileId;
  }

  dispose(): void {
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
    }
    super.dispose();
  }

  protected render(): JSX.Element {
    return <Body state={this._state} />;
  }

  private _show(state: ViewState): void {
    this._state = state;
    if (state.kind === 'done') {
      this._profileId = state.profile.id ?? this._profileId;
      this.title.label = `Profile: ${state.profile.name ?? state.profile.source ?? 'data'}`;
      this._onReady(state.profile);
    }
    this.update();
  }

  private _fail(error: unknown): void {
    const api = error instanceof APIError ? error : null;
    this._show({
      kind: 'failed',
      message: api !== null ? api.message : String(error),
      field: api?.field ?? null
    });
  }

  private async _start(): Promise<void> {
    try {
      if ('profileId' in this.source) {
        this._show({ kind: 'done', profile: await getProfile(this.source.profileId) });
        return;
      }
      const job = await startProfileJob(this.source.path, this.source.name);
      this._show({ kind: 'running', job });
      this._poll(job.id);
    } catch (error) {
      this._fail(error);
    }
  }

  private _poll(jobId: string): void {
    this._timer = window.setTimeout(async () => {
      this._timer = null;
      if (this.isDisposed) {
        return;
      }
      try {
        const { job, profile } = await getJob(jobId);
        if (job.status === 'running') {
          this._show({ kind: 'running', job });
          this._poll(jobId);
        } else if (job.status === 'done' && profile !== null) {
          this._show({ kind: 'done', profile });
        } else {
          this._show({
            kind: 'failed',
            message: job.error?.message ?? 'profiling failed',
            field: job.error?.field ?? null
          });
        }
      } catch (error) {
        this._fail(error);
      }
    }, POLL_MS);
  }
}
