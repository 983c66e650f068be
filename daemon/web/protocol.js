// @ts-check
// The signalling protocol (/ws/v1) and the WebRTC connection of one participant; no UI here.
// One connection carries everything, with three transceivers in a fixed order: microphone,
// camera, screen. Each sends ours and receives the other participant's of the same kind; the
// screen transceiver has no track until we share. The page offers once, the server answers,
// and nothing is renegotiated. When the connection drops, the page first restarts ICE on it;
// when that does not help, or the socket drops, it joins again with the same credentials on
// a new connection, which the server lets take over from the older one.

export const protocolVersion = 2;

const maxRetryDelay = 8000;
const disconnectedGrace = 4000;
const restartGrace = 10000;
const keepAlive = 20000;
// What the server says when it cannot take an offer (non-final errors).
const offerProblems = new Set(['offer_not_bundled', 'unsupported_offer', 'malformed_offer', 'too_many_mlines',
  'renegotiation_unsupported', 'codec_mismatch', 'offer_refused', 'unknown_mline', 'no_offer']);

/**
 * @typedef {{token?: string, appointmentId?: number}} Credentials
 * @typedef {{id: string, role: string, name: string, sharing: boolean, audio: boolean, video: boolean,
 *   quality: 'good' | 'fair' | 'poor' | null, reconnecting: boolean, away_seconds?: number}} Participant
 * @typedef {{appointment_state: string, participants: Participant[]}} CallState
 * @typedef {{microphone: RTCRtpTransceiver, camera: RTCRtpTransceiver, screen: RTCRtpTransceiver}} Transceivers
 * @typedef {{id: number, name: string, type: string, size: number}} SharedFile
 * @typedef {{id: number, participant: string, role: string, name: string, text: string, sent_at: string,
 *   file?: SharedFile}} ChatMessage
 * @typedef {{participant: string, name: string, active: boolean}} Typing
 */

/** The longest chat message the server takes, in characters once trimmed. */
export const maxChatCharacters = 2000;

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

// A support call is about seeing detail: lower the frame rate before the resolution.
/** @param {RTCRtpSender} sender */
function keepResolution(sender) {
  const parameters = sender.getParameters();
  /** @type {any} */ (parameters).degradationPreference = 'maintain-resolution';
  sender.setParameters(parameters).catch(() => {});
}

/** Whether this browser can share a screen (phones cannot). */
export function canShareScreen() {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/**
 * Whose media the server forwards to us (as assistd(8) says): a customer gets the specialist
 * who joined last (a supervisor when no specialist is there), staff get the customer who
 * joined last. Participant ids ("p12") grow with each join.
 * @param {string} role
 * @param {Participant[]} others
 */
function mediaPartner(role, others) {
  const latest = (/** @type {string} */ wanted) => others.filter((p) => p.role === wanted)
    .sort((a, b) => Number(b.id.slice(1)) - Number(a.id.slice(1)))[0]?.id ?? '';
  if (role !== 'customer') return latest('customer');
  return latest('specialist') || latest('supervisor');
}

/**
 * One participant in one call. Events: "welcome" (detail: the welcome message), "state"
 * (CallState), "remote" ({participant, stream}: the other participant's camera and sound),
 * "remote-gone" ({participant}), "screen" ({participant, stream}: the other participant's
 * screen, stream null when they stop sharing), "sharing" (whether we share a screen),
 * "status" ("connecting" | "connected" | "reconnecting" | "restarting"), "ended" ({reason, message}),
 * "waiting" ({position, estimate: seconds or null, queue}: our place in the waiting room), "admitted",
 * "fatal" ({code, message}), "problem" ({code, message}), "chat" (ChatMessage), "chat-history"
 * (ChatMessage[], after each welcome), "typing" (Typing: someone else started or stopped), and the
 * remote guidance messages under their own type (location_request, location, pointer, annotate, board,
 * freeze, camera_control, camera: the message itself), which guide_view.js sends with `send`.
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
    this.pc = null;
    /** @type {Transceivers | null} */
    this.transceivers = null;
    /** @type {MediaStream | null} the other participant's sound and camera, as we receive them */
    this.remoteStream = null;
    /** @type {MediaStream | null} */
    this.remoteScreen = null;
    /** @type {Promise<void>} the connection's operations, in order */
    this.queue = Promise.resolve();
    /** @type {RTCIceServer[]} */
    this.iceServers = [];
    this.participant = '';
    /** @type {Set<string>} the participant ids this session has had (one per join) */
    this.ownIds = new Set();
    /** our name as the others see it (in chat) */
    this.name = '';
    /** @type {number} the appointment of the call, from the welcome */
    this.appointmentId = credentials.appointmentId ?? 0;
    /** whether we are in the call (welcomed and admitted), so that `devices` may be sent */
    this.takingPart = false;
    /** @type {string} how well we receive the call, as we last told the server ('' until measured) */
    this.quality = '';
    /** @type {Participant[]} those whose connection dropped, as the last state said */
    this.lost = [];
    /** when the last state came (Date.now()), to count how long the lost have been away */
    this.stateAt = 0;
    /** @type {Participant[]} the others in the call, as the last state said */
    this.others = [];
    this.role = '';
    /** the participant whose media the server forwards to us */
    this.partner = '';
    /** @type {{participant: string, stream: MediaStream | null}} what "remote" last said */
    this.shown = { participant: '', stream: null };
    /** @type {MediaStream | null} */
    this.shownScreen = null;
    /** @type {MediaStreamTrack | null} the screen we share */
    this.screenTrack = null;
    this.restarting = false;
    this.stopped = false;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.disconnectedTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.restartTimer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pingTimer = undefined;
  }

  join() {
    this.stopped = false;
    this.connect();
  }

  /** Leaves the call; the others stay. */
  leave() {
    this.stopScreen();
    this.send({ type: 'leave' });  // so the others see at once that we left, not a lost connection
    this.stop();
  }

  /**
   * Sends a chat message; false when there is no connection to send it on.
   * @param {string} text
   */
  sendChat(text) {
    return this.send({ type: 'chat', text });
  }

  /** @param {boolean} active whether we are typing a chat message */
  sendTyping(active) {
    this.send({ type: 'typing', active });
  }

  /**
   * Whether a chat message is ours: sent by this session, or (after a reload, in the history)
   * by our role under our name.
   * @param {ChatMessage} message
   */
  isOwn(message) {
    return this.ownIds.has(message.participant) ||
      (Boolean(this.name) && message.role === this.role && message.name === this.name);
  }

  /** Ends the call for everyone (specialists only; the server refuses customers). */
  /**
   * Staff: start or stop recording the call (the server tells everyone with `recording`).
   * @param {boolean} active
   */
  setRecording(active) {
    this.send({ type: 'recording', active });
  }

  /**
   * Customer: the answer when asked to be recorded.
   * @param {boolean} accept
   */
  answerRecording(accept) {
    this.send({ type: 'recording_consent', accept });
  }

  /**
   * Staff: ask for a photo of the customer's camera (the server tells everyone with `snapshot`).
   * @param {'device' | 'server'} [source]
   */
  takeSnapshot(source) {
    this.send(source ? { type: 'snapshot', source } : { type: 'snapshot' });
  }

  /**
   * Customer: this page cannot take the photo it was asked for; the server takes one instead.
   * @param {string} request
   * @param {string} reason
   */
  snapshotUnavailable(request, reason) {
    this.send({ type: 'snapshot_unavailable', request, reason: reason.slice(0, 200) });
  }

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
    const transceiver = track.kind === 'audio' ? this.transceivers?.microphone : this.transceivers?.camera;
    if (transceiver) await transceiver.sender.replaceTrack(track);
  }

  /** Asks the browser for a screen to share and sends it on the screen transceiver. */
  async shareScreen() {
    if (this.screenTrack) return;
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true });
    const track = display.getVideoTracks()[0];
    if (!track) return;
    if (this.stopped) {
      track.stop();
      return;
    }
    track.contentHint = 'detail';
    // The browser's own "stop sharing" ends the track.
    track.addEventListener('ended', () => { if (this.screenTrack === track) this.stopScreen(); });
    this.screenTrack = track;
    await this.transceivers?.screen.sender.replaceTrack(track);
    this.send({ type: 'screen', sharing: true });
    this.emit('sharing', true);
  }

  /**
   * Turns our microphone or camera on or off and tells the others. A disabled track sends
   * silence or black frames, so the connection stays as it is.
   * @param {'audio' | 'video'} kind
   * @param {boolean} enabled
   */
  setDevice(kind, enabled) {
    for (const track of this.local.getTracks()) {
      if (track.kind === kind) track.enabled = enabled;
    }
    this.sendDevices();
  }

  sendDevices() {
    if (!this.takingPart) return;  // the waiting room: sent once admitted
    const on = (/** @type {MediaStreamTrack[]} */ tracks) => tracks.some((track) => track.enabled);
    this.send({ type: 'devices', audio: on(this.local.getAudioTracks()), video: on(this.local.getVideoTracks()) });
  }

  /**
   * Tells the others how well we receive the call, when that changes.
   * @param {'good' | 'fair' | 'poor'} grade
   */
  sendQuality(grade) {
    if (grade === this.quality) return;
    this.quality = grade;
    if (this.takingPart) this.send({ type: 'quality', grade });
  }

  stopScreen() {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    track.stop();
    this.transceivers?.screen.sender.replaceTrack(null).catch(() => {});
    this.send({ type: 'screen', sharing: false });
    this.emit('sharing', false);
  }

  /**
   * Figures for diagnostics and tests: what this browser receives from the other participant,
   * by track ("microphone", "camera", "screen").
   */
  async stats() {
    /** @type {{participant: string, track: string, mid: string, kind: string, framesDecoded: number, frameWidth: number, frameHeight: number, packetsReceived: number, totalAudioEnergy: number, audioLevel: number}[]} */
    const inbound = [];
    const pc = this.pc;
    const transceivers = this.transceivers;
    if (pc && transceivers) {
      /** @type {Map<string, string>} */
      const tracks = new Map();
      for (const [track, transceiver] of Object.entries(transceivers)) if (transceiver.mid) tracks.set(transceiver.mid, track);
      const participant = this.partner;
      (await pc.getStats()).forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        inbound.push({
          participant, track: tracks.get(s.mid) ?? '', mid: s.mid ?? '', kind: s.kind,
          framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0,
          packetsReceived: s.packetsReceived ?? 0, totalAudioEnergy: s.totalAudioEnergy ?? 0, audioLevel: s.audioLevel ?? 0,
        });
      });
    }
    return { participant: this.participant, connection: pc?.connectionState ?? 'none', inbound };
  }

  // ---- the socket ----

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
    this.closeConnection();
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
    this.closeConnection();
  }

  /**
   * @param {object} message
   * @returns {boolean} whether it went out
   */
  send(message) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // ---- messages ----

  /** @param {any} m */
  onMessage(m) {
    switch (m.type) {
      case 'welcome':
        this.attempt = 0;
        this.participant = m.participant;
        this.ownIds.add(m.participant);
        this.role = m.role;
        this.name = typeof m.name === 'string' ? m.name : '';
        if (typeof m.appointment?.id === 'number') this.appointmentId = m.appointment.id;
        this.iceServers = Array.isArray(m.ice_servers) ? m.ice_servers : [];
        this.takingPart = false;
        this.emit('welcome', m);
        if (m.admitted === false) return;  // the waiting room: media after `admitted`
        return this.takePart();
      case 'waiting':
        return this.emit('waiting', {
          position: m.position, queue: m.queue ?? '',
          estimate: typeof m.estimated_wait_seconds === 'number' ? m.estimated_wait_seconds : null,
        });
      case 'admitted':
        this.emit('admitted', {});
        return this.takePart();
      case 'state': return this.onState(m);
      case 'chat': return this.emit('chat', m);
      case 'chat_history': return this.emit('chat-history', Array.isArray(m.messages) ? m.messages : []);
      case 'typing': return this.emit('typing', m);
      case 'recording': return this.emit('recording', m);
      case 'snapshot_request': return this.emit('snapshot-request', m);
      case 'snapshot': return this.emit('snapshot', m);
      // Remote guidance (guide_view.js): each goes to the view under its own name.
      case 'location_request': case 'location': case 'pointer': case 'annotate': case 'board': case 'freeze':
      case 'camera_control': case 'camera':
        return this.emit(m.type, m);
      case 'answer': {
        const pc = this.pc;
        if (!pc) return;
        this.enqueue(pc, async () => {
          await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
          // A restart while still connected changes no state: it is done once answered.
          if (this.restarting && pc.connectionState === 'connected') this.onConnectionState(pc);
        });
        return;
      }
      case 'ice': {
        const pc = this.pc;
        if (pc && m.candidate) this.enqueue(pc, () => pc.addIceCandidate({ candidate: m.candidate, sdpMLineIndex: m.mline }));
        return;
      }
      case 'ended':
        this.stopScreen();
        this.stop();
        this.emit('ended', { reason: m.reason, message: m.message });
        return;
      case 'error':
        if (m.final === true) {  // the server says joining again cannot help
          this.stopScreen();
          this.stop();
          this.emit('fatal', { code: m.code, message: m.message });
          return;
        }
        this.emit('problem', { code: m.code, message: m.message });
        // The server refused the restart's offer: only a new connection can help now.
        if (this.restarting && offerProblems.has(m.code)) this.rejoin();
        return;
      default:
        return;  // pong, media: nothing to do
    }
  }

  /** @param {CallState} state */
  onState(state) {
    this.others = state.participants.filter((p) => p.id !== this.participant && !p.reconnecting);
    this.lost = state.participants.filter((p) => p.reconnecting && !this.ownIds.has(p.id));
    this.stateAt = Date.now();
    this.partner = mediaPartner(this.role, this.others);
    this.emit('state', state);
    this.showRemote();
  }

  // Tells the view what to show of the other participant: their camera while they are here
  // and we have a connection, and their screen while they also say they share it. (For a few
  // seconds after someone joins again, their old connection may still be listed as well.)
  showRemote() {
    const participant = this.pc ? this.partner : '';
    const stream = participant ? this.remoteStream : null;
    if (participant !== this.shown.participant || stream !== this.shown.stream) {
      if (this.shown.participant) this.emit('remote-gone', { participant: this.shown.participant });
      if (participant) this.emit('remote', { participant, stream });
      this.shown = { participant, stream };
    }
    const sharing = this.others.some((p) => p.id === participant && p.sharing);
    const screen = sharing ? this.remoteScreen : null;
    if (screen !== this.shownScreen) {
      this.shownScreen = screen;
      this.emit('screen', { participant, stream: screen });
    }
  }

  // ---- the connection ----

  /** Admitted: the connection, and the screen we already share (a new connection starts without). */
  takePart() {
    this.takingPart = true;
    this.openConnection();
    if (this.screenTrack) this.send({ type: 'screen', sharing: true });
    this.sendDevices();
    if (this.quality) this.send({ type: 'quality', grade: this.quality });
  }

  openConnection() {
    this.closeConnection();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const microphone = pc.addTransceiver(this.local.getAudioTracks()[0] ?? 'audio', { direction: 'sendrecv', streams: [this.local] });
    const camera = pc.addTransceiver(this.local.getVideoTracks()[0] ?? 'video', { direction: 'sendrecv', streams: [this.local] });
    const screen = pc.addTransceiver('video', { direction: 'sendrecv' });
    preferForwardedCodec(microphone, 'audio');
    preferForwardedCodec(camera, 'video');
    preferForwardedCodec(screen, 'video');
    keepResolution(camera.sender);
    if (this.screenTrack) screen.sender.replaceTrack(this.screenTrack).catch(() => {});
    this.pc = pc;
    this.transceivers = { microphone, camera, screen };
    this.queue = Promise.resolve();
    // The receivers' tracks exist from the start; they play once the server forwards to them.
    this.remoteStream = new MediaStream([microphone.receiver.track, camera.receiver.track]);
    this.remoteScreen = new MediaStream([screen.receiver.track]);
    pc.onicecandidate = (event) => {
      const c = event.candidate;
      if (c?.candidate) this.send({ type: 'ice', mline: c.sdpMLineIndex ?? 0, candidate: c.candidate });
    };
    pc.onconnectionstatechange = () => this.onConnectionState(pc);
    this.enqueue(pc, async () => {
      await pc.setLocalDescription(await pc.createOffer());
      this.send({ type: 'offer', sdp: pc.localDescription?.sdp });
    });
    this.showRemote();
  }

  closeConnection() {
    clearTimeout(this.disconnectedTimer);
    clearTimeout(this.restartTimer);
    this.restarting = false;
    this.pc?.close();
    this.pc = null;
    this.transceivers = null;
    this.showRemote();
  }

  /**
   * Runs `work` after the connection's earlier operations (an ICE candidate must not overtake
   * the description it belongs to).
   * @param {RTCPeerConnection} pc
   * @param {() => Promise<void>} work
   */
  enqueue(pc, work) {
    this.queue = this.queue.then(work).catch((e) => {
      if (pc.connectionState !== 'closed') this.emit('problem', { code: 'webrtc', message: String(e) });
    });
  }

  /** @param {RTCPeerConnection} pc */
  onConnectionState(pc) {
    if (pc !== this.pc) return;
    clearTimeout(this.disconnectedTimer);
    switch (pc.connectionState) {
      case 'connected':
        clearTimeout(this.restartTimer);
        this.restarting = false;
        this.emit('status', 'connected');
        return;
      case 'disconnected':
        // Often a blip that heals by itself; if not, restart ICE.
        this.emit('status', 'restarting');
        this.disconnectedTimer = setTimeout(() => this.restartIce(), disconnectedGrace);
        return;
      case 'failed':
        this.restartIce();
        return;
      default:
        return;
    }
  }

  // Looks for a new path on the same connection; the server keeps our connection (and the
  // other participant's view of us) because the offer's session id stays the same.
  restartIce() {
    const pc = this.pc;
    if (!pc || this.restarting) return;
    if (this.socket?.readyState !== WebSocket.OPEN) return this.rejoin();
    this.restarting = true;
    this.emit('status', 'restarting');
    this.restartTimer = setTimeout(() => this.rejoin(), restartGrace);
    this.enqueue(pc, async () => {
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
      this.send({ type: 'offer', sdp: pc.localDescription?.sdp });
    });
  }
}
