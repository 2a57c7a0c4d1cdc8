import React from 'react';

import { PolledView } from '../kit/PolledView';
import { APIError } from '../request';
import { currentUser, userClause } from '../team/api';
import { MineToggle } from '../team/MineToggle';
import { getExperiment, searchRuns } from './api';
import { ColumnPicker } from './ColumnPicker';
import {
  IColumn,
  IColumnChoice,
  ISort,
  autologgedParamKeys,
  byCoverage,
  choose,
  dataColumns,
  isShown,
  nextSort,
  orderByClause
} from './columns';
import { readChoice, saveChoice } from './columnChoiceStore';
import { ComparePanel } from './ComparePanel';
import { ExperimentCharts } from './ExperimentCharts';
import { exampleFilter, isSearchError } from './experimentSearch';
import { FilterBar } from './FilterBar';
import { IExperimentDetail, IRun, IRunsPage, ViewType } from './model';
import { Pager } from './Pager';
import { RunsTable } from './RunsTable';
import { nestRuns } from './runTree';
import { confirmRunsAction } from './runActions';

/** With active runs the view re-reads every 3 s while it shows; idle, every 30 s. */
const LIVE_INTERVAL_MS = 3000;
const IDLE_INTERVAL_MS = 30000;
const DEFAULT_SORT: ISort = { key: 'attributes.start_time', descending: true };

/** What the experiment view needs from the Lab. */
export interface IExperimentViewOptions {
  experimentId: string;
  openRun(runId: string): void;
}

interface IExperimentData {
  detail: IExperimentDetail;
  page: IRunsPage;
}

/**
 * The main-area view of one experiment: a filterable, sortable, paged runs table (all on the
 * server) with child runs nested under their parents, or a chart view of the same runs; a
 * selection to compare; live updates while runs are active and the view shows.
 */
export class ExperimentView extends PolledView<IExperimentData> {
  readonly experimentId: string;
  private readonly _openRun: (runId: string) => void;
  private _filter = '';
  private _view: ViewType = 'active';
  private _sort: ISort = DEFAULT_SORT;
  private _offset = 0;
  private _pageSize = 50;
  private _selected = new Map<string, IRun>();
  private _expanded = new Set<string>();
  private _choice: IColumnChoice;
  private _mode: 'table' | 'charts' = 'table';
  private _compareVersion = 0;
  /** "Mine": only the runs the Lab's user started (`tags.mlflow.user`). */
  private _mine = false;
  private _user: string | null = null;

  constructor(options: IExperimentViewOptions) {
    super({ name: 'experiment', interval: LIVE_INTERVAL_MS, readWhileHidden: true });
    this.experimentId = options.experimentId;
    this._openRun = options.openRun;
    this._choice = readChoice(options.experimentId);
    this.addClass('jp-MLOps-experimentView');
    this.title.label = 'Experiment';
  }

  protected get errorText(): string {
    return 'Cannot read the experiment';
  }

  /** The search box's filter, and with "Mine" the user's clause before it. */
  private _effectiveFilter(): string {
    if (!this._mine || this._user === null) {
      return this._filter;
    }
    const mine = userClause(this._user);
    return this._filter ? `${mine} and ${this._filter}` : mine;
  }

  protected async load(): Promise<IExperimentData> {
    if (this._user === null) {
      this._user = await currentUser().catch(() => null);
    }
    const [detail, page] = await Promise.all([
      getExperiment(this.experimentId),
      searchRuns({
        experimentIds: [this.experimentId],
        filter: this._effectiveFilter(),
        orderBy: [orderByClause(this._sort)],
        maxResults: this._pageSize,
        offset: this._offset,
        view: this._view
      })
    ]);
    return { detail, page };
  }

  protected showsError(error: APIError): boolean {
    return !isSearchError(error);
  }

  protected onLoaded({ detail, page }: IExperimentData): void {
    this.title.label = detail.name;
    this.title.caption = `Experiment ${detail.name} (${detail.experiment_id})`;
    this.poll.interval = detail.active_run_count > 0 ? LIVE_INTERVAL_MS : IDLE_INTERVAL_MS;
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
  }

  protected renderLoading(): JSX.Element {
    return <div className="jp-MLOps-muted">Loading the experiment…</div>;
  }

  private _search(change: () => void): void {
    change();
    void this.refresh();
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

  private _onExpand = (run: IRun, expanded: boolean): void => {
    if (expanded) {
      this._expanded.add(run.run_id);
    } else {
      this._expanded.delete(run.run_id);
    }
    this.update();
  };

  private _onSelectFromChart = (runIds: string[]): void => {
    const runs = new Map((this.data?.page.runs ?? []).map(run => [run.run_id, run]));
    this._selected = new Map(
      runIds.filter(id => runs.has(id)).map(id => [id, runs.get(id) as IRun])
    );
    this.update();
  };

  private _onChoice = (choice: IColumnChoice): void => {
    this._choice = choice;
    saveChoice(this.experimentId, choice);
    this.update();
  };

  private _onRunsAction = async (action: 'delete' | 'restore'): Promise<void> => {
    const runs = [...this._selected.values()];
    if (await confirmRunsAction(action, runs)) {
      this._selected.clear();
      await this.refresh();
    }
  };

  protected renderData({ detail, page }: IExperimentData): JSX.Element {
    const selected = [...this._selected.values()];
    const searchError = isSearchError(this.loaded.error) ? this.loaded.error : null;
    const autologged = autologgedParamKeys(page.runs);
    const columns = byCoverage(
      dataColumns(detail.param_keys, detail.metric_keys, autologged),
      page.runs
    );
    const shown = columns.filter(column => isShown(column, this._choice));
    const autologColumns = columns.filter(column => column.autologged);
    const autologHidden = autologColumns.some(column => !isShown(column, this._choice));
    const selectedIds = new Set(this._selected.keys());
    return (
      <div className="jp-MLOps-experiment" data-testid="mlops-experiment-view">
        <header className="jp-MLOps-viewHeader">
          <h2>{detail.name}</h2>
          <span className="jp-MLOps-muted">
            {detail.run_count.toLocaleString()} runs
            {detail.active_run_count > 0 ? `, ${detail.active_run_count} running` : ''} · id{' '}
            {detail.experiment_id}
          </span>
          <span className="jp-MLOps-spacer" />
          <MineToggle
            checked={this._mine}
            user={this._user}
            onChange={mine =>
              this._search(() => {
                this._mine = mine;
                this._offset = 0;
                this.update(); // the box shows its new state before the search answers
              })
            }
          />
          <div className="jp-MLOps-segmented" role="group" aria-label="View">
            <button
              className="jp-mod-styled"
              aria-pressed={this._mode === 'table'}
              onClick={() => {
                this._mode = 'table';
                this.update();
              }}
            >
              Table
            </button>
            <button
              className="jp-mod-styled"
              aria-pressed={this._mode === 'charts'}
              data-testid="mlops-show-charts"
              onClick={() => {
                this._mode = 'charts';
                this.update();
              }}
            >
              Charts
            </button>
          </div>
        </header>
        <FilterBar
          filter={this._filter}
          placeholder={exampleFilter(detail)}
          view={this._view}
          error={searchError?.message ?? null}
          onApply={filter => this._newSearch({ filter })}
          onView={view => this._newSearch({ view })}
        />
        <div className="jp-MLOps-selectionBar">
          <span>{selected.length} selected</span>
          <button
            className="jp-mod-styled"
            disabled={!selected.some(run => run.lifecycle_stage === 'active')}
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
          {selected.length < 2 ? (
            <span className="jp-MLOps-muted" data-testid="mlops-compare-hint">
              Select two or more runs to compare them.
            </span>
          ) : null}
          <span className="jp-MLOps-spacer" />
          {autologColumns.length > 0 ? (
            <button
              className="jp-mod-styled"
              data-testid="mlops-toggle-autologged"
              title="The params autolog logged: every argument of each estimator"
              onClick={() =>
                this._onChoice(
                  choose(
                    this._choice,
                    autologColumns.map(column => column.id),
                    autologHidden
                  )
                )
              }
            >
              {autologHidden ? 'show' : 'hide'} autologged ({autologColumns.length})
            </button>
          ) : null}
          <ColumnPicker columns={columns} choice={this._choice} onChange={this._onChoice} />
        </div>
        {this._mode === 'table' ? (
          <div className="jp-MLOps-tableScroll">
            {searchError !== null ? (
              <div className="jp-MLOps-muted" data-testid="mlops-runs-stale">
                The table still shows the runs of the last search that worked.
              </div>
            ) : null}
            <RunsTable
              rows={nestRuns(page.runs, this._expanded)}
              columns={shown}
              sort={this._sort}
              selected={selectedIds}
              expanded={this._expanded}
              stale={searchError !== null}
              onSort={this._onSort}
              onToggle={this._onToggle}
              onToggleAll={this._onToggleAll}
              onExpand={this._onExpand}
              onOpen={run => this._openRun(run.run_id)}
            />
            {page.runs.length === 0 ? (
              <div className="jp-MLOps-muted jp-MLOps-empty">No runs match.</div>
            ) : null}
          </div>
        ) : (
          <ExperimentCharts
            runs={page.runs}
            total={page.total}
            columns={columns}
            shown={shown}
            selected={selectedIds}
            onSelect={this._onSelectFromChart}
          />
        )}
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
