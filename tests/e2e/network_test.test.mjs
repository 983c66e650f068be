// The pre-call test's arithmetic (daemon/web/network_test.js): the E-model's MOS, the verdict
// and the figures from a run's statistics; no browser needed.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { estimateMos, figuresOf, networkVerdict } from '../../daemon/web/network_test.js';

test('the estimated MOS falls with delay, jitter and loss, within 1 and 4.5', () => {
  const clean = estimateMos({ rttMs: 2, jitterMs: 0, lossPercent: 0 });
  assert.ok(clean > 4.3 && clean <= 4.5, `clean ${clean}`);
  const lossy = estimateMos({ rttMs: 100, jitterMs: 5, lossPercent: 5 });
  assert.ok(lossy > 3.5 && lossy < 4, `5 % loss, 100 ms: ${lossy}`);
  assert.ok(estimateMos({ rttMs: 600, jitterMs: 0, lossPercent: 0 }) < estimateMos({ rttMs: 300, jitterMs: 0, lossPercent: 0 }));
  assert.ok(estimateMos({ rttMs: 50, jitterMs: 60, lossPercent: 0 }) < clean);
  assert.equal(estimateMos({ rttMs: 3000, jitterMs: 500, lossPercent: 80 }), 1);
});

test('the verdict is the worst problem found, with advice for each', () => {
  const fine = { path: { candidate: 'host', protocol: 'udp' }, rttMs: 20, jitterMs: 3, lossUpPercent: 0,
    lossDownPercent: 0.2, kbps: 1500, mos: 4.4 };
  assert.deepEqual(networkVerdict(fine), { grade: 'good', advice: [] });
  assert.deepEqual(networkVerdict({ ...fine, lossDownPercent: 3 }), { grade: 'fair', advice: ['network.advice.loss'] });
  assert.deepEqual(networkVerdict({ ...fine, lossUpPercent: 7, rttMs: 250 }),
    { grade: 'poor', advice: ['network.advice.loss', 'network.advice.delay'] });
  assert.equal(networkVerdict({ ...fine, kbps: 100 }).grade, 'poor');
  assert.deepEqual(networkVerdict({ ...fine, path: { candidate: 'relay', protocol: 'udp', relayProtocol: 'tcp' } }),
    { grade: 'good', advice: ['network.advice.relay'] });
  assert.deepEqual(networkVerdict({ ...fine, rttMs: null, error: 'busy' }), { grade: 'failed', advice: ['network.advice.busy'] });
  assert.deepEqual(networkVerdict({ ...fine, rttMs: null }), { grade: 'failed', advice: ['network.advice.failed'] });
  assert.deepEqual(networkVerdict({ ...fine, rttMs: null, error: 'off' }), { grade: 'failed', advice: ['network.advice.off'] });
});

test('loss each way: what the server reported missing went up; what else did not come back went down', () => {
  const sample = (at, over) => ({ at, audioSent: 0, audioLostUp: 0, audioReceived: 0, audioLostRoundTrip: 0, rtts: [],
    jitterMs: 4, videoBytes: 0, path: { candidate: 'host', protocol: 'udp' }, pairRttMs: 3, ...over });
  const figures = figuresOf([
    sample(0, { rtts: [100, 104], videoBytes: 0 }),
    sample(1000, { rtts: [98], videoBytes: 125000 }),       // 1000 kb/s
    sample(2000, { rtts: [120], videoBytes: 150000, audioSent: 1000, audioLostUp: 50, audioLostRoundTrip: 145 }),
  ]);
  assert.equal(figures.rttMs, 104, 'the median of the receiver reports');
  assert.equal(figures.kbps, 1000, 'the best second');
  assert.equal(figures.lossUpPercent, 5);
  assert.equal(figures.lossDownPercent, 10, '95 lost of the 950 that reached the server');
  assert.equal(figures.jitterMs, 4);
  assert.ok(figures.mos > 1 && figures.mos < 4);
  // No receiver report yet: the candidate pair's round trip.
  assert.equal(figuresOf([sample(0, {})]).rttMs, 3);
});
