import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dataColumns } from '../src/tracking/columns';
import { IMetricHistory } from '../src/tracking/model';
import { commonMetric, compareRows, metricChart } from '../src/tracking/metricTraces';
import {
  defaultParallelAxes,
  parallelAxis,
  parallelChart,
  runsWithin
} from '../src/tracking/parallelTraces';
import { axisValues, defaultAxes, scatterChart } from '../src/tracking/traces';
import { run } from './runs';

const runs = [
  run({ run_id: 'a', run_name: 'alpha', params: { lr: '0.1', opt: 'sgd' }, metrics: { acc: 0.8 } }),
  run({
    run_id: 'b',
    run_name: 'beta',
    params: { lr: '0.01', opt: 'adam' },
    metrics: { acc: 0.9, loss: 0.2 }
  }),
  run({ run_id: 'c', run_name: 'gamma', params: { opt: 'adam' }, metrics: {} })
];
const [acc, loss, lr, opt] = dataColumns(['lr', 'opt'], ['acc', 'loss']);

function history(runId: string, values: number[]): IMetricHistory {
  return {
    run_id: runId,
    key: 'acc',
    points: values.map((value, step) => ({ step, value, timestamp: 1000 * step })),
    sampled: false,
    total: values.length
  };
}

describe('axisValues', () => {
  it('reads numeric params as numbers', () => {
    assert.deepEqual(axisValues(runs, lr), { values: [0.1, 0.01, null], categories: null });
  });

  it('maps text params to sorted categories', () => {
    assert.deepEqual(axisValues(runs, opt), { values: [1, 0, 0], categories: ['adam', 'sgd'] });
  });
});

describe('scatterChart', () => {
  it('plots the runs that have both values, ids in customdata, selection marked', () => {
    const chart = scatterChart(runs, lr, acc, new Set(['b']));
    const trace = chart.data[0] as Record<string, unknown>;
    assert.equal(chart.plotted, 2);
    assert.deepEqual(trace.customdata, ['a', 'b']);
    assert.deepEqual(trace.text, ['alpha', 'beta']);
    assert.deepEqual(trace.selectedpoints, [1]);
    const layout = chart.layout as Record<string, { title: { text: string } }>;
    assert.equal(layout.xaxis.title.text, 'param lr');
    assert.equal(layout.yaxis.title.text, 'metric acc');
  });

  it('labels category axes', () => {
    const layout = scatterChart(runs, opt, acc, new Set()).layout as Record<
      string,
      Record<string, unknown>
    >;
    assert.deepEqual(layout.xaxis.ticktext, ['adam', 'sgd']);
  });
});

describe('parallelChart', () => {
  it('has one dimension per column and colours lines by the metric', () => {
    const trace = parallelChart(runs, [lr, opt, acc], loss).data[0] as unknown as {
      dimensions: { label: string }[];
      line: { color: number[] };
    };
    assert.deepEqual(
      trace.dimensions.map(dimension => dimension.label),
      ['lr', 'opt', 'acc']
    );
    assert.deepEqual(trace.line.color, [0.2, 0.2, 0.2]);
  });

  it('tilts the axis titles when many or long ones would overlap, with room above', () => {
    const level = parallelChart(runs, [lr, opt, acc], loss);
    assert.equal((level.data[0] as unknown as { labelangle: number }).labelangle, 0);
    const many = dataColumns(
      [],
      Array.from({ length: 9 }, (_, index) => `m${index}`)
    );
    const tilted = parallelChart(runs, many, null);
    assert.equal((tilted.data[0] as unknown as { labelangle: number }).labelangle, -30);
    const long = dataColumns(['a_rather_long_parameter_name'], ['acc']);
    const longChart = parallelChart(runs, long, null);
    assert.equal((longChart.data[0] as unknown as { labelangle: number }).labelangle, -30);
    assert.ok((longChart.layout.margin?.t ?? 0) > (level.layout.margin?.t ?? 0));
  });
});

describe('defaultParallelAxes', () => {
  it('puts the user params first, then metrics, then autologged params, up to the limit', () => {
    const columns = dataColumns(['lr', 'opt', 'auto'], ['acc', 'loss'], new Set(['auto']));
    const withAuto = runs.map(r => ({ ...r, params: { ...r.params, auto: '1' } }));
    assert.deepEqual(
      defaultParallelAxes(withAuto, columns).map(column => column.id),
      ['params.lr', 'params.opt', 'metrics.acc', 'metrics.loss', 'params.auto']
    );
    assert.deepEqual(
      defaultParallelAxes(withAuto, columns, 3).map(column => column.id),
      ['params.lr', 'params.opt', 'metrics.acc']
    );
  });

  it('leaves out columns no run has a value in', () => {
    const columns = dataColumns(['lr', 'never'], ['acc']);
    assert.deepEqual(
      defaultParallelAxes(runs, columns).map(column => column.id),
      ['params.lr', 'metrics.acc']
    );
  });
});

describe('commonMetric', () => {
  it('prefers a metric every selected run has', () => {
    assert.equal(commonMetric(runs.slice(0, 2), ['acc', 'loss'], 'loss'), 'acc');
    assert.equal(commonMetric(runs.slice(1, 2), ['acc', 'loss'], 'loss'), 'loss');
    assert.equal(commonMetric([runs[2]], ['acc'], null), 'acc');
  });
});

describe('metricChart', () => {
  it('draws single values as labelled bars named after the runs', () => {
    const chart = metricChart(
      [history('a', [0.8]), history('b', [0.9])],
      ['alpha', 'beta'],
      'acc',
      'step'
    );
    const traces = chart.data as Record<string, unknown>[];
    assert.deepEqual(
      traces.map(trace => [trace.type, trace.name, trace.text]),
      [
        ['bar', 'alpha', ['0.8']],
        ['bar', 'beta', ['0.9']]
      ]
    );
    const layout = chart.layout as Record<string, { title: { text: string } }>;
    assert.equal(layout.yaxis.title.text, 'acc');
  });

  it('draws histories as one named line per run', () => {
    const chart = metricChart(
      [history('a', [0.1, 0.5]), history('b', [0.2])],
      ['alpha', 'beta'],
      'acc',
      'step'
    );
    const traces = chart.data as Record<string, unknown>[];
    assert.deepEqual(
      traces.map(trace => [trace.type, trace.name]),
      [
        ['scatter', 'alpha'],
        ['scatter', 'beta']
      ]
    );
    const layout = chart.layout as Record<string, { title: { text: string } }>;
    assert.equal(layout.xaxis.title.text, 'step');
  });
});

describe('compareRows', () => {
  const format = (value: number | string | null | undefined) =>
    value === undefined ? '—' : String(value);

  it('keeps every metric and only the params that differ', () => {
    const rows = compareRows([runs[1], runs[2]], false, format);
    assert.deepEqual(
      rows.map(row => row.key),
      ['metrics.acc', 'metrics.loss', 'params.lr']
    );
  });

  it('shows every param with all', () => {
    const rows = compareRows([runs[1], runs[2]], true, format);
    assert.deepEqual(
      rows.map(row => [row.key, row.differs]),
      [
        ['metrics.acc', true],
        ['metrics.loss', true],
        ['params.lr', true],
        ['params.opt', false]
      ]
    );
  });
});

describe('defaultAxes', () => {
  it('plots the metric most runs have against the user param most runs share with it', () => {
    const axes = defaultAxes(runs, dataColumns(['lr', 'opt'], ['acc', 'loss']));
    assert.equal(axes.y?.id, 'metrics.acc');
    assert.equal(axes.x?.id, 'params.lr');
  });

  it('falls back to another metric when no user param goes with the metric', () => {
    const columns = dataColumns(['opt'], ['acc', 'loss'], new Set(['opt']));
    const axes = defaultAxes(runs, columns);
    assert.equal(axes.x?.id, 'metrics.loss');
  });
});

describe('runsWithin', () => {
  const values = [
    [0.1, 0.01, Number.NaN],
    [1, 0, 0]
  ];

  it('keeps the runs inside every brushed axis, missing values out', () => {
    assert.deepEqual(runsWithin(runs, values, [[0.05, 0.2], undefined]), ['a']);
    assert.deepEqual(runsWithin(runs, values, [undefined, [-0.5, 0.5]]), ['b', 'c']);
    assert.deepEqual(
      runsWithin(runs, values, [
        [0, 1],
        [-0.5, 0.5]
      ]),
      ['b']
    );
  });

  it('reads several ranges on one axis, and says when nothing is brushed', () => {
    const ranges: ([number, number][] | undefined)[] = [
      [
        [0, 0.02],
        [0.09, 0.11]
      ]
    ];
    assert.deepEqual(runsWithin(runs, values, ranges), ['a', 'b']);
    assert.equal(runsWithin(runs, values, [undefined, undefined]), null);
  });
});

describe('parallelAxis', () => {
  it('puts missing values on their own labelled place below the axis', () => {
    const axis = parallelAxis('lr', { values: [0.1, null, 0.5], categories: null });
    assert.equal(axis.values[1], axis.range[0]);
    assert.ok(axis.values[1] < 0.1);
    assert.equal(axis.ticktext[0], '—');
    assert.equal(axis.range[1], 0.5);
  });

  it('makes every value a tick, so a brush (which snaps to ticks) takes whole runs in', () => {
    const axis = parallelAxis('lr', { values: [0.1, 0.13, null, 0.5, 0.13], categories: null });
    for (const value of [0.1, 0.13, 0.5]) {
      assert.ok(axis.tickvals.includes(value), `${value} is a tick`);
    }
    assert.deepEqual(
      axis.tickvals,
      [...axis.tickvals].sort((a, b) => a - b)
    );
    assert.equal(new Set(axis.tickvals).size, axis.tickvals.length);
    // Only the missing place and the five steps are labelled.
    assert.equal(axis.ticktext[axis.tickvals.indexOf(0.13)], '');
    assert.deepEqual(
      axis.ticktext.filter(text => text !== ''),
      ['—', '0.1', '0.2', '0.3', '0.4', '0.5']
    );
  });

  it('labels categories and has no missing place when nothing is missing', () => {
    const axis = parallelAxis('opt', { values: [1, 0], categories: ['adam', 'sgd'] });
    assert.deepEqual(axis.ticktext, ['adam', 'sgd']);
    assert.deepEqual(axis.range, [0, 1]);
  });
});
