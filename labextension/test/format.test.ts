import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatBytes, formatDate, formatDuration, parseDate, plural } from '../src/kit/format';

describe('formatBytes', () => {
  it('writes bytes as Dask does', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.50 kiB');
    assert.equal(formatBytes(1e9), '0.93 GiB');
    assert.equal(formatBytes(70.6 * 2 ** 30), '70.60 GiB');
    assert.equal(formatBytes(3 * 2 ** 50), '3.00 PiB');
  });

  it('uses a unit from 0.9 of it', () => {
    assert.equal(formatBytes(921), '921 B');
    assert.equal(formatBytes(922), '0.90 kiB');
  });

  it('says nothing is known with an em dash', () => {
    assert.equal(formatBytes(null), '—');
    assert.equal(formatBytes(undefined), '—');
    assert.equal(formatBytes(Number.NaN), '—');
  });
});

describe('parseDate and formatDate', () => {
  it('reads ISO strings with nanoseconds, keeping the milliseconds', () => {
    const date = parseDate('2022-07-01T13:32:12.126669568');
    assert.equal(date?.toISOString(), '2022-07-01T13:32:12.126Z');
  });

  it('reads zones, bare dates and milliseconds since the epoch', () => {
    assert.equal(parseDate('2022-07-01T13:32:12+02:00')?.toISOString(), '2022-07-01T11:32:12.000Z');
    assert.equal(parseDate('2022-07-01')?.toISOString(), '2022-07-01T00:00:00.000Z');
    assert.equal(parseDate(0)?.toISOString(), '1970-01-01T00:00:00.000Z');
    assert.equal(parseDate('not a date'), null);
  });

  it('prints to the second, never nanoseconds', () => {
    const text = formatDate('2022-07-01T13:32:12.126669568', { timeZone: 'UTC' });
    assert.equal(text, 'Jul 1, 2022, 01:32:12 PM');
    assert.doesNotMatch(text, /126669568/);
  });

  it('prints only the date when asked', () => {
    assert.equal(
      formatDate('2022-07-01T00:00:00', { dateOnly: true, timeZone: 'UTC' }),
      'Jul 1, 2022'
    );
  });

  it('passes text that is not a date through, and dashes a missing one', () => {
    assert.equal(formatDate('soon'), 'soon');
    assert.equal(formatDate(null), '—');
  });
});

describe('formatDuration', () => {
  it('picks the unit from the length', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(4200), '4.2 s');
    assert.equal(formatDuration(12_900), '12 s');
    assert.equal(formatDuration(185_000), '3 min 5 s');
    assert.equal(formatDuration(7_800_000), '2 h 10 min');
    assert.equal(formatDuration(100 * 3_600_000), '4 d 4 h');
  });

  it('never prints a negative or unknown duration', () => {
    assert.equal(formatDuration(-5), '0 ms');
    assert.equal(formatDuration(null), '—');
  });
});

describe('plural', () => {
  it('says one and many', () => {
    assert.equal(plural(1, 'worker'), '1 worker');
    assert.equal(plural(3, 'worker'), '3 workers');
    assert.equal(plural(2, 'child', 'children'), '2 children');
  });
});
