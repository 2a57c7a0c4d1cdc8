/** The experiment view's run search: the filter it suggests, and which errors are the search's. */
import { APIError } from '../request';
import { quoteKey } from './columns';
import { IExperimentDetail } from './model';

/** A filter that uses this experiment's own keys, shown as the search box's placeholder. */
export function exampleFilter(detail: IExperimentDetail): string {
  const clauses = [];
  if (detail.metric_keys.length > 0) {
    clauses.push(`metrics.${quoteKey(detail.metric_keys[0])} > 0.9`);
  }
  if (detail.param_keys.length > 0) {
    clauses.push(`params.${quoteKey(detail.param_keys[0])} = '…'`);
  }
  return clauses.length > 0 ? clauses.join(' and ') : "attributes.status = 'FINISHED'";
}

/** Errors about the search itself: they show under the filter box. */
export function isSearchError(error: APIError | null): boolean {
  return error !== null && (error.field === 'filter' || error.field === 'order_by');
}
