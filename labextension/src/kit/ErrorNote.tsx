import React from 'react';

import { APIError } from '../request';

/**
 * An error as a panel shows it: what could not be done, the server's message and the field it
 * names. A server without the extension gets the one sentence that says how to enable it.
 */
export function ErrorNote(props: {
  /** What failed, e.g. "Cannot list experiments". */
  what: string;
  error: unknown;
  testId?: string;
}): JSX.Element {
  const error = APIError.from(props.error);
  return (
    <div className="jp-MLOps-error" role="alert" data-testid={props.testId} data-code={error.code}>
      {error.extensionMissing ? (
        <>
          The jupyter-mlops server extension is not enabled on this server. Run{' '}
          <code>jupyter server extension enable jupyter_mlops</code> and restart JupyterLab.
        </>
      ) : (
        `${props.what}: ${error.detail}`
      )}
    </div>
  );
}
