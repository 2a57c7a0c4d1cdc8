import type { Data, PlotDatum } from 'plotly.js';
import React, { useEffect, useMemo, useState } from 'react';

import { Plot } from '../kit/Plot';
import { IColumn } from './columns';
import { IRun } from './model';
import { ParallelAxesPicker } from './ParallelAxesPicker';
import {
  ConstraintRange,
  MAX_PARALLEL_AXES,
  defaultParallelAxes,
  parallelChart,
  runsWithin
} from './parallelTraces';
import { defaultAxes, scatterChart } from './traces';

type ChartKind = 'scatter' | 'parallel';

function ColumnSelect(props: {
  label: string;
  columns: IColumn[];
  value: IColumn | null;
  onChange(column: IColumn): void;
}): JSX.Element {
  return (
    <label>
      {props.label}{' '}
      <select
        className="jp-MLOps-select"
        aria-label={props.label}
        value={props.value?.id ?? ''}
        onChange={event => {
          const column = props.columns.find(c => c.id === event.currentTarget.value);
          if (column !== undefined) {
            props.onChange(column);
          }
        }}
      >
        {props.columns.map(column => (
          <option key={column.id} value={column.id}>
            {column.kind === 'metric' ? 'metric' : 'param'} {column.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The experiment's chart view over the runs of the current page: a scatter of any param or
 * metric against any metric (box or lasso selection selects those runs in the table, and the
 * table's selection shows in the chart), or parallel coordinates coloured by a metric, over
 * the axes the user picks (by default the shown params, then metrics, up to a dozen).
 */
export function ExperimentCharts(props: {
  runs: IRun[];
  total: number;
  /** Every param and metric column. */
  columns: IColumn[];
  /** The columns the table shows (the parallel coordinates' default axes). */
  shown: IColumn[];
  selected: ReadonlySet<string>;
  onSelect(runIds: string[]): void;
}): JSX.Element {
  const { runs, columns, shown, selected } = props;
  const metrics = columns.filter(column => column.kind === 'metric');
  const [kind, setKind] = useState<ChartKind>('scatter');
  const [xId, setXId] = useState<string | null>(null);
  const [yId, setYId] = useState<string | null>(null);
  const defaults = useMemo(() => defaultAxes(runs, columns), [runs, columns]);
  const x = columns.find(c => c.id === xId) ?? defaults.x;
  const y = metrics.find(c => c.id === yId) ?? defaults.y;

  const scatter = useMemo(
    () => (x !== null && y !== null ? scatterChart(runs, x, y, selected) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the axes are found anew every render: keyed by their ids
    [runs, x?.id, y?.id, selected]
  );
  // The user's axes (ids, in order), else the default: params first, then metrics.
  const [axisIds, setAxisIds] = useState<string[] | null>(null);
  const defaultKey = defaultParallelAxes(runs, shown)
    .map(column => column.id)
    .join('\n');
  const axesKey = axisIds === null ? defaultKey : axisIds.join('\n');
  const axes = useMemo(() => {
    const byId = new Map(columns.map(column => [column.id, column]));
    return axesKey
      .split('\n')
      .map(id => byId.get(id))
      .filter((column): column is IColumn => column !== undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the axes' ids: a poll gives new column objects
  }, [axesKey]);
  // Brushed axes survive redraws (new data every poll); other axes start unbrushed.
  const [ranges, setRanges] = useState<ConstraintRange[]>([]);
  useEffect(() => setRanges([]), [axesKey]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the y axis is found anew every render: keyed by its id
  const parallel = useMemo(() => parallelChart(runs, axes, y, ranges), [runs, axes, y?.id, ranges]);
  const onRestyle = (data: Data[]) => {
    const dimensions =
      (data[0] as { dimensions?: { values: number[]; constraintrange?: ConstraintRange }[] })
        .dimensions ?? [];
    const brushed = dimensions.map(dimension => dimension.constraintrange);
    setRanges(brushed);
    const ids = runsWithin(
      runs,
      dimensions.map(dimension => dimension.values),
      brushed
    );
    if (ids !== null) {
      props.onSelect(ids);
    }
  };

  if (metrics.length === 0) {
    return (
      <div className="jp-MLOps-muted" data-testid="mlops-experiment-charts">
        These runs have no metrics to chart.
      </div>
    );
  }
  const onSelected = (points: PlotDatum[]) =>
    props.onSelect(points.map(point => String(point.customdata)).filter(id => id.length > 0));
  return (
    <div className="jp-MLOps-experimentCharts" data-testid="mlops-experiment-charts">
      <div className="jp-MLOps-chartControls">
        <div className="jp-MLOps-segmented" role="group" aria-label="Chart">
          <button
            className="jp-mod-styled"
            aria-pressed={kind === 'scatter'}
            onClick={() => setKind('scatter')}
          >
            Scatter
          </button>
          <button
            className="jp-mod-styled"
            aria-pressed={kind === 'parallel'}
            onClick={() => setKind('parallel')}
          >
            Parallel coordinates
          </button>
        </div>
        {kind === 'scatter' ? (
          <ColumnSelect label="X" columns={columns} value={x} onChange={c => setXId(c.id)} />
        ) : null}
        <ColumnSelect
          label={kind === 'scatter' ? 'Y' : 'Colour'}
          columns={metrics}
          value={y}
          onChange={c => setYId(c.id)}
        />
        <span className="jp-MLOps-muted">
          {runs.length < props.total
            ? `The ${runs.length} runs of this page (of ${props.total}).`
            : `${runs.length} runs.`}{' '}
          {kind === 'scatter'
            ? 'Drag a box or lasso to select runs.'
            : axisIds === null
              ? `Axes: the table's params, then metrics (first ${MAX_PARALLEL_AXES}); — marks a missing value.`
              : '— marks a missing value.'}
        </span>
        {kind === 'parallel' ? (
          <ParallelAxesPicker
            columns={columns}
            axes={axes}
            onChange={chosen => setAxisIds(chosen.map(column => column.id))}
            onReset={() => setAxisIds(null)}
          />
        ) : null}
      </div>
      {kind === 'scatter' && scatter !== null ? (
        <>
          <Plot
            data={scatter.data}
            layout={scatter.layout}
            height={380}
            testId="mlops-scatter"
            onSelected={onSelected}
          />
          {scatter.plotted < runs.length ? (
            <div className="jp-MLOps-muted">
              {runs.length - scatter.plotted} runs without both values are not drawn.
            </div>
          ) : null}
        </>
      ) : null}
      {kind === 'parallel' ? (
        axes.length < 2 ? (
          <div className="jp-MLOps-muted">Choose at least two axes for parallel coordinates.</div>
        ) : (
          <Plot
            data={parallel.data}
            layout={parallel.layout}
            height={380}
            testId="mlops-parallel"
            onRestyle={onRestyle}
          />
        )
      ) : null}
    </div>
  );
}
