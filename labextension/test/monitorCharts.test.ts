import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  columnLineOrder,
  MAX_COLUMN_LINES,
  summaryRows,
  windowsAxis,
  windowWidth
} from '../src/monitoring/charts';
import { IColumnDrift, IWindow } from '../src/monitoring/model';

const HOUR = 3_600_000;

function window(start: number, end: number, scores: Record<string, number> = {}): IWindow {
  return { start_time: start, end_time: end, scores } as unknown as IWindow;
}

function column(name: string, drifted: boolean, p: number | null, stat = 0.5): IColumnDrift {
  return {
    column: name,
    kind: 'numeric',
    test: p === null ? 'wasserstein' : 'ks',
    p_value: p,
    statistic: stat,
    threshold: p === null ? 0.1 : 0.05,
    drifted
  } as unknown as IColumnDrift;
}

describe('windowsAxis', () => {
  it("spans one window's own hour, never an autorange around one point", () => {
    const start = Date.UTC(2026, 0, 1, 15, 0);
    const axis = windowsAxis([window(start, start + HOUR)]);
    const [from, to] = (axis?.range ?? []) as string[];
    const span = Date.parse(to) - Date.parse(from);
    assert.ok(span >= HOUR && span <= 2 * HOUR, `span ${span}`);
    assert.equal(axis?.tickformat, '%H:%M');
  });

  it('ticks in seconds only for windows of a few minutes', () => {
    assert.equal(windowsAxis([window(0, 60_000)])?.tickformat, '%H:%M:%S');
  });
});

describe('windowWidth', () => {
  it("draws a window's bar as wide as its span, less a gap", () => {
    assert.equal(windowWidth(window(0, HOUR)), 0.8 * HOUR);
  });
});

describe('columnLineOrder', () => {
  it('offers the drifted columns first and at most a few lines', () => {
    const scores: Record<string, number> = {};
    for (let i = 0; i < 31; i++) {
      scores[`c${i}`] = i / 10;
    }
    const order = columnLineOrder(
      [window(0, HOUR, scores)],
      [column('c1', true, 0.001), column('c0', true, 0.01)]
    );
    assert.equal(order.length, MAX_COLUMN_LINES);
    assert.deepEqual(order.slice(0, 3), ['c1', 'c0', 'c30']);
  });
});

describe('summaryRows', () => {
  it('lists column, type, test, score and threshold, drifted first', () => {
    const rows = summaryRows([column('b', false, null, 0.02), column('a', true, 0.001)]);
    assert.deepEqual(
      rows.map(r => [r.column, r.type, r.test, r.score, r.threshold, r.drifted]),
      [
        ['a', 'numeric', 'ks', 'p = 0.00100', 'p < 0.05', true],
        ['b', 'numeric', 'wasserstein', '0.0200', '> 0.1', false]
      ]
    );
  });
});
