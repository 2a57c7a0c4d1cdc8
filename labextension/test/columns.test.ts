import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  AUTOLOG_PARAMS_TAG,
  NO_CHOICE,
  autologgedParamKeys,
  byCoverage,
  choose,
  dataColumns,
  isShown,
  nextSort,
  parseChoice,
  quoteKey
} from '../src/tracking/columns';
import { run } from './runs';

describe('autologged params', () => {
  it('are read from the tag autolog writes, ignoring tags it did not', () => {
    const runs = [
      run({ run_id: 'a', tags: { [AUTOLOG_PARAMS_TAG]: '["C", "max_iter"]' } }),
      run({ run_id: 'b', tags: { [AUTOLOG_PARAMS_TAG]: 'not json' } }),
      run({ run_id: 'c', tags: { [AUTOLOG_PARAMS_TAG]: '["tol"]' } })
    ];
    assert.deepEqual([...autologgedParamKeys(runs)].sort(), ['C', 'max_iter', 'tol']);
  });

  it('come after the metrics and the params the user logged', () => {
    const columns = dataColumns(['C', 'lr', 'tol'], ['acc'], new Set(['C', 'tol']));
    assert.deepEqual(
      columns.map(column => [column.id, column.autologged ?? false]),
      [
        ['metrics.acc', false],
        ['params.lr', false],
        ['params.C', true],
        ['params.tol', true]
      ]
    );
  });
});

describe('column choice', () => {
  const [acc, lr, tol] = dataColumns(['lr', 'tol'], ['acc'], new Set(['tol']));

  it('shows metrics and user params by default, hides autologged params', () => {
    assert.equal(isShown(acc, NO_CHOICE), true);
    assert.equal(isShown(lr, NO_CHOICE), true);
    assert.equal(isShown(tol, NO_CHOICE), false);
  });

  it('follows what the user chose over the default', () => {
    const choice = choose(choose(NO_CHOICE, [tol.id], true), [acc.id], false);
    assert.equal(isShown(tol, choice), true);
    assert.equal(isShown(acc, choice), false);
    assert.equal(isShown(acc, choose(choice, [acc.id], true)), true);
  });

  it('round-trips through storage, and reads a malformed value as no choice', () => {
    const choice = choose(NO_CHOICE, ['params.tol'], true);
    assert.deepEqual(parseChoice(JSON.stringify(choice)), choice);
    assert.deepEqual(parseChoice('{oops'), NO_CHOICE);
    assert.deepEqual(parseChoice(null), NO_CHOICE);
    assert.deepEqual(parseChoice('{"shown": [1, "a"]}'), { shown: ['a'], hidden: [] });
  });
});

describe('sorting', () => {
  it('quotes keys that are not plain identifiers', () => {
    assert.equal(quoteKey('acc'), 'acc');
    assert.equal(quoteKey('val/loss'), '`val/loss`');
  });

  it('sorts metrics largest first, then flips on a second click', () => {
    const [acc] = dataColumns([], ['acc']);
    const first = nextSort(acc, null);
    assert.deepEqual(first, { key: 'metrics.acc', descending: true });
    assert.deepEqual(nextSort(acc, first), { key: 'metrics.acc', descending: false });
  });
});

describe('byCoverage', () => {
  it('puts what most top-level runs have first, child-only keys last', () => {
    const runs = [
      run({ run_id: 'p', metrics: { test_accuracy: 0.9 }, params: { depth: '3' } }),
      run({ run_id: 'q', metrics: { test_accuracy: 0.8, best_cv: 0.7 } }),
      run({ run_id: 'c1', parent_run_id: 'p', metrics: { mean_fit_time: 1 } }),
      run({ run_id: 'c2', parent_run_id: 'p', metrics: { mean_fit_time: 2 } })
    ];
    const columns = dataColumns(['depth'], ['best_cv', 'mean_fit_time', 'test_accuracy']);
    assert.deepEqual(
      byCoverage(columns, runs).map(column => column.id),
      ['metrics.test_accuracy', 'metrics.best_cv', 'metrics.mean_fit_time', 'params.depth']
    );
  });
});
