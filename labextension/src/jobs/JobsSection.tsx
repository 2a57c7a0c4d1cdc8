import React from 'react';

import { confirmAction, formatDate, formatDuration, PolledView } from '../kit';
import { APIError } from '../request';
import { currentUser } from '../team/api';
import { Byline } from '../team/Byline';
import { MineToggle } from '../team/MineToggle';
import { cancelRun, deleteJob, listJobs, listRuns, patchJob, runJobNow } from './api';
import { IJob, IJobRun } from './model';
import { inZone, triggerLabel } from './format';

/** What the section does with a run's output (open it in the Lab). */
export interface IJobsActions {
  /** Open an executed notebook read-only, without starting a kernel. */
  openNotebook(path: string): void;
  /** Open a run's HTML export (sandboxed, drawn without "Trust HTML"). */
  openHtml(runId: string, label: string): void;
  /** Open the main-area Jobs panel. */
  openPanel(): void;
  /** Edit a job in a dialog; resolves once saved or cancelled. */
  editJob(job: IJob): Promise<unknown>;
  /** Open a tracking run's page. */
  openTrackingRun(runId: string): void;
  /** The URL that downloads a run's output. */
  downloadUrl(runId: string, format: string): string;
}

function RunLine(props: { run: IJobRun; actions: IJobsActions; onCancel(): void }): JSX.Element {
  const { run } = props;
  const live = run.status === 'running' || run.status === 'queued';
  const notebook = run.outputs.find(o => o.format === 'ipynb');
  const html = run.outputs.find(o => o.format === 'html');
  return (
    <div className="jp-MLOps-jobRun" data-run-id={run.run_id} data-status={run.status}>
      <span className={`jp-MLOps-jobStatus jp-MLOps-jobStatus-${run.status}`}>{run.status}</span>
      <span className="jp-MLOps-muted">
        {run.start_time ? formatDate(run.start_time) : 'queued'}
        {live && run.start_time
          ? // Elapsed time from the browser's clock (the server's figure waits for a heartbeat).
            ` · ${formatDuration(Math.max(0, Date.now() - run.start_time))} so far`
          : run.duration_ms !== null
            ? ` · ${formatDuration(run.duration_ms)}`
            : ''}
      </span>
      <span
        className="jp-MLOps-jobTrigger"
        data-testid="mlops-job-run-trigger"
        data-trigger={run.trigger}
        title="What started this run"
      >
        {triggerLabel(run.trigger)}
      </span>
      {live ? (
        <progress
          className="jp-MLOps-jobProgress"
          max={1}
          value={run.progress}
          title={`${run.cells_done}/${run.cells_total} cells`}
        />
      ) : null}
      {live ? (
        <button
          className="jp-Button jp-mod-styled jp-mod-small"
          data-testid="mlops-job-run-cancel"
          onClick={props.onCancel}
        >
          Cancel
        </button>
      ) : null}
      {run.error ? (
        <div className="jp-MLOps-error jp-MLOps-jobError" data-testid="mlops-job-run-error">
          {run.error}
          {run.failed_cell_source ? (
            <pre className="jp-MLOps-jobCell">{run.failed_cell_source}</pre>
          ) : null}
        </div>
      ) : null}
      {notebook?.lab_path ? (
        <button
          className="jp-mod-styled jp-MLOps-link"
          data-testid="mlops-job-open-output"
          onClick={() => props.actions.openNotebook(notebook.lab_path as string)}
        >
          Open notebook
        </button>
      ) : null}
      {html ? (
        // Read through the REST API: an export kept under a remote artifact root opens too.
        <button
          className="jp-mod-styled jp-MLOps-link"
          data-testid="mlops-job-open-html"
          onClick={() =>
            props.actions.openHtml(run.run_id, (html.lab_path ?? html.path).split('/').pop() ?? '')
          }
        >
          Open HTML
        </button>
      ) : null}
      {run.outputs.map(output => (
        <a
          key={output.format}
          className="jp-MLOps-link"
          href={props.actions.downloadUrl(run.run_id, output.format)}
          download
          title={`Download the ${output.format} output`}
        >
          ⤓ {output.format}
        </a>
      ))}
      {run.tracking_run_ids.map(id => (
        <button
          key={id}
          className="jp-mod-styled jp-MLOps-link"
          data-testid="mlops-job-tracking-run"
          title="Open the tracking run this job run logged"
          onClick={() => props.actions.openTrackingRun(id)}
        >
          tracking run {id.slice(0, 8)}
        </button>
      ))}
    </div>
  );
}

function JobCard(props: {
  job: IJob;
  runs: IJobRun[] | undefined;
  expanded: boolean;
  onToggle(): void;
  onChanged(): void;
  onError(error: APIError): void;
  actions: IJobsActions;
}): JSX.Element {
  const { job } = props;
  const act = (work: () => Promise<unknown>) => () => {
    work()
      .then(() => props.onChanged())
      .catch(error => props.onError(APIError.from(error)));
  };
  const cancelThen = async (run: IJobRun): Promise<void> => {
    const ok = await confirmAction({
      title: `Cancel this run of ${job.name}?`,
      body: 'Its kernel is stopped; the cells run so far stay in its output notebook.',
      label: 'Cancel run',
      warn: true
    });
    if (ok) {
      await cancelRun(run.run_id);
    }
  };
  const last = job.last_run;
  return (
    <li className="jp-MLOps-jobCard" data-job-id={job.job_id} data-testid="mlops-job">
      <button className="jp-MLOps-jobTitle" onClick={props.onToggle} title={job.notebook_path}>
        <span className="jp-MLOps-jobName">{job.name}</span>
        <span className="jp-MLOps-muted">
          {job.paused ? 'paused' : (job.schedule_description ?? 'on demand')}
          {!job.paused && job.next_times.length > 0
            ? ` · next ${inZone(job.next_times[0], job.timezone)}`
            : ''}
        </span>
        <Byline createdBy={job.created_by} updatedBy={job.updated_by} />
      </button>
      {last && !props.expanded ? (
        <RunLine run={last} actions={props.actions} onCancel={act(() => cancelThen(last))} />
      ) : null}
      <div className="jp-MLOps-jobActions">
        <button
          className="jp-Button jp-mod-styled jp-mod-small"
          onClick={act(() => runJobNow(job.job_id))}
        >
          Run now
        </button>
        {job.schedule ? (
          <button
            className="jp-Button jp-mod-styled jp-mod-small"
            onClick={act(() => patchJob(job.job_id, { paused: !job.paused }))}
          >
            {job.paused ? 'Resume' : 'Pause'}
          </button>
        ) : null}
        <button
          className="jp-Button jp-mod-styled jp-mod-small"
          data-testid="mlops-job-edit"
          onClick={act(() => props.actions.editJob(job))}
        >
          Edit
        </button>
        <button
          className="jp-Button jp-mod-styled jp-mod-small"
          title="Take the notebook's current content as the job's snapshot"
          onClick={act(() => patchJob(job.job_id, { refresh_snapshot: true }))}
        >
          Update
        </button>
        <button
          className="jp-Button jp-mod-styled jp-mod-small jp-mod-warn"
          onClick={act(async () => {
            const output = job.last_run?.outputs.find(o => o.lab_path)?.lab_path;
            const folder = output ? output.split('/').slice(0, -2).join('/') || '/' : null;
            const ok = await confirmAction({
              title: `Delete job ${job.name}?`,
              body:
                "Its schedule stops and its runs leave the Jobs panel. The runs' output " +
                'notebooks and HTML are kept' +
                (folder ? `, one folder per run under ${folder}.` : '.'),
              label: 'Delete',
              warn: true
            });
            if (ok) {
              await deleteJob(job.job_id);
            }
          })}
        >
          Delete
        </button>
      </div>
      {props.expanded ? (
        <div className="jp-MLOps-jobRuns">
          {(props.runs ?? []).map(run => (
            <RunLine
              key={run.run_id}
              run={run}
              actions={props.actions}
              onCancel={act(() => cancelThen(run))}
            />
          ))}
          {props.runs && props.runs.length === 0 ? (
            <div className="jp-MLOps-muted">No runs yet.</div>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

interface IJobsData {
  jobs: IJob[];
  runs: Record<string, IJobRun[]>;
}

/** The sidebar's "Jobs" section: definitions with their actions and their latest runs. */
export class JobsSection extends PolledView<IJobsData> {
  private _expanded = new Set<string>();
  private _actionError: APIError | null = null;
  /** "Mine": only the jobs the Lab's user created. */
  private _mine = false;
  private _user: string | null = null;

  /**
   * `panel`: the main-area Jobs panel (every job shows its runs) instead of the sidebar
   * section (a job shows its last run until clicked).
   */
  constructor(
    private readonly _actions: IJobsActions,
    private readonly _panel = false
  ) {
    super({ name: _panel ? 'jobs-panel' : 'jobs', interval: 3000, max: 60000, refreshOn: ['job'] });
    this.id = _panel ? 'jupyter-mlops-jobs-panel' : 'jupyter-mlops-jobs';
    this.addClass(_panel ? 'jp-MLOps-jobsPanel' : 'jp-MLOps-section');
    this.title.label = 'Jobs';
    this.title.caption = 'Scheduled notebook jobs and their runs';
  }

  protected get errorText(): string {
    return 'Cannot list jobs';
  }

  protected async load(): Promise<IJobsData> {
    if (this._user === null) {
      this._user = await currentUser().catch(() => null);
    }
    const jobs = await listJobs(this._mine ? this._user : null);
    const runs: Record<string, IJobRun[]> = {};
    for (const job of jobs) {
      if (this._isExpanded(job.job_id)) {
        runs[job.job_id] = await listRuns(job.job_id);
      }
    }
    const live = jobs.some(
      j => j.last_run?.status === 'running' || j.last_run?.status === 'queued'
    );
    this.poll.interval = live ? 1000 : 5000;
    return { jobs, runs };
  }

  private _isExpanded(jobId: string): boolean {
    // In the panel every job is open unless folded; in the section, closed unless opened.
    return this._panel !== this._expanded.has(jobId);
  }

  private _renderMine(): JSX.Element {
    return (
      <MineToggle
        checked={this._mine}
        user={this._user}
        onChange={mine => {
          this._mine = mine;
          this.update(); // the box shows its new state before the list answers
          void this.refresh();
        }}
      />
    );
  }

  protected renderData(data: IJobsData): JSX.Element {
    if (data.jobs.length === 0) {
      return (
        <>
          {this._mine ? this._renderMine() : null}
          <div className="jp-MLOps-muted" data-testid="mlops-jobs-empty">
            {this._mine ? (
              'No jobs of yours.'
            ) : (
              <>
                No jobs. Open a notebook and press <b>Schedule</b> in its toolbar, or run{' '}
                <code>%mlops schedule NOTEBOOK --cron …</code>.
              </>
            )}
          </div>
        </>
      );
    }
    return (
      <>
        {this._renderMine()}
        {this._panel ? null : (
          <button
            className="jp-mod-styled jp-MLOps-link"
            data-testid="mlops-open-jobs-panel"
            onClick={() => this._actions.openPanel()}
          >
            Open the Jobs panel
          </button>
        )}
        {this._actionError ? (
          <div className="jp-MLOps-error">{this._actionError.detail}</div>
        ) : null}
        <ul className="jp-MLOps-jobList" data-testid="mlops-jobs">
          {data.jobs.map(job => (
            <JobCard
              key={job.job_id}
              job={job}
              runs={data.runs[job.job_id]}
              expanded={this._isExpanded(job.job_id)}
              onToggle={() => {
                if (!this._expanded.delete(job.job_id)) {
                  this._expanded.add(job.job_id);
                }
                void this.refresh();
              }}
              onChanged={() => {
                this._actionError = null;
                void this.refresh();
              }}
              onError={error => {
                this._actionError = error;
                this.update();
              }}
              actions={this._actions}
            />
          ))}
        </ul>
      </>
    );
  }
}
