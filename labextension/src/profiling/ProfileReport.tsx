import React, { useState } from 'react';

import { formatBytes } from '../kit/format';
import { Plot } from '../kit/Plot';
import { formatShare, formatValue } from './format';
import { IAlert, IColumnProfile, IProfile, ISampleRows, Scalar } from './model';
import { columnChart, IChartSpec, matrixChart, missingChart, missingMatrixChart } from './traces';

/*
 * The sections, their order, the card facts and the CSS classes are those of the notebook
 * widget and the saved HTML report (jupyter_mlops/profiling/report.py and widget.py): a profile
 * looks the same wherever it is shown.
 */

function Facts(props: { facts: Array<[string, string]> }): JSX.Element {
  return (
    <dl className="jp-MLOps-profile-facts">
      {props.facts.map(([term, value]) => (
        <React.Fragment key={term}>
          <dt>{term}</dt>
          <dd title={value}>{value}</dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

function Chart(props: { spec: IChartSpec; testId?: string }): JSX.Element {
  return (
    <Plot
      data={props.spec.data}
      layout={props.spec.layout}
      height={props.spec.height}
      config={{ displayModeBar: false }}
      lazy={true}
      className="jp-MLOps-profile-chart"
      testId={props.testId}
    />
  );
}

/** Table-level facts: rows, columns, duplicates, memory, engine, approximations. */
export function Overview(props: { profile: IProfile }): JSX.Element {
  const { profile } = props;
  const duplicates = formatValue(profile.n_duplicate_rows);
  const facts: Array<[string, string]> = [
    ['Rows', formatValue(profile.n_rows)],
    ['Columns', formatValue(profile.n_columns)],
    ['Duplicate rows', profile.duplicates_are_approximate ? `≈ ${duplicates}` : duplicates],
    ['Memory', formatBytes(profile.memory_bytes)],
    ['Engine', profile.scheduler ? `${profile.engine} (${profile.scheduler})` : profile.engine],
    ['Profiled', formatValue(profile.created_at)]
  ];
  if (profile.source) {
    facts.unshift(['Source', profile.source]);
  }
  if (profile.quantile_rank_error > 0) {
    facts.push(['Quantile rank error', `≤ ${(100 * profile.quantile_rank_error).toFixed(3)}%`]);
  }
  if (profile.distinct_relative_error !== null) {
    const error = (100 * profile.distinct_relative_error).toFixed(2);
    facts.push(['Distinct count error', `≈ ${error}% (1σ)`]);
  }
  return <Facts facts={facts} />;
}

/** The alerts, one per line, or a note that there are none. */
export function Alerts(props: { alerts: IAlert[] }): JSX.Element {
  if (props.alerts.length === 0) {
    return <div className="jp-MLOps-muted">No alerts.</div>;
  }
  return (
    <ul className="jp-MLOps-profile-alerts" data-testid="mlops-profile-alerts">
      {props.alerts.map((alert, i) => (
        <li key={i} data-kind={alert.kind}>
          <span className="jp-MLOps-profile-alertKind">{alert.kind.split('_').join(' ')}</span>
          <b>{alert.column ?? 'table'}</b> {alert.detail}
        </li>
      ))}
    </ul>
  );
}

/** The facts of a column card (the twin of `report.card_facts`). */
export function columnFacts(column: IColumnProfile): Array<[string, string]> {
  const total = column.count + column.n_missing;
  const approx = column.distinct_is_approximate ? '≈ ' : '';
  const facts: Array<[string, string]> = [
    ['Missing', `${formatValue(column.n_missing)} (${formatShare(column.n_missing, total)})`],
    ['Distinct', `${approx}${formatValue(column.n_distinct)}`]
  ];
  const optional: Array<[string, Scalar]> = [
    ['Mean', column.mean],
    ['Std', column.std],
    ['Min', column.min],
    ['Median', column.quantiles?.['0.5'] ?? null],
    ['Max', column.max],
    ['Skewness', column.skewness],
    ['Zeros', column.n_zeros],
    ['Mean length', column.mean_length]
  ];
  for (const [term, value] of optional) {
    if (value !== null) {
      facts.push([term, formatValue(value)]);
    }
  }
  return facts;
}

/** One column: its type, key statistics, alerts and chart. */
export function ColumnCard(props: { column: IColumnProfile; alerts: IAlert[] }): JSX.Element {
  const { column, alerts } = props;
  const chart = columnChart(column);
  return (
    <section
      className="jp-MLOps-profile-card"
      data-testid="mlops-profile-column"
      data-column={column.name}
    >
      <header>
        <span className="jp-MLOps-profile-columnName" title={column.name}>
          {column.name}
        </span>
        <span className="jp-MLOps-profile-type" data-type={column.type}>
          {column.type}
        </span>
      </header>
      {alerts.length > 0 ? (
        <div className="jp-MLOps-profile-cardAlerts">
          {alerts.map(alert => (
            <span key={alert.kind} title={alert.detail}>
              ⚠ {alert.kind.split('_').join(' ')}
            </span>
          ))}
        </div>
      ) : null}
      <Facts facts={columnFacts(column)} />
      {chart !== null ? <Chart spec={chart} /> : null}
    </section>
  );
}

function SampleTable(props: { samples: ISampleRows; rows: Scalar[][]; kind: string }): JSX.Element {
  return (
    <div className="jp-MLOps-profile-tableWrap">
      <table className="jp-MLOps-profile-table" data-sample={props.kind}>
        <thead>
          <tr>
            {props.samples.columns.map(name => (
              <th key={name}>{name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>{formatValue(cell)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The first rows and a random sample of rows. */
export function SampleRows(props: { samples: ISampleRows | null | undefined }): JSX.Element {
  const { samples } = props;
  if (!samples || samples.head.length === 0) {
    return <div className="jp-MLOps-muted">No sample rows in this profile.</div>;
  }
  return (
    <div data-testid="mlops-profile-samples">
      <h4>First rows</h4>
      <SampleTable samples={samples} rows={samples.head} kind="first" />
      <h4>Random rows</h4>
      <SampleTable samples={samples} rows={samples.random} kind="random" />
    </div>
  );
}

function ChartOrNote(props: { spec: IChartSpec | null; note: string; testId: string }) {
  return props.spec !== null ? (
    <Chart spec={props.spec} testId={props.testId} />
  ) : (
    <div className="jp-MLOps-muted">{props.note}</div>
  );
}

/** A whole profile: the same sections, in the same order, as the notebook widget. */
export function ProfileReport(props: {
  profile: IProfile;
  onExport?: () => void;
  exportNote?: string | null;
}): JSX.Element {
  const { profile } = props;
  const [search, setSearch] = useState('');
  const columns = Object.values(profile.columns);
  const needle = search.trim().toLowerCase();
  const shown = needle ? columns.filter(c => c.name.toLowerCase().includes(needle)) : columns;
  const missing = missingChart(profile);
  return (
    <div className="jp-MLOps-profile-report" data-testid="mlops-profile-report">
      <div className="jp-MLOps-profile-titleBar">
        <h2>{profile.name ?? profile.source ?? 'Data profile'}</h2>
        {props.onExport && (
          <button
            className="jp-mod-styled"
            data-testid="mlops-profile-export"
            title="Download this profile as a standalone HTML report (opens offline)"
            onClick={props.onExport}
          >
            Export HTML
          </button>
        )}
      </div>
      {props.exportNote && <div className="jp-MLOps-error">{props.exportNote}</div>}
      <Overview profile={profile} />
      {missing !== null && (
        <>
          <h3>Missing values</h3>
          <Chart spec={missing} testId="mlops-profile-missing" />
        </>
      )}
      <h3>Alerts ({profile.alerts.length})</h3>
      <Alerts alerts={profile.alerts} />
      <h3>Columns ({columns.length})</h3>
      <input
        className="jp-MLOps-profile-search"
        type="search"
        placeholder="Find a column"
        aria-label="Find a column"
        data-testid="mlops-profile-search"
        value={search}
        onChange={event => setSearch(event.target.value)}
      />
      {needle && shown.length === 0 && (
        <div className="jp-MLOps-muted">No column name contains “{search}”.</div>
      )}
      <div className="jp-MLOps-profile-cards">
        {shown.map(column => (
          <ColumnCard
            key={column.name}
            column={column}
            alerts={profile.alerts.filter(alert => alert.column === column.name)}
          />
        ))}
      </div>
      <h3>Correlations (Pearson)</h3>
      <ChartOrNote
        spec={matrixChart(profile.correlations)}
        note="Fewer than two numeric columns."
        testId="mlops-profile-correlations"
      />
      <h3>Associations (Cramér&apos;s V)</h3>
      <ChartOrNote
        spec={matrixChart(profile.associations)}
        note="Fewer than two categorical columns."
        testId="mlops-profile-associations"
      />
      <h3>Where values are missing</h3>
      <ChartOrNote
        spec={missingMatrixChart(profile.missing_matrix)}
        note="No missing values."
        testId="mlops-profile-missing-matrix"
      />
      <h3>Sample rows</h3>
      <SampleRows samples={profile.samples} />
    </div>
  );
}
