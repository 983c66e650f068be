// The connection grade the call screen shows (daemon/web/network_quality.js), from figures
// a browser's getStats() gives; no browser needed.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { figuresBetween, grade, totals } from '../../daemon/web/network_quality.js';

test('delay, loss and a starved picture grade a connection good, fair or poor', () => {
  const fine = { rttMs: 40, lossPercent: 0, kbps: 900 };
  assert.equal(grade(fine, true), 'good');
  assert.equal(grade({ ...fine, rttMs: null }, true), 'good', 'no round trip measured yet');
  assert.equal(grade({ ...fine, rttMs: 250 }, true), 'fair');
  assert.equal(grade({ ...fine, rttMs: 450 }, true), 'poor');
  assert.equal(grade({ ...fine, lossPercent: 3 }, true), 'fair');
  assert.equal(grade({ ...fine, lossPercent: 8 }, true), 'poor');
  assert.equal(grade({ ...fine, kbps: 100 }, true), 'fair');
  assert.equal(grade({ ...fine, kbps: 20 }, true), 'poor');
  // With the other side's camera off there is next to nothing to receive, and that is fine.
  assert.equal(grade({ ...fine, kbps: 20 }, false), 'good');
});

test('the figures are those of the interval: what arrived and what was lost in it, over its length', () => {
  const report = (entries) => new Map(entries.map((e, i) => [String(i), e]));
  const first = totals(report([
    { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.031 },
    { type: 'candidate-pair', nominated: false, state: 'failed', currentRoundTripTime: 2 },
    { type: 'inbound-rtp', bytesReceived: 100_000, packetsReceived: 1000, packetsLost: 10 },
    { type: 'inbound-rtp', bytesReceived: 20_000, packetsReceived: 500, packetsLost: 0 },
    { type: 'outbound-rtp', bytesSent: 9_999_999, packetsSent: 99_999 },
  ]));
  assert.equal(first.rttMs, 31);
  assert.deepEqual([first.bytes, first.received, first.lost], [120_000, 1500, 10]);
  const later = { ...first, at: first.at + 2000, bytes: 370_000, received: 1980, lost: 30 };
  // 250 kB in 2 s is 1000 kb/s; 20 lost of 500 expected is 4 %.
  assert.deepEqual(figuresBetween(first, later), { rttMs: 31, lossPercent: 4, kbps: 1000 });
  // Nothing received (alone in the call): no loss to speak of, no division by zero.
  assert.deepEqual(figuresBetween(first, { ...first, at: first.at + 3000 }), { rttMs: 31, lossPercent: 0, kbps: 0 });
});
