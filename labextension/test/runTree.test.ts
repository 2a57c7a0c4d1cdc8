import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { differingParamKeys, nestRuns } from '../src/tracking/runTree';
import { run } from './runs';

const parent = run({ run_id: 'p', params: { cv: '5' } });
const child1 = run({ run_id: 'c1', parent_run_id: 'p', params: { C: '0.1', kernel: 'rbf' } });
const child2 = run({ run_id: 'c2', parent_run_id: 'p', params: { C: '1', kernel: 'rbf' } });
const orphan = run({ run_id: 'o', parent_run_id: 'elsewhere' });
const other = run({ run_id: 'x' });

describe('differingParamKeys', () => {
  it('lists the params whose values differ, missing ones included', () => {
    assert.deepEqual(differingParamKeys([child1, child2]), ['C']);
    assert.deepEqual(differingParamKeys([child1, run({ run_id: 'y', params: { C: '0.1' } })]), [
      'kernel'
    ]);
    assert.deepEqual(differingParamKeys([child1]), []);
  });
});

describe('nestRuns', () => {
  const page = [child2, parent, other, child1, orphan];

  it('keeps children under a collapsed parent and counts them', () => {
    const rows = nestRuns(page, new Set());
    assert.deepEqual(
      rows.map(row => [row.run.run_id, row.depth, row.childCount]),
      [
        ['p', 0, 2],
        ['x', 0, 0],
        ['o', 0, 0]
      ]
    );
  });

  it('lists the children of an expanded parent under it, with what differs', () => {
    const rows = nestRuns(page, new Set(['p']));
    assert.deepEqual(
      rows.map(row => [row.run.run_id, row.depth, row.differing]),
      [
        ['p', 0, []],
        ['c2', 1, [['C', '1']]],
        ['c1', 1, [['C', '0.1']]],
        ['x', 0, []],
        ['o', 0, []]
      ]
    );
  });
});
