import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { memoryProblem, parseMemory, parseWorkers } from '../src/clusters/inputs';
import { formatDatetime, formatValue } from '../src/profiling/format';
import { IColumnProfile, IProfile } from '../src/profiling/model';
import { parseSample } from '../src/profiling/options';
import { CORRELATION_SCALE, matrixChart, missingChart } from '../src/profiling/traces';

function column(name: string, missing: number, count = 100): IColumnProfile {
  return {
    name,
    type: 'numeric',
    dtype: 'float64',
    count,
    n_missing: missing,
    n_distinct: count,
    distinct_is_approximate: false,
    mean: 1,
    std: 1,
    min: 0,
    max: 2,
    quantiles: null,
    quantiles_are_approximate: false,
    n_zeros: 0,
    n_negative: 0,
    n_infinite: 0,
    skewness: 0,
    histogram: null,
    top_values: null,
    top_values_are_approximate: false,
    value_types: null,
    min_length: null,
    mean_length: null,
    max_length: null
  };
}

describe('profile formatting (the twin of report.format_datetime)', () => {
  it('prints datetimes without nanoseconds', () => {
    assert.equal(formatDatetime('2022-07-01T13:32:12.126669568'), '2022-07-01 13:32:12.126');
    assert.equal(formatDatetime('2024-01-01T00:00:00'), '2024-01-01');
    assert.equal(formatDatetime('2026-12-01T15:06:01+00:00'), '2026-12-01 15:06:01 UTC');
    assert.equal(formatDatetime('2024-01-01T10:00:00+02:00'), '2024-01-01 10:00:00+02:00');
    assert.equal(formatDatetime('not a date'), null);
    assert.equal(formatValue('2022-07-01T13:32:12.000000000'), '2022-07-01 13:32:12');
  });
});

describe('profile charts', () => {
  it('scales the missing-values chart to the rows', () => {
    const profile = {
      columns: { a: column('a', 5, 95), b: column('b', 0) }
    } as unknown as IProfile;
    const chart = missingChart(profile);
    assert.ok(chart !== null);
    assert.deepEqual((chart.data[0] as { y: number[] }).y, [0.05]);
    assert.deepEqual(chart.layout.yaxis?.range, [0, 1]);
  });

  it("draws +1 blue and -1 red, Cramér's V from 0", () => {
    const pearson = matrixChart({
      method: 'pearson',
      columns: ['x', 'y'],
      matrix: [
        [1, 0.5],
        [0.5, 1]
      ],
      truncated: false
    });
    const heat = pearson?.data[0] as { colorscale: Array<[number, string]>; zmin: number };
    assert.equal(heat.colorscale, CORRELATION_SCALE);
    assert.deepEqual(CORRELATION_SCALE[0], [0, '#b2182b']);
    assert.deepEqual(CORRELATION_SCALE[CORRELATION_SCALE.length - 1], [1, '#2166ac']);
    assert.equal(heat.zmin, -1);
    const cramer = matrixChart({
      method: 'cramers_v',
      columns: ['x', 'y'],
      matrix: [
        [1, 0.5],
        [0.5, 1]
      ],
      truncated: false
    });
    assert.equal((cramer?.data[0] as { zmin: number }).zmin, 0);
  });
});

describe('form inputs', () => {
  it('reads a sample size as rows or a fraction', () => {
    assert.equal(parseSample(''), undefined);
    assert.equal(parseSample('10000'), 10000);
    assert.equal(parseSample('0.1'), 0.1);
    assert.equal(typeof parseSample('1.5'), 'string');
    assert.equal(typeof parseSample('Infinity'), 'string');
    assert.equal(typeof parseSample('-3'), 'string');
  });

  it('refuses an empty or bad "Scale to"', () => {
    assert.equal(typeof parseWorkers(''), 'string');
    assert.equal(typeof parseWorkers('  '), 'string');
    assert.equal(typeof parseWorkers('1.5'), 'string');
    assert.equal(typeof parseWorkers('-1'), 'string');
    assert.equal(typeof parseWorkers('9', 8), 'string');
    assert.equal(parseWorkers('0'), 0);
    assert.equal(parseWorkers('3', 8), 3);
  });

  it('reads memory as Dask does and bounds it by the machine', () => {
    assert.equal(parseMemory('4GB'), 4e9);
    assert.equal(parseMemory('512 MiB'), 512 * 2 ** 20);
    assert.equal(parseMemory('lots'), null);
    assert.equal(memoryProblem(''), null);
    assert.match(memoryProblem('lots') ?? '', /not a memory size/);
    assert.match(memoryProblem('1e99', 8 * 2 ** 30) ?? '', /per worker on this machine/);
    assert.equal(memoryProblem('1GB', 8 * 2 ** 30), null);
  });
});
