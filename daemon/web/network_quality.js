// @ts-check
// How well the call's connection carries media, from the browser's own getStats(): round-trip
// time, packets lost and the bitrate received over the last interval, graded good, fair or
// poor the way people feel it (delay past 200 ms and loss past 2 % start to show).

/** @typedef {'good' | 'fair' | 'poor'} Grade */
/** @typedef {{rttMs: number | null, lossPercent: number, kbps: number}} Figures */

/**
 * The grade of some figures. A low bitrate counts only while the other side's camera is on
 * (a camera that is off sends next to nothing, which is no problem).
 * @param {Figures} figures
 * @param {boolean} expectVideo
 * @returns {Grade}
 */
export function grade({ rttMs, lossPercent, kbps }, expectVideo) {
  const rtt = rttMs ?? 0;
  if (rtt > 400 || lossPercent > 5 || (expectVideo && kbps < 50)) return 'poor';
  if (rtt > 200 || lossPercent > 2 || (expectVideo && kbps < 150)) return 'fair';
  return 'good';
}

/** @typedef {{at: number, bytes: number, received: number, lost: number}} Totals */

/**
 * What a getStats() report adds up to: the selected pair's round-trip time and, summed over
 * what we receive, bytes, packets received and packets lost.
 * @param {RTCStatsReport} report
 * @returns {Totals & {rttMs: number | null}}
 */
export function totals(report) {
  let rttMs = null;
  let bytes = 0;
  let received = 0;
  let lost = 0;
  report.forEach((s) => {
    if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' &&
        typeof s.currentRoundTripTime === 'number') rttMs = Math.round(s.currentRoundTripTime * 1000);
    if (s.type === 'inbound-rtp') {
      bytes += s.bytesReceived ?? 0;
      received += s.packetsReceived ?? 0;
      lost += Math.max(0, s.packetsLost ?? 0);
    }
  });
  return { at: performance.now(), bytes, received, lost, rttMs };
}

/**
 * The figures between two totals.
 * @param {Totals} before
 * @param {Totals & {rttMs: number | null}} now
 * @returns {Figures}
 */
export function figuresBetween(before, now) {
  const seconds = Math.max(0.001, (now.at - before.at) / 1000);
  const received = now.received - before.received;
  const lost = now.lost - before.lost;
  const expected = received + lost;
  return {
    rttMs: now.rttMs,
    lossPercent: expected > 0 ? Math.round((lost / expected) * 1000) / 10 : 0,
    kbps: Math.round(((now.bytes - before.bytes) * 8) / 1000 / seconds),
  };
}

const every = 3000;

/**
 * Measures a call session's connection every few seconds while it is connected, tells the
 * server each new grade (so the other side sees it) and the page each measure.
 */
export class QualityWatch {
  /**
   * @param {import('./protocol.js').CallSession} session
   * @param {(grade: Grade, figures: Figures) => void} onMeasure
   */
  constructor(session, onMeasure) {
    this.session = session;
    this.onMeasure = onMeasure;
    /** @type {RTCPeerConnection | null} the connection `before` was taken on */
    this.pc = null;
    /** @type {Totals | null} */
    this.before = null;
    this.tick = setInterval(() => this.measure().catch(() => {}), every);
  }

  async measure() {
    const pc = this.session.pc;
    if (!pc || pc.connectionState !== 'connected') {
      this.before = null;
      return;
    }
    const now = totals(await pc.getStats());
    const before = pc === this.pc ? this.before : null;
    this.pc = pc;
    this.before = now;
    if (!before) return;
    const figures = figuresBetween(before, now);
    const partner = this.session.others.find((p) => p.id === this.session.partner);
    const g = grade(figures, Boolean(partner && partner.video !== false));
    this.session.sendQuality(g);
    this.onMeasure(g, figures);
  }

  stop() {
    clearInterval(this.tick);
  }
}
