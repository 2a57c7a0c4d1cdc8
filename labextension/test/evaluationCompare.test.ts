import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  IEvaluationSummary,
  metricRows,
  signed,
  sliceMetric,
  sliceRows,
  verdict
} from '../src/evaluation/compare';
import { violationRows } from '../src/monitoring/violations';

function evaluation(
  metrics: Record<string, number | null>,
  slices: IEvaluationSummary['slices'] = {},
  type = 'classifier'
): IEvaluationSummary {
  return {
    model_type: type,
    n_rows: 100,
    model: null,
    metrics,
    slices,
    fairness: {},
    importance: {},
    latency_ms: null,
    classes: null,
    engine: 'pandas',
    run_id: null,
    notes: []
  };
}

describe('evaluation comparison', () => {
  it('says which way is better per metric', () => {
    assert.equal(verdict('accuracy', 0.9, 0.8), 'better');
    assert.equal(verdict('rmse', 0.9, 0.8), 'worse');
    assert.equal(verdict('log_loss', 0.2, 0.3), 'better');
    assert.equal(verdict('accuracy', 0.8, 0.8), 'same');
    assert.equal(verdict('accuracy', null, 0.8), null);
  });

  it('lists every metric of both sides, a missing side as null', () => {
    const rows = metricRows(
      evaluation({ accuracy: 0.9, roc_auc: null }),
      evaluation({ accuracy: 0.95, f1: 0.5 })
    );
    assert.deepEqual(
      rows.map(r => [r.label, r.candidate, r.served, r.verdict]),
      [
        ['accuracy', 0.9, 0.95, 'worse'],
        ['roc_auc', null, null, null],
        ['f1', null, 0.5, null]
      ]
    );
    assert.ok(Math.abs((rows[0].delta ?? 0) + 0.05) < 1e-12);
    assert.deepEqual(
      metricRows(evaluation({ mae: 1 }), null).map(r => r.served),
      [null]
    );
  });

  it('puts the slice that lost most first, with its rows', () => {
    const candidate = evaluation(
      { accuracy: 0.9 },
      {
        band: {
          large: { accuracy: 0.7, n: 40 },
          small: { accuracy: 0.95, n: 60 }
        }
      }
    );
    const served = evaluation(
      { accuracy: 0.9 },
      { band: { large: { accuracy: 0.9, n: 40 }, small: { accuracy: 0.94, n: 60 } } }
    );
    const rows = sliceRows(candidate, served, sliceMetric(candidate));
    assert.deepEqual(
      rows.map(r => [r.label, r.n, r.verdict]),
      [
        ['band=large', 40, 'worse'],
        ['band=small', 60, 'better']
      ]
    );
    assert.equal(sliceMetric(evaluation({}, {}, 'regressor')), 'rmse');
    assert.equal(sliceMetric(candidate, 'f1'), 'f1');
  });

  it('prints signed changes', () => {
    assert.equal(signed(0.0123), '+0.0123');
    assert.equal(signed(-0.04), '-0.0400');
    assert.equal(signed(null), '—');
  });
});

describe('monitor window violations', () => {
  it('lists each failed check of each column, most rows first', () => {
    const rows = violationRows({
      ok: false,
      n_rows: 400,
      violations: {
        a: [{ check: 'completeness', detail: '20 missing', n: 20, share: 0.05 }],
        c: [
          { check: 'range', detail: '30 values above 3', n: 30, share: 0.075 },
          { check: 'type', detail: 'expected numbers', n: 0, share: 0 }
        ]
      }
    });
    assert.deepEqual(
      rows.map(r => [r.column, r.check, r.n]),
      [
        ['c', 'range', 30],
        ['a', 'completeness', 20],
        ['c', 'type', 0]
      ]
    );
  });
});
