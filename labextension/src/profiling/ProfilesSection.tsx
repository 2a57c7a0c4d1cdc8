import { Dialog, showDialog } from '@jupyterlab/apputils';
import React from 'react';

import { PolledView } from '../kit/PolledView';
import { APIError } from '../request';
import { deleteProfile, listProfiles } from './api';
import { formatValue } from './format';
import { IProfileSummary } from './model';

/** The saved profiles: name, size and alert count; a click opens one. */
export function ProfileList(props: {
  profiles: IProfileSummary[];
  onOpen(profile: IProfileSummary): void;
  onDelete(profile: IProfileSummary): void;
}): JSX.Element {
  if (props.profiles.length === 0) {
    return (
      <div className="jp-MLOps-muted" data-testid="mlops-profiles-empty">
        No saved profiles. Right-click a CSV or Parquet file and choose <b>Profile data</b>, or call{' '}
        <code>mlops.profile(df, name=…)</code> in a notebook.
      </div>
    );
  }
  return (
    <ul className="jp-MLOps-profileList" data-testid="mlops-profiles">
      {props.profiles.map(profile => (
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

/** The sidebar's "Profiles" section; reads the list only while it shows. */
export class ProfilesSection extends PolledView<IProfileSummary[]> {
  constructor(private readonly _open: (profile: IProfileSummary) => void) {
    super({ name: 'profiles', interval: 15000, max: 120000 });
    this.id = 'jupyter-mlops-profiles';
    this.addClass('jp-MLOps-section');
    this.title.label = 'Profiles';
  }

  protected load(): Promise<IProfileSummary[]> {
    return listProfiles();
  }

  protected get errorText(): string {
    return 'Cannot list profiles';
  }

  protected renderLoading(): JSX.Element {
    return <div className="jp-MLOps-muted">Reading profiles…</div>;
  }

  protected renderData(profiles: IProfileSummary[]): JSX.Element {
    return (
      <ProfileList
        profiles={profiles}
        onOpen={this._open}
        onDelete={profile => void this._delete(profile)}
      />
    );
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
      void showDialog({
        title: 'Cannot delete the profile',
        body: APIError.from(error).detail,
        buttons: [Dialog.okButton()]
      });
    }
    await this.refresh();
  }
}
