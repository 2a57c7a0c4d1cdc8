import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { presetCron, readPreset } from '../src/jobs/cronPresets';

describe('presetCron', () => {
  it('writes hourly, daily, weekdays and weekly schedules', () => {
    assert.equal(presetCron('hourly', '00:15'), '15 * * * *');
    assert.equal(presetCron('daily', '06:30'), '30 6 * * *');
    assert.equal(presetCron('weekdays', '6:30'), '30 6 * * 1-5');
    assert.equal(presetCron('weekly', '23:05', 0), '5 23 * * 0');
  });

  it('refuses a time that is not HH:MM, and writes nothing for custom', () => {
    assert.equal(presetCron('daily', '25:00'), null);
    assert.equal(presetCron('daily', 'noon'), null);
    assert.equal(presetCron('custom', '06:30'), null);
  });
});

describe('readPreset', () => {
  it('reads a preset back from its cron, else custom', () => {
    assert.deepEqual(readPreset('30 6 * * 1-5'), { preset: 'weekdays', time: '06:30', day: 1 });
    assert.deepEqual(readPreset('0 2 * * *'), { preset: 'daily', time: '02:00', day: 1 });
    assert.deepEqual(readPreset('5 23 * * 0'), { preset: 'weekly', time: '23:05', day: 0 });
    assert.equal(readPreset('*/5 * * * *').preset, 'custom');
  });
});
