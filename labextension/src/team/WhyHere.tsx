import React, { useState } from 'react';

import { useRequest } from '../kit';
import { versionProvenance } from './api';

/** The provenance's sentences, read when shown (and again on `refresh`). */
function Story(props: { model: string; version: number; refresh: unknown }): JSX.Element {
  const { data, error } = useRequest(
    () => versionProvenance(props.model, props.version),
    [props.model, props.version],
    props.refresh
  );
  if (error !== null) {
    return <div className="jp-MLOps-error">{error.detail}</div>;
  }
  if (data === null) {
    return <div className="jp-MLOps-muted">Reading the audit trail…</div>;
  }
  return (
    <ul className="jp-MLOps-provenance" data-testid="mlops-provenance">
      {data.summary.map((line, index) => (
        <li key={index}>{line}</li>
      ))}
    </ul>
  );
}

/**
 * "Why is v7 here?": a fold under a version's aliases that answers from the audit trail (who
 * registered it from which run and notebook, who moved each alias there approving whose
 * request, the gates that checked it): `GET models/{name}/versions/{v}/provenance`.
 */
export function WhyHere(props: { model: string; version: number; refresh: unknown }): JSX.Element {
  const [open, setOpen] = useState(false);
  return (
    <details
      className="jp-MLOps-whyHere"
      data-testid="mlops-why-here"
      onToggle={event => setOpen(event.currentTarget.open)}
    >
      <summary>why?</summary>
      {open ? <Story {...props} /> : null}
    </details>
  );
}
