// @ts-check
// The network part of the pre-call test: one WebRTC connection to the server's echo
// (/ws/v1/echo, see assistd(8) "Network test"), set up as a call's is, that carries a tone and a
// changing picture for about ten seconds and gets them back. From the browser's own statistics:
// the path ICE chose, round-trip time, jitter, the loss each way (the server's receiver reports
// give the way up; what came back, less that, the way down), the video bitrate that got through
// (the browser's congestion control raises it until it meets loss or the server's cap), and an
// estimated MOS. Audio carries the loss figures: nothing retransmits it, so a lost packet stays lost.

/**
 * @typedef {{candidate: string, protocol: string, relayProtocol?: string}} Path
 * @typedef {{path: Path | null, rttMs: number | null, jitterMs: number | null, lossUpPercent: number | null,
 *   lossDownPercent: number | null, kbps: number | null, mos: number | null, error?: string}} NetworkFigures
 * @typedef {'good' | 'fair' | 'poor' | 'failed'} Grade
 */

export const testSeconds = 10;

/**
 * An estimated MOS (1 to 4.5) from the E-model of ITU-T G.107, simplified as Cole and
 * Rosenbluth did: the delay impairment from the one-way delay (half the round trip, twice the
 * jitter for the jitter buffer, 10 ms for the codec), the loss impairment of a codec that
 * conceals random loss (G.113's G.711 with PLC, Bpl 25.1; Opus does at least as well).
 * @param {{rttMs: number, jitterMs: number, lossPercent: number}} figures
 */
export function estimateMos({ rttMs, jitterMs, lossPercent }) {
  const delay = rttMs / 2 + 2 * jitterMs + 10;
  const delayImpairment = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  const loss = Math.max(0, lossPercent);
  const lossImpairment = 95 * (loss / (loss + 25.1));
  const r = 93.2 - delayImpairment - lossImpairment;
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.round(Math.min(4.5, Math.max(1, mos)) * 100) / 100;
}

/**
 * How a connection will carry a call, and what to do about each problem (i18n keys).
 * @param {NetworkFigures} f
 * @returns {{grade: Grade, advice: string[]}}
 */
export function networkVerdict(f) {
  if (f.error || f.rttMs === null) return { grade: 'failed', advice: [`network.advice.${f.error ?? 'failed'}`] };
  /** @type {string[]} */
  const advice = [];
  let grade = /** @type {Grade} */ ('good');
  /** @param {Grade} g @param {string} key */
  const worse = (g, key) => {
    const order = ['good', 'fair', 'poor'];
    if (order.indexOf(g) > order.indexOf(grade)) grade = g;
    if (!advice.includes(key)) advice.push(key);
  };
  const loss = Math.max(f.lossUpPercent ?? 0, f.lossDownPercent ?? 0);
  if (loss > 5) worse('poor', 'network.advice.loss');
  else if (loss > 2) worse('fair', 'network.advice.loss');
  if (f.rttMs > 400) worse('poor', 'network.advice.delay');
  else if (f.rttMs > 200) worse('fair', 'network.advice.delay');
  if ((f.jitterMs ?? 0) > 50) worse('poor', 'network.advice.jitter');
  else if ((f.jitterMs ?? 0) > 30) worse('fair', 'network.advice.jitter');
  if (f.kbps !== null && f.kbps < 150) worse('poor', 'network.advice.bitrate');
  else if (f.kbps !== null && f.kbps < 400) worse('fair', 'network.advice.bitrate');
  if (f.path && f.path.candidate === 'relay') advice.push('network.advice.relay');
  return { grade, advice };
}

/**
 * The totals a getStats() report holds for the test.
 * @param {RTCStatsReport} report
 */
export function echoTotals(report) {
  const totals = {
    at: performance.now(),
    audioSent: 0, audioLostUp: 0, audioReceived: 0, audioLostRoundTrip: 0,
    /** @type {number[]} */ rtts: [], jitterMs: /** @type {number | null} */ (null), videoBytes: 0,
    /** @type {Path | null} */ path: null, pairRttMs: /** @type {number | null} */ (null),
  };
  report.forEach((s) => {
    if (s.type === 'outbound-rtp' && s.kind === 'audio') totals.audioSent += s.packetsSent ?? 0;
    if (s.type === 'remote-inbound-rtp') {
      if (s.kind === 'audio') totals.audioLostUp += Math.max(0, s.packetsLost ?? 0);
      if (typeof s.roundTripTime === 'number') totals.rtts.push(s.roundTripTime * 1000);
    }
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      totals.audioReceived += s.packetsReceived ?? 0;
      totals.audioLostRoundTrip += Math.max(0, s.packetsLost ?? 0);
      if (typeof s.jitter === 'number') totals.jitterMs = s.jitter * 1000;
    }
    if (s.type === 'inbound-rtp' && s.kind === 'video') totals.videoBytes += s.bytesReceived ?? 0;
    if (s.type === 'transport' && s.selectedCandidatePairId) {
      const pair = report.get(s.selectedCandidatePairId);
      const local = pair && report.get(pair.localCandidateId);
      if (pair && typeof pair.currentRoundTripTime === 'number') totals.pairRttMs = pair.currentRoundTripTime * 1000;
      if (local) totals.path = { candidate: local.candidateType, protocol: local.protocol, relayProtocol: local.relayProtocol };
    }
  });
  return totals;
}

/** @typedef {ReturnType<typeof echoTotals>} EchoTotals */

/**
 * The figures of a whole test from the totals taken each second.
 * @param {EchoTotals[]} samples in order; the first is taken once the connection is up
 * @returns {NetworkFigures}
 */
export function figuresOf(samples) {
  const last = samples[samples.length - 1];
  const rtts = samples.flatMap((s) => s.rtts).sort((a, b) => a - b);
  const rttMs = rtts.length > 0 ? rtts[Math.floor(rtts.length / 2)] : last?.pairRttMs ?? null;
  let kbps = 0;
  for (let i = 1; i < samples.length; i++) {
    const seconds = (samples[i].at - samples[i - 1].at) / 1000;
    if (seconds > 0) kbps = Math.max(kbps, ((samples[i].videoBytes - samples[i - 1].videoBytes) * 8) / 1000 / seconds);
  }
  const percent = (/** @type {number} */ part, /** @type {number} */ whole) =>
    whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;
  // Lost on the way up never came back; what else is missing was lost on the way down.
  const lossUpPercent = last ? percent(last.audioLostUp, last.audioSent) : null;
  const arrivedAtServer = last ? last.audioSent - last.audioLostUp : 0;
  const lostDown = last ? Math.max(0, last.audioLostRoundTrip - last.audioLostUp) : 0;
  const lossDownPercent = last ? percent(lostDown, arrivedAtServer) : null;
  const jitterMs = last?.jitterMs === null || last?.jitterMs === undefined ? null : Math.round(last.jitterMs);
  const figures = {
    path: last?.path ?? null,
    rttMs: rttMs === null ? null : Math.round(rttMs),
    jitterMs,
    lossUpPercent,
    lossDownPercent,
    kbps: samples.length > 1 ? Math.round(kbps) : null,
    mos: /** @type {number | null} */ (null),
  };
  if (figures.rttMs !== null)
    figures.mos = estimateMos({ rttMs: figures.rttMs, jitterMs: jitterMs ?? 0,
      lossPercent: Math.max(lossUpPercent ?? 0, lossDownPercent ?? 0) });
  return figures;
}

/**
 * A picture that changes everywhere in every frame, so the encoder has something to send at
 * whatever bitrate the connection allows, and a tone: nothing from the camera or microphone.
 */
function testTracks() {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 360;
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const draw = () => {
    for (let i = 0; i < 120; i++) {
      context.fillStyle = `hsl(${Math.floor(Math.random() * 360)} 70% 50%)`;
      context.fillRect(Math.floor(Math.random() * 16) * 40, Math.floor(Math.random() * 9) * 40, 40, 40);
    }
  };
  draw();
  const painter = setInterval(draw, 33);
  const video = canvas.captureStream(30).getVideoTracks()[0];
  const audioContext = new AudioContext();
  const tone = audioContext.createOscillator();
  tone.frequency.value = 440;
  const destination = audioContext.createMediaStreamDestination();
  tone.connect(destination);
  tone.start();
  const audio = destination.stream.getAudioTracks()[0];
  return {
    audio, video,
    stop() {
      clearInterval(painter);
      video.stop();
      audio.stop();
      audioContext.close().catch(() => {});
    },
  };
}

/**
 * Runs one test against the echo at `url`. `onProgress` hears the fraction done (0 to 1).
 * Resolves with the figures; a test that could not run has `error`: busy (the server runs as
 * many as it allows), off (it runs none), blocked (no connection: UDP and TCP to the server both
 * fail), or failed.
 * @param {string} url wss://…/ws/v1/echo
 * @param {(done: number) => void} onProgress
 * @returns {Promise<NetworkFigures>}
 */
export async function runNetworkTest(url, onProgress) {
  /** @type {NetworkFigures} */
  const none = { path: null, rttMs: null, jitterMs: null, lossUpPercent: null, lossDownPercent: null, kbps: null, mos: null };
  const socket = new WebSocket(url);
  /** @type {RTCPeerConnection | null} */
  let pc = null;
  /** @type {ReturnType<typeof testTracks> | null} */
  let tracks = null;
  try {
    const budget = await new Promise((resolve, reject) => {
      socket.onmessage = (event) => {
        const m = JSON.parse(event.data);
        if (m.type === 'echo') resolve(m);
        else if (m.type === 'error') reject(new Error(m.code === 'echo_busy' ? 'busy' : m.code === 'echo_off' ? 'off' : 'failed'));
      };
      socket.onclose = () => reject(new Error('failed'));
      socket.onerror = () => reject(new Error('failed'));
    });
    const peer = new RTCPeerConnection({ iceServers: budget.ice_servers, bundlePolicy: 'max-bundle' });
    pc = peer;
    tracks = testTracks();
    peer.addTransceiver(tracks.audio, { direction: 'sendrecv' });
    peer.addTransceiver(tracks.video, { direction: 'sendrecv' });
    const connected = new Promise((resolve, reject) => {
      peer.onconnectionstatechange = () => {
        if (peer.connectionState === 'connected') resolve(undefined);
        if (peer.connectionState === 'failed') reject(new Error('blocked'));
      };
      setTimeout(() => reject(new Error('blocked')), 15000);
    });
    socket.onmessage = (event) => {
      const m = JSON.parse(event.data);
      if (m.type === 'answer') peer.setRemoteDescription({ type: 'answer', sdp: m.sdp }).catch(() => {});
      else if (m.type === 'ice' && m.candidate) peer.addIceCandidate({ candidate: m.candidate, sdpMLineIndex: m.mline }).catch(() => {});
    };
    peer.onicecandidate = (event) => {
      if (event.candidate && socket.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ type: 'ice', mline: event.candidate.sdpMLineIndex ?? 0, candidate: event.candidate.candidate }));
    };
    await peer.setLocalDescription();
    socket.send(JSON.stringify({ type: 'offer', sdp: peer.localDescription?.sdp }));
    await connected;
    /** @type {EchoTotals[]} */
    const samples = [];
    const started = performance.now();
    for (;;) {
      samples.push(echoTotals(await peer.getStats()));
      const done = (performance.now() - started) / 1000 / testSeconds;
      onProgress(Math.min(1, done));
      if (done >= 1) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    return figuresOf(samples);
  } catch (e) {
    const error = e instanceof Error && ['busy', 'off', 'blocked'].includes(e.message) ? e.message : 'failed';
    return { ...none, error };
  } finally {
    tracks?.stop();
    pc?.close();
    socket.onclose = null;
    socket.close();
  }
}
