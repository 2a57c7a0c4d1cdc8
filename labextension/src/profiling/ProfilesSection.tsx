import { Dialog, showDialog } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';
import React from 'react';

import { panelPoll } from '../poll';
import { APIError } from '../request';
import { deleteProfile, listProfiles } from './api';
import { formatValue } from './format';
import { IProfileSummary } from './model';

type SectionState = { profiles: IProfileSummary[] } | { error: APIError } | null;

/** The saved profiles: name, size and alert count; a click opens one. */
export function ProfileList(props: {
  state: SectionState;
  onOpen(profile: IProfileSummary): void;
  onDelete(profile: IProfileSummary): void;
}): JSX.Element {
  const { state } = props;
  if (state === null) {
    return <div className="jp-MLOps-muted">Reading profiles…</div>;
  }
  if ('error' in state) {
    return (
      <div className="jp-MLOps-error" data-testid="mlops-profiles-error">
        Cannot list profiles: {state.error.message}
      </div>
    );
  }
  if (state.profiles.length === 0) {
    return (
      <div className="jp-MLOps-muted" data-testid="mlops-profiles-empty">
        No saved profiles. Right-click a CSV or Parquet file and choose <b>Profile data</b>, or call{' '}
        <code>mlops.profile(df, name=…)</code> in a notebook.
      </div>
    );
  }
  return (
    <ul className="jp-MLOps-profileList" data-testid="mlops-profiles">
      {state.profiles.map(profile => (
        <li key={profile.id} data-profile-id={profile.id}>
          <button
            className="jp-MLOps-profileItem"
            title={`Open the profile of ${profile.source ?? profile.name}`}
            onClick={() => props.onOpen(profile)}
          >
            <span className="jp-MLOps-profileName">{profile.name}</span>
            <span className="jp-MLOps-count">
              {formatValue(profile.n_rows)} × {profile.n_columns}
              {profile.n_alerts > 0 ? ` · ⚠ ${profile.n_alerts}` : ''}
            </span>
          </button>
          <button
            className="jp-MLOps-profileDelete"
            title={`Delete ${profile.name}`}
            aria-label={`Delete ${profile.name}`}
            onClick={() => props.onDelete(profile)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The sidebar's "Profiles" section; refreshes while visible. */
export class ProfilesSection extends ReactWidget {
  private _state: SectionState = null;
  private readonly _poll: Poll;

  constructor(private readonly _open: (profile: IProfileSummary) => void) {
    super();
    this.id = 'jupyter-mlops-profiles';
    this.addClass('jp-MLOps-section');
    this.title.label = 'Profiles';
    this._poll = panelPoll('profiles', () => this._tick(), 15000, 120000);
  }

  /** Read the list now. */
  async refresh(): Promise<void> {
    try {
      this._state = { profiles: await listProfiles() };
    } catch (error) {
      this._state = {
        error: error instanceof APIError ? error : new APIError(0, 'unknown', String(error))
      };
    }
    this.update();
  }

  dispose(): void {
    this._poll.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <ProfileList
        state={this._state}
        onOpen={this._open}
        onDelete={profile => void this._delete(profile)}
      />
    );
  }

  private async _tick(): Promise<void> {
    await this.refresh();
    if (this._state !== null && 'error' in this._state) {
      throw this._state.error; // let the poll back off
    }
  }

  private async _delete(profile: IProfileSummary): Promise<void> {
    const answer = await showDialog({
      title: 'Delete profile',
      body: `Delete the saved profile "${profile.name}"?`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (!answer.button.accept) {
      return;
    }
    try {
      await deleteProfile(profile.id);
    } catch (error) {
      void showDialog({ title: 'Cannot delete the profile', body: String(error) });
    }
    await this.refresh();
  }
}
