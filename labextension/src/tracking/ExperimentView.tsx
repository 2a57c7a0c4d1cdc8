import { ReactWidget } from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';
import React from 'react';

import { panelPoll } from '../poll';
import { APIError } from '../request';
import { getExperiment, searchRuns } from './api';
import { ColumnPicker } from './ColumnPicker';
import { IColumn, ISort, dataColumns, nextSort, orderByClause, quoteKey } from './columns';
import { ComparePanel } from './ComparePanel';
import { FilterBar } from './FilterBar';
import { IExperimentDetail, IRun, IRunsPage, ViewType } from './model';
import { Pager } from './Pager';
import { RunsTable } from './RunsTable';
import { confirmRunsAction } from './runActions';

/** How often an idle experiment is re-read; with active runs, every poll tick reads it. */
const IDLE_REFRESH_MS = 30000;
const LIVE_INTERVAL_MS = 3000;
const DEFAULT_SORT: ISort = { key: 'attributes.start_time', descending: true };

/** What the experiment view needs from the Lab. */
export interface IExperimentViewOptions {
  experimentId: string;
  openRun(runId: string): void;
}

/** A filter that uses this experiment's own keys, shown as the search box's placeholder. */
function exampleFilter(detail: IExperimentDetail): string {
  const clauses = [];
  if (detail.metric_keys.length > 0) {
    clauses.push(`metrics.${quoteKey(detail.metric_keys[0])} > 0.9`);
  }
  if (detail.param_keys.length > 0) {
    clauses.push(`params.${quoteKey(detail.param_keys[0])} = '…'`);
  }
  return clauses.length > 0 ? clauses.join(' and ') : "attributes.status = 'FINISHED'";
}

function asAPIError(error: unknown): APIError {
  return error instanceof APIError ? error : new APIError(0, 'unknown', String(error));
}

/**
 * The main-area view of one experiment: a filterable, sortable, paged runs table (all on the
 * server), a selection to compare, and live updates while runs are active.
 */
export class ExperimentView extends ReactWidget {
  readonly experimentId: string;
  private readonly _openRun: (runId: string) => void;
  private readonly _poll: Poll;
  private _detail: IExperimentDetail | null = null;
  private _page: IRunsPage | null = null;
  private _error: string | null = null;
  private _filterError: string | null = null;
  private _filter = '';
  private _view: ViewType = 'active';
  private _sort: ISort = DEFAULT_SORT;
  private _offset = 0;
  private _pageSize = 50;
  private _selected = new Map<string, IRun>();
  private _hiddenColumns = new Set<string>();
  private _compareVersion = 0;
  private _lastRefresh = 0;
  private _request = 0;

  constructor(options: IExperimentViewOptions) {
    super();
    this.experimentId = options.experimentId;
    this._openRun = options.openRun;
    this.addClass('jp-MLOps-experimentView');
    this.title.label = 'Experiment';
    this._poll = panelPoll(
      `experiment-${options.experimentId}`,
      () => this._tick(),
      LIVE_INTERVAL_MS
    );
  }

  /** Read the experiment and the current page of runs now. */
  async refresh(): Promise<void> {
    const request = ++this._request;
    const search = {
      experimentIds: [this.experimentId],
      filter: this._filter,
      orderBy: [orderByClause(this._sort)],
      maxResults: this._pageSize,
      offset: this._offset,
      view: this._view
    };
    try {
      const [detail, page] = await Promise.all([
        getExperiment(this.experimentId),
        searchRuns(search)
      ]);
      if (request !== this._request) {
        return; // a newer search (another sort or filter) has started meanwhile
      }
      this._apply(detail, page);
    } catch (error) {
      if (request !== this._request) {
        return;
      }
      const apiError = asAPIError(error);
      if (apiError.field === 'filter' || apiError.field === 'order_by') {
        this._filterError = apiError.message;
        this._error = null;
      } else {
        this._error = apiError.message;
      }
      this.update();
      throw apiError; // let the poll back off
    } finally {
      this._lastRefresh = Date.now();
    }
  }

  dispose(): void {
    this._poll.dispose();
    super.dispose();
  }

  private _apply(detail: IExperimentDetail, page: IRunsPage): void {
    this._detail = detail;
    this._page = page;
    this._error = null;
    this._filterError = null;
    this.title.label = detail.name;
    this.title.caption = `Experiment ${detail.name} (${detail.experiment_id})`;
    let selectionIsLive = false;
    for (const run of page.runs) {
      if (this._selected.has(run.run_id)) {
        this._selected.set(run.run_id, run);
        selectionIsLive = selectionIsLive || run.status === 'RUNNING';
      }
    }
    if (selectionIsLive) {
      this._compareVersion += 1;
    }
    this.update();
  }

  private async _tick(): Promise<void> {
    if (!this.isVisible && this._page !== null) {
      return; // a background tab: catch up when shown
    }
    const live = (this._detail?.active_run_count ?? 0) > 0;
    if (live || this._page === null || Date.now() - this._lastRefresh > IDLE_REFRESH_MS) {
      await this.refresh();
    }
  }

  private _search(change: () => void): void {
    change();
    this.refresh().catch(() => undefined);
  }

  /** Start over at the first page with another filter, view or page size. */
  private _newSearch(change: { filter?: string; view?: ViewType; pageSize?: number }): void {
    this._search(() => {
      this._filter = change.filter ?? this._filter;
      this._view = change.view ?? this._view;
      this._pageSize = change.pageSize ?? this._pageSize;
      this._offset = 0;
    });
  }

  private _onSort = (column: IColumn): void => {
    this._search(() => {
      this._sort = nextSort(column, this._sort) ?? DEFAULT_SORT;
      this._offset = 0;
    });
  };

  private _onToggle = (run: IRun, checked: boolean): void => {
    if (checked) {
      this._selected.set(run.run_id, run);
    } else {
      this._selected.delete(run.run_id);
    }
    this.update();
  };

  private _onToggleAll = (runs: IRun[], checked: boolean): void => {
    for (const run of runs) {
      this._onToggle(run, checked);
    }
  };

  private _onRunsAction = async (action: 'delete' | 'restore'): Promise<void> => {
    const runs = [...this._selected.values()];
    const done = await confirmRunsAction(action, runs);
    if (done) {
      this._selected.clear();
      await this.refresh().catch(() => undefined);
    }
  };

  protected onAfterShow(): void {
    this.refresh().catch(() => undefined);
  }

  protected render(): JSX.Element {
    const detail = this._detail;
    const page = this._page;
    if (detail === null || page === null) {
      return this._error !== null ? (
        <div className="jp-MLOps-error">Cannot read the experiment: {this._error}</div>
      ) : (
        <div className="jp-MLOps-muted">Loading the experiment…</div>
      );
    }
    const selected = [...this._selected.values()];
    const columns = dataColumns(detail.param_keys, detail.metric_keys);
    return (
      <div className="jp-MLOps-experiment" data-testid="mlops-experiment-view">
        <header className="jp-MLOps-viewHeader">
          <h2>{detail.name}</h2>
          <span className="jp-MLOps-muted">
            {detail.run_count.toLocaleString()} runs
            {detail.active_run_count > 0 ? `, ${detail.active_run_count} running` : ''} · id{' '}
            {detail.experiment_id}
          </span>
        </header>
        <FilterBar
          filter={this._filter}
          placeholder={exampleFilter(detail)}
          view={this._view}
          error={this._filterError}
          onApply={filter => this._newSearch({ filter })}
          onView={view => this._newSearch({ view })}
        />
        {this._error !== null ? <div className="jp-MLOps-error">{this._error}</div> : null}
        <div className="jp-MLOps-selectionBar">
          <span>{selected.length} selected</span>
          <button
            className="jp-mod-styled"
            disabled={selected.length === 0}
            onClick={() => void this._onRunsAction('delete')}
          >
            Delete
          </button>
          <button
            className="jp-mod-styled"
            disabled={!selected.some(run => run.lifecycle_stage === 'deleted')}
            onClick={() => void this._onRunsAction('restore')}
          >
            Restore
          </button>
          <span className="jp-MLOps-muted">Select two or more runs to compare them.</span>
          <span className="jp-MLOps-spacer" />
          <ColumnPicker
            columns={columns}
            hidden={this._hiddenColumns}
            onChange={hidden => {
              this._hiddenColumns = hidden;
              this.update();
            }}
          />
        </div>
        <div className="jp-MLOps-tableScroll">
          <RunsTable
            runs={page.runs}
            columns={columns.filter(column => !this._hiddenColumns.has(column.id))}
            sort={this._sort}
            selected={new Set(this._selected.keys())}
            onSort={this._onSort}
            onToggle={this._onToggle}
            onToggleAll={this._onToggleAll}
            onOpen={run => this._openRun(run.run_id)}
          />
          {page.runs.length === 0 ? (
            <div className="jp-MLOps-muted jp-MLOps-empty">No runs match.</div>
          ) : null}
        </div>
        <Pager
          offset={page.offset}
          pageSize={this._pageSize}
          shown={page.runs.length}
          total={page.total}
          onOffset={offset =>
            this._search(() => {
              this._offset = offset;
            })
          }
          onPageSize={pageSize => this._newSearch({ pageSize })}
        />
        {selected.length >= 2 ? (
          <ComparePanel
            runs={selected}
            metricKeys={detail.metric_keys}
            version={this._compareVersion}
            onClear={() => {
              this._selected.clear();
              this.update();
            }}
          />
        ) : null}
      </div>
    );
  }
}
