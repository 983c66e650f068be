// @ts-check
// The signalling protocol (/ws/v1) and the WebRTC connections of one participant; no UI here.
// The browser publishes on one connection (it offers, the server receives) and receives each
// other participant on a connection of its own (the server offers, send-only), so nothing is
// ever renegotiated. When the socket drops or the publishing connection fails, the session
// joins again with the same credentials and publishes again; the server lets the newer
// connection take over from the older one.

export const protocolVersion = 1;

const publishStream = 'publish';
const maxRetryDelay = 8000;
const disconnectedGrace = 4000;
const keepAlive = 20000;

/**
 * @typedef {{token?: string, appointmentId?: number}} Credentials
 * @typedef {{id: string, role: string}} Participant
 * @typedef {{appointment_state: string, participants: Participant[]}} CallState
 */

/**
 * Prefers the one codec the server forwards for this kind (VP8 video, Opus audio), so the
 * browser never sends what the server cannot pass on.
 * @param {RTCRtpTransceiver} transceiver
 * @param {string} kind
 */
function preferForwardedCodec(transceiver, kind) {
  const wanted = kind === 'video' ? 'video/vp8' : 'audio/opus';
  const capabilities = RTCRtpReceiver.getCapabilities(kind);
  if (!capabilities || !transceiver.setCodecPreferences) return;
  const codecs = capabilities.codecs.filter((c) => c.mimeType.toLowerCase() === wanted);
  if (codecs.length > 0) transceiver.setCodecPreferences(codecs);
}

/**
 * One participant in one call. Events: "welcome" (detail: the welcome message), "state"
 * (CallState), "remote" ({participant, stream}), "remote-gone" ({participant}), "status"
 * ("connecting" | "connected" | "reconnecting"), "ended" ({reason}), "fatal" ({code, message}),
 * "problem" ({code, message}).
 */
export class CallSession extends EventTarget {
  /**
   * @param {Credentials} credentials
   * @param {MediaStream} local
   */
  constructor(credentials, local) {
    super();
    this.credentials = credentials;
    this.local = local;
    /** @type {WebSocket | null} */
    this.socket = null;
    /** @type {RTCPeerConnection | null} */
    this.publisher = null;
    /** @type {Map<string, RTCPeerConnection>} by participant id */
    this.subscriptions = new Map();
    /** @type {Map<RTCPeerConnection, Promise<void>>} each connection's operations, in order */
    this.queues = new Map();
    /** @type {RTCIceServer[]} */
    this.iceServers = [];
    this.participant = '';
    this.stopped = false;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.disconnectedTimer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pingTimer = undefined;
  }

  join() {
    this.stopped = false;
    this.connect();
  }

  /** Leaves the call; the others stay. */
  leave() {
    this.stop();
  }

  /** Ends the call for everyone (specialists only; the server refuses customers). */
  endForAll() {
    this.send({ type: 'end' });
  }

  /**
   * Sends a different camera or microphone track without renegotiating.
   * @param {MediaStreamTrack} track
   */
  async replaceTrack(track) {
    const old = this.local.getTracks().find((t) => t.kind === track.kind);
    if (old) this.local.removeTrack(old);
    this.local.addTrack(track);
    const transceiver = this.publisher?.getTransceivers().find((t) => t.receiver.track.kind === track.kind);
    if (transceiver) await transceiver.sender.replaceTrack(track);
  }

  /** Figures for diagnostics and tests: what this browser receives from each participant. */
  async stats() {
    /** @type {{participant: string, kind: string, framesDecoded: number, frameWidth: number, frameHeight: number, packetsReceived: number, totalAudioEnergy: number, audioLevel: number}[]} */
    const inbound = [];
    for (const [participant, pc] of this.subscriptions) {
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        inbound.push({
          participant, kind: s.kind, framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0,
          frameHeight: s.frameHeight ?? 0, packetsReceived: s.packetsReceived ?? 0,
          totalAudioEnergy: s.totalAudioEnergy ?? 0, audioLevel: s.audioLevel ?? 0,
        });
      });
    }
    return { participant: this.participant, publisher: this.publisher?.connectionState ?? 'none', inbound };
  }

  // ---- connection ----

  connect() {
    const url = new URL('/ws/v1', location.href);
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
    const socket = new WebSocket(url);
    this.socket = socket;
    this.emit('status', this.attempt === 0 ? 'connecting' : 'reconnecting');
    socket.onopen = () => {
      const { token, appointmentId } = this.credentials;
      this.send(token ? { type: 'hello', version: protocolVersion, token }
                      : { type: 'hello', version: protocolVersion, appointment_id: appointmentId });
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), keepAlive);
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      try {
        this.onMessage(JSON.parse(String(event.data)));
      } catch (e) {
        console.error('signalling message failed', e);
      }
    };
    socket.onclose = () => {
      if (socket === this.socket) this.onSocketClosed();
    };
  }

  onSocketClosed() {
    clearInterval(this.pingTimer);
    this.closeConnections();
    this.socket = null;
    if (this.stopped) return;
    this.emit('status', 'reconnecting');
    const delay = Math.min(maxRetryDelay, 500 * 2 ** this.attempt);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  // Starts over on a fresh socket: the server then replaces our old connection.
  rejoin() {
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.onSocketClosed();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.closeConnections();
  }

  closeConnections() {
    clearTimeout(this.disconnectedTimer);
    this.publisher?.close();
    this.publisher = null;
    for (const [participant, pc] of this.subscriptions) {
      pc.close();
      this.emit('remote-gone', { participant });
    }
    this.subscriptions.clear();
    this.queues.clear();
  }

  /** @param {object} message */
  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /**
   * Runs `work` after the connection's earlier operations (an ICE candidate must not overtake
   * the description it belongs to).
   * @param {RTCPeerConnection} pc
   * @param {() => Promise<void>} work
   */
  enqueue(pc, work) {
    const next = (this.queues.get(pc) ?? Promise.resolve()).then(work).catch((e) => {
      if (pc.connectionState !== 'closed') this.emit('problem', { code: 'webrtc', message: String(e) });
    });
    this.queues.set(pc, next);
  }

  // ---- messages ----

  /** @param {any} m */
  onMessage(m) {
    switch (m.type) {
      case 'welcome':
        this.attempt = 0;
        this.participant = m.participant;
        this.iceServers = Array.isArray(m.ice_servers) ? m.ice_servers : [];
        this.emit('welcome', m);
        this.publish();
        return;
      case 'state': return this.onState(m);
      case 'offer': return this.onOffer(m.stream, m.sdp);
      case 'answer':
        if (m.stream === publishStream && this.publisher) {
          const pc = this.publisher;
          this.enqueue(pc, () => pc.setRemoteDescription({ type: 'answer', sdp: m.sdp }));
        }
        return;
      case 'ice': return this.onCandidate(m.stream, m.mline, m.candidate);
      case 'ended':
        this.stop();
        this.emit('ended', { reason: m.reason });
        return;
      case 'error':
        if (m.final === true) {  // the server says joining again cannot help
          this.stop();
          this.emit('fatal', { code: m.code, message: m.message });
        } else {
          this.emit('problem', { code: m.code, message: m.message });
        }
        return;
      default:
        return;  // pong, media: nothing to do
    }
  }

  /** @param {CallState} state */
  onState(state) {
    const present = new Set(state.participants.map((p) => p.id));
    for (const [participant, pc] of this.subscriptions) {
      if (present.has(participant)) continue;
      pc.close();
      this.subscriptions.delete(participant);
      this.queues.delete(pc);
      this.emit('remote-gone', { participant });
    }
    this.emit('state', state);
  }

  publish() {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.publisher = pc;
    for (const track of [...this.local.getAudioTracks(), ...this.local.getVideoTracks()]) {
      const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams: [this.local] });
      preferForwardedCodec(transceiver, track.kind);
      if (track.kind === 'video') this.keepResolution(transceiver.sender);
    }
    pc.onicecandidate = (event) => this.sendCandidate(publishStream, event.candidate);
    pc.onconnectionstatechange = () => this.onPublisherState(pc);
    this.enqueue(pc, async () => {
      await pc.setLocalDescription(await pc.createOffer());
      this.send({ type: 'offer', stream: publishStream, sdp: pc.localDescription?.sdp });
    });
  }

  // A support call is about seeing detail: lower the frame rate before the resolution.
  /** @param {RTCRtpSender} sender */
  keepResolution(sender) {
    const parameters = sender.getParameters();
    /** @type {any} */ (parameters).degradationPreference = 'maintain-resolution';
    sender.setParameters(parameters).catch(() => {});
  }

  /** @param {RTCPeerConnection} pc */
  onPublisherState(pc) {
    if (pc !== this.publisher) return;
    clearTimeout(this.disconnectedTimer);
    switch (pc.connectionState) {
      case 'connected':
        this.emit('status', 'connected');
        return;
      case 'disconnected':
        // Often a blip that heals by itself; if not, join again.
        this.emit('status', 'reconnecting');
        this.disconnectedTimer = setTimeout(() => this.rejoin(), disconnectedGrace);
        return;
      case 'failed':
        this.rejoin();
        return;
      default:
        return;
    }
  }

  /**
   * @param {string} stream
   * @param {string} sdp
   */
  onOffer(stream, sdp) {
    if (typeof stream !== 'string' || !stream.startsWith('sub:')) return;
    const participant = stream.slice(4);
    const old = this.subscriptions.get(participant);
    if (old) {
      old.close();
      this.queues.delete(old);
    }
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.subscriptions.set(participant, pc);
    const remote = new MediaStream();
    pc.ontrack = (event) => {
      remote.addTrack(event.track);
      this.emit('remote', { participant, stream: remote });
    };
    pc.onicecandidate = (event) => this.sendCandidate(stream, event.candidate);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && this.subscriptions.get(participant) === pc) this.rejoin();
    };
    this.enqueue(pc, async () => {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      this.send({ type: 'answer', stream, sdp: pc.localDescription?.sdp });
    });
  }

  /**
   * @param {string} stream
   * @param {number} mline
   * @param {string} candidate
   */
  onCandidate(stream, mline, candidate) {
    const pc = stream === publishStream ? this.publisher : this.subscriptions.get(String(stream).slice(4));
    if (!pc || !candidate) return;
    this.enqueue(pc, () => pc.addIceCandidate({ candidate, sdpMLineIndex: mline }));
  }

  /**
   * @param {string} stream
   * @param {RTCIceCandidate | null} candidate
   */
  sendCandidate(stream, candidate) {
    if (!candidate || !candidate.candidate) return;
    this.send({ type: 'ice', stream, mline: candidate.sdpMLineIndex ?? 0, candidate: candidate.candidate });
  }
}
