import React, { useState } from 'react';

import { APIError } from '../request';
import { IDetailsUpdate } from './model';

/**
 * A registered model's or version's description and tags, editable in place: Edit opens the
 * description in a text area; a key and a value add a tag or change one (the registry merges
 * tags); Remove deletes one. Errors show next to the form; `onSave` refreshes the page's views
 * of the object.
 */
export function RegistryDetails(props: {
  /** "model" or "version": names the fields for tests and screen readers. */
  what: string;
  description: string | null | undefined;
  tags: Record<string, string>;
  onSave(update: IDetailsUpdate): Promise<unknown>;
}): JSX.Element {
  const [editing, setEditing] = useState<string | null>(null);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (update: IDetailsUpdate): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await props.onSave(update);
      return true;
    } catch (reason) {
      setError(APIError.from(reason).detail);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const saveDescription = async () => {
    if (editing !== null && (await save({ description: editing.trim() }))) {
      setEditing(null);
    }
  };
  const addTag = async () => {
    if (key.trim() && (await save({ tags: { [key.trim()]: value } }))) {
      setKey('');
      setValue('');
    }
  };
  const tags = Object.entries(props.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="jp-MLOps-registryDetails" data-testid={`mlops-${props.what}-details`}>
      {editing === null ? (
        <div className="jp-MLOps-registryDescription">
          <span data-testid={`mlops-${props.what}-description`}>
            {props.description ? (
              props.description
            ) : (
              <span className="jp-MLOps-muted">No description.</span>
            )}
          </span>{' '}
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            data-testid={`mlops-${props.what}-edit-description`}
            onClick={() => setEditing(props.description ?? '')}
          >
            Edit description
          </button>
        </div>
      ) : (
        <div className="jp-MLOps-registryDescription">
          <textarea
            className="jp-mod-styled"
            aria-label={`Description of the ${props.what}`}
            data-testid={`mlops-${props.what}-description-input`}
            rows={3}
            value={editing}
            onChange={event => setEditing(event.target.value)}
          />
          <button
            className="jp-Button jp-mod-styled jp-mod-small jp-mod-accept"
            data-testid={`mlops-${props.what}-save-description`}
            disabled={busy}
            onClick={() => void saveDescription()}
          >
            Save
          </button>
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            disabled={busy}
            onClick={() => setEditing(null)}
          >
            Cancel
          </button>
        </div>
      )}
      <table className="jp-MLOps-kvTable" data-testid={`mlops-${props.what}-tags`}>
        <tbody>
          {tags.map(([tagKey, tagValue]) => (
            <tr key={tagKey} data-tag={tagKey}>
              <th>{tagKey}</th>
              <td>{tagValue}</td>
              <td>
                <button
                  className="jp-Button jp-mod-styled jp-mod-small"
                  data-testid={`mlops-${props.what}-remove-tag`}
                  aria-label={`Remove tag ${tagKey}`}
                  title={`Remove tag ${tagKey}`}
                  disabled={busy}
                  onClick={() => void save({ delete_tags: [tagKey] })}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="jp-MLOps-registryTagForm"
        onSubmit={event => {
          event.preventDefault();
          void addTag();
        }}
      >
        <input
          className="jp-mod-styled"
          aria-label="Tag key"
          placeholder="tag"
          data-testid={`mlops-${props.what}-tag-key`}
          value={key}
          onChange={event => setKey(event.target.value)}
        />
        <input
          className="jp-mod-styled"
          aria-label="Tag value"
          placeholder="value"
          data-testid={`mlops-${props.what}-tag-value`}
          value={value}
          onChange={event => setValue(event.target.value)}
        />
        <button
          type="submit"
          className="jp-Button jp-mod-styled jp-mod-small"
          data-testid={`mlops-${props.what}-add-tag`}
          disabled={busy || !key.trim()}
          title="Add the tag, or set a new value for an existing key"
        >
          Set tag
        </button>
      </form>
      {error !== null ? (
        <div className="jp-MLOps-error" data-testid={`mlops-${props.what}-details-error`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}
