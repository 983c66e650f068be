// @ts-check
// Which appointments the console lists: one day (today by default, or one picked), the upcoming
// ones or the past ones, with days counted in the user's time zone, not the browser's.

/** @typedef {'day' | 'upcoming' | 'past'} DayView */

const horizonDays = 60;

/**
 * The calendar date ("2026-12-01") of `date` in `zone`.
 * @param {Date} date
 * @param {string} zone
 */
export function dateIn(date, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(date);
}

/**
 * How far ahead of UTC `zone` is at `date`, in milliseconds.
 * @param {Date} date
 * @param {string} zone
 */
function offsetAt(date, zone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(date).map((p) => [p.type, Number(p.value)]));
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * The instant a calendar date ("2026-12-01") starts in `zone` (its midnight, or the first
 * minute after a daylight-saving gap).
 * @param {string} day
 * @param {string} zone
 */
export function startOfDay(day, zone) {
  const [y, m, d] = day.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  let start = new Date(guess - offsetAt(new Date(guess), zone));
  start = new Date(guess - offsetAt(start, zone));  // the offset at that instant, across a change
  return start;
}

/**
 * The day after a calendar date.
 * @param {string} day
 * @param {number} [by]
 */
export function addDays(day, by = 1) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + by)).toISOString().slice(0, 10);
}

/**
 * The interval of starts to ask the API for.
 * @param {DayView} view
 * @param {string} day the picked day (for 'day'); today otherwise
 * @param {string} zone
 * @returns {{from: Date, to: Date}}
 */
export function rangeFor(view, day, zone) {
  if (view === 'upcoming') return { from: startOfDay(addDays(day), zone), to: startOfDay(addDays(day, horizonDays), zone) };
  if (view === 'past') return { from: startOfDay(addDays(day, -horizonDays), zone), to: startOfDay(day, zone) };
  return { from: startOfDay(day, zone), to: startOfDay(addDays(day), zone) };
}
