/** The texts of an endpoint's card (pure: no rendering). */
import { IEndpoint, IModelVersion } from './model';

/** A live figure with `digits` decimals, or a dash when the endpoint has none yet. */
export function fixed(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

/** A curl call of the endpoint: a record of the served version's columns, its token if any. */
export function curlSnippet(
  endpoint: IEndpoint,
  version: IModelVersion | undefined,
  token: string
) {
  const columns = version?.input_schema.columns ?? [];
  const record = Object.fromEntries(columns.map(c => [c.name, 0]));
  const body = JSON.stringify({ dataframe_records: [record] });
  const auth = endpoint.auth ? ` \\\n  -H 'Authorization: Bearer ${token}'` : '';
  return (
    `curl -X POST ${endpoint.url}/invocations \\\n  -H 'Content-Type: application/json'` +
    `${auth} \\\n  -d '${body}'`
  );
}
