import React from 'react';

import { Chart } from './Chart';
import { formatBytes } from '../kit/format';
import { formatShare, formatValue } from './format';
import { IAlert, IColumnProfile, IProfile, Scalar } from './model';
import { columnChart, correlationChart } from './traces';

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
    ['Profiled', new Date(profile.created_at).toLocaleString()]
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

function columnFacts(column: IColumnProfile): Array<[string, string]> {
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

/** A whole profile: overview, alerts, one card per column, correlations. */
export function ProfileReport(props: { profile: IProfile }): JSX.Element {
  const { profile } = props;
  const correlations = correlationChart(profile.correlations);
  const columns = Object.values(profile.columns);
  return (
    <div className="jp-MLOps-profile-report" data-testid="mlops-profile-report">
      <h2>{profile.name ?? profile.source ?? 'Data profile'}</h2>
      <Overview profile={profile} />
      <h3>Alerts ({profile.alerts.length})</h3>
      <Alerts alerts={profile.alerts} />
      <h3>Columns ({columns.length})</h3>
      <div className="jp-MLOps-profile-cards">
        {columns.map(column => (
          <ColumnCard
            key={column.name}
            column={column}
            alerts={profile.alerts.filter(alert => alert.column === column.name)}
          />
        ))}
      </div>
      <h3>Correlations</h3>
      {correlations !== null ? (
        <Chart spec={correlations} testId="mlops-profile-correlations" />
      ) : (
        <div className="jp-MLOps-muted">Fewer than two numeric columns.</div>
      )}
    </div>
  );
}
