// The console's days in the user's time zone (daemon/web/appointment_days.js); no browser needed.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { addDays, dateIn, rangeFor, startOfDay } from '../../daemon/web/appointment_days.js';

test('a day starts at midnight in the user\'s zone, whatever the machine\'s', () => {
  assert.equal(startOfDay('2026-12-01', 'Europe/Paris').toISOString(), '2026-11-30T23:00:00.000Z');
  assert.equal(startOfDay('2026-07-01', 'Europe/Paris').toISOString(), '2026-06-30T22:00:00.000Z');
  assert.equal(startOfDay('2026-12-01', 'America/New_York').toISOString(), '2026-12-01T05:00:00.000Z');
  assert.equal(startOfDay('2026-12-01', 'Asia/Kolkata').toISOString(), '2026-11-30T18:30:00.000Z');
  // The day clocks go forward (Paris, 29 March 2026) still starts at midnight, UTC+1.
  assert.equal(startOfDay('2026-03-29', 'Europe/Paris').toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(startOfDay('2026-03-30', 'Europe/Paris').toISOString(), '2026-03-29T22:00:00.000Z');
});

test('at 23:53 in Paris an appointment at 00:50 is tomorrow\'s, and today is Paris\'s today', () => {
  const late = new Date('2026-12-01T22:53:00Z');  // 23:53 in Paris, 17:53 in New York
  assert.equal(dateIn(late, 'Europe/Paris'), '2026-12-01');
  assert.equal(dateIn(late, 'Asia/Tokyo'), '2026-12-02');
  const today = rangeFor('day', '2026-12-01', 'Europe/Paris');
  const upcoming = rangeFor('upcoming', '2026-12-01', 'Europe/Paris');
  const at = new Date('2026-12-01T23:50:00Z');  // 00:50 on 2 December in Paris
  assert.ok(at >= today.to && at >= upcoming.from && at < upcoming.to);
  const past = rangeFor('past', '2026-12-01', 'Europe/Paris');
  assert.equal(past.to.getTime(), today.from.getTime());
  assert.equal(addDays('2026-12-31'), '2027-01-01');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
});
