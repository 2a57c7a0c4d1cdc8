import React, { useEffect, useState } from 'react';

import { ViewType } from './model';

/** The search box (MLflow's filter syntax), the lifecycle view, and the server's complaint. */
export function FilterBar(props: {
  filter: string;
  placeholder: string;
  view: ViewType;
  error: string | null;
  onApply(filter: string): void;
  onView(view: ViewType): void;
}): JSX.Element {
  const [draft, setDraft] = useState(props.filter);
  useEffect(() => setDraft(props.filter), [props.filter]);

  return (
    <div className="jp-MLOps-filterBar">
      <form
        className="jp-MLOps-filterForm"
        onSubmit={event => {
          event.preventDefault();
          props.onApply(draft.trim());
        }}
      >
        <input
          className="jp-MLOps-filterInput"
          data-testid="mlops-runs-filter"
          aria-label="Filter runs"
          aria-invalid={props.error !== null}
          placeholder={props.placeholder}
          value={draft}
          spellCheck={false}
          onChange={event => setDraft(event.currentTarget.value)}
        />
        <button className="jp-mod-styled jp-mod-accept" type="submit">
          Search
        </button>
        {props.filter.length > 0 ? (
          <button
            className="jp-mod-styled"
            type="button"
            onClick={() => {
              setDraft('');
              props.onApply('');
            }}
          >
            Clear
          </button>
        ) : null}
        <select
          className="jp-MLOps-select"
          aria-label="Which runs"
          value={props.view}
          onChange={event => props.onView(event.currentTarget.value as ViewType)}
        >
          <option value="active">Active runs</option>
          <option value="deleted">Deleted runs</option>
          <option value="all">All runs</option>
        </select>
      </form>
      {props.error !== null ? (
        <div className="jp-MLOps-error" data-testid="mlops-runs-filter-error" role="alert">
          {props.error}
        </div>
      ) : null}
    </div>
  );
}
