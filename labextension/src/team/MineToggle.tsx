import React from 'react';

/** A "Mine" checkbox: the panel shows only what the Lab's user created. */
export function MineToggle(props: {
  checked: boolean;
  /** The Lab's user, once known (the toggle waits for it). */
  user: string | null;
  onChange(checked: boolean): void;
}): JSX.Element {
  return (
    <label
      className="jp-MLOps-mineToggle"
      title={props.user ? `Only what ${props.user} created` : 'Only what you created'}
    >
      <input
        type="checkbox"
        data-testid="mlops-mine-toggle"
        checked={props.checked}
        disabled={props.user === null}
        onChange={event => props.onChange(event.currentTarget.checked)}
      />
      Mine
    </label>
  );
}
