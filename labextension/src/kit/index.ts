/**
 * The frontend kit: what every MLOps panel uses to read the server, poll, open tabs, print
 * values and draw charts. See docs/ARCHITECTURE.md, "Frontend kit".
 */
export { stringArg } from './args';
export { announcing, changes, useChanges } from './changes';
export type { IObjectChange, ObjectKind } from './changes';
export { confirmAction } from './confirm';
export type { IConfirmOptions } from './confirm';
export { ErrorNote } from './ErrorNote';
export { formatBytes, formatDate, formatDuration, parseDate, plural } from './format';
export { MainAreaOpener } from './opener';
export type { IOpenerOptions } from './opener';
export { Plot } from './Plot';
export type { IPlotProps } from './Plot';
export { loadPlotly, renderChart, themedLayout } from './plotly';
export { PolledView } from './PolledView';
export type { ILoaded, IPolledViewOptions } from './PolledView';
export { ViewPoll } from './poll';
export { addRefreshCommand } from './refreshCommand';
export type { IRefreshable } from './refreshCommand';
export type { IViewPollOptions } from './poll';
export { useRequest } from './useRequest';
export type { IRequestState } from './useRequest';
