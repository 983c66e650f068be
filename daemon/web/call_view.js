// @ts-check
// The in-call screen both pages share: the other participant large (or their shared screen
// large and their camera small), the self view small, and the controls (mute, camera off,
// share screen, hang up, and for specialists "end for all" and, where the server records on
// demand, "record"). Everyone sees while the call records. Pages provide an empty
// <section id="call">.
import { byId } from './dom.js';
import { t } from './i18n.js';
import { canShareScreen } from './protocol.js';
import { QualityWatch } from './network_quality.js';

const markup = `
  <h1 id="call-heading" class="sr-only"></h1>
  <div class="top">
    <p id="call-status" class="status" role="status"></p>
    <p id="call-timer" class="timer" role="timer" hidden></p>
    <button id="own-quality" type="button" class="quality" aria-expanded="false" aria-controls="quality-figures" hidden></button>
    <p id="quality-figures" class="quality-figures" hidden></p>
    <p id="sharing-note" class="sharing-note" role="status" hidden></p>
    <p id="recording-note" class="recording-note" role="status" hidden></p>
    <div id="recording-consent" class="recording-consent" role="alertdialog" aria-labelledby="recording-question" hidden>
      <p id="recording-question"></p>
      <button id="recording-allow" type="button"></button>
      <button id="recording-refuse" type="button"></button>
    </div>
  </div>
  <div class="stage">
    <video id="remote-screen" class="shared-screen" autoplay playsinline muted hidden></video>
    <div id="remotes" class="remotes"></div>
    <div id="remote-avatar" class="avatar" hidden><span id="remote-initials" class="initials" aria-hidden="true"></span><span id="remote-avatar-name"></span></div>
    <p id="remote-label" class="remote-label" hidden><span id="remote-name"></span><span id="remote-muted" class="muted-badge" hidden></span><span id="remote-quality" class="quality" hidden></span></p>
    <video id="self-view" class="self" autoplay playsinline muted></video>
    <p id="self-off" class="self self-off" hidden></p>
    <button id="sound-prompt" type="button" class="sound" hidden></button>
  </div>
  <div class="controls">
    <button id="mute" type="button"></button>
    <button id="camera" type="button"></button>
    <button id="share" type="button"></button>
    <button id="record" type="button" hidden></button>
    <button id="hang-up" type="button"></button>
    <button id="end-all" type="button" class="danger" hidden></button>
  </div>`;

/**
 * "Ada Lovelace" → "AL"; "jdoe" → "J".
 * @param {string} name
 */
function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((word) => [...word][0].toUpperCase()).join('');
}

/**
 * 75 → "1:15"; 3725 → "1:02:05".
 * @param {number} seconds
 */
function clock(seconds) {
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export class CallView {
  /**
   * Fills the page's #call section (once) and runs the call in it. With `onEndForAll`, the
   * view has an "end for all" button.
   * @param {import('./protocol.js').CallSession} session
   * @param {{onLeave: () => void, onEndForAll?: () => void}} handlers
   */
  constructor(session, handlers) {
    const section = byId('call', HTMLElement);
    if (!section.firstElementChild) section.innerHTML = markup;
    this.section = section;
    this.session = session;
    this.remotes = byId('remotes', HTMLElement);
    this.screen = byId('remote-screen', HTMLVideoElement);
    this.self = byId('self-view', HTMLVideoElement);
    this.selfOff = byId('self-off', HTMLElement);
    this.status = byId('call-status', HTMLElement);
    this.sharingNote = byId('sharing-note', HTMLElement);
    this.mute = byId('mute', HTMLButtonElement);
    this.camera = byId('camera', HTMLButtonElement);
    this.share = byId('share', HTMLButtonElement);
    this.hangUp = byId('hang-up', HTMLButtonElement);
    this.soundPrompt = byId('sound-prompt', HTMLButtonElement);
    this.endAll = byId('end-all', HTMLButtonElement);
    this.record = byId('record', HTMLButtonElement);
    this.recordingNote = byId('recording-note', HTMLElement);
    this.consent = byId('recording-consent', HTMLElement);
    this.consentAllow = byId('recording-allow', HTMLButtonElement);
    this.consentRefuse = byId('recording-refuse', HTMLButtonElement);
    /** @type {{active: boolean, by?: string, error?: string, mode?: string, consent?: string}} as the server last said */
    this.recording = { active: false };
    this.avatar = byId('remote-avatar', HTMLElement);
    this.initials = byId('remote-initials', HTMLElement);
    this.avatarName = byId('remote-avatar-name', HTMLElement);
    this.label = byId('remote-label', HTMLElement);
    this.remoteName = byId('remote-name', HTMLElement);
    this.remoteMuted = byId('remote-muted', HTMLElement);
    this.timer = byId('call-timer', HTMLElement);
    this.ownQuality = byId('own-quality', HTMLButtonElement);
    this.qualityFigures = byId('quality-figures', HTMLElement);
    this.remoteQuality = byId('remote-quality', HTMLElement);
    this.ownQuality.onclick = () => {
      const open = this.qualityFigures.hidden;
      this.qualityFigures.hidden = !open;
      this.ownQuality.setAttribute('aria-expanded', String(open));
    };
    this.qualityWatch = new QualityWatch(session, (grade, figures) => this.showOwnQuality(grade, figures));
    /** when this page first saw the other side (Date.now()), for the call timer */
    this.startedAt = 0;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timerTick = undefined;
    /** @type {HTMLVideoElement | null} */
    this.video = null;
    this.alone = true;
    /** whether our own connection is being mended (then the status says so, not the others') */
    this.troubled = false;
    /** the name of the last person we were in the call with, to say they left */
    this.lastPartner = '';
    /** @type {ReturnType<typeof setInterval> | undefined} counts how long the other side is away */
    this.awayTimer = undefined;

    this.endAll.hidden = !handlers.onEndForAll;
    this.share.hidden = !canShareScreen();
    this.self.srcObject = session.local;
    this.self.muted = true;
    this.showControls();
    this.mute.onclick = () => this.toggle('audio');
    this.camera.onclick = () => this.toggle('video');
    this.share.onclick = () => {
      if (session.screenTrack) return session.stopScreen();
      this.share.disabled = true;
      session.shareScreen()
        .catch((e) => console.warn('screen sharing refused', e))  // the user cancelled the picker
        .finally(() => { this.share.disabled = false; });
    };
    this.hangUp.onclick = () => {
      session.leave();
      handlers.onLeave();
    };
    this.endAll.onclick = () => handlers.onEndForAll?.();
    this.record.onclick = () => session.setRecording(!this.recording.active && this.recording.consent !== 'asked');
    this.consentAllow.onclick = () => session.answerRecording(true);
    this.consentRefuse.onclick = () => session.answerRecording(false);
    session.addEventListener('recording', (e) => {
      const m = /** @type {CustomEvent} */ (e).detail;
      this.recording = { ...m, mode: m.mode ?? this.recording.mode };
      this.showRecording();
    });
    this.soundPrompt.onclick = () => {
      this.soundPrompt.hidden = true;
      if (!this.video) return;
      this.video.muted = false;
      this.video.play().catch(() => {});
    };
    session.addEventListener('remote', (e) => this.onRemote(/** @type {CustomEvent} */ (e).detail));
    session.addEventListener('remote-gone', () => this.onRemoteGone());
    session.addEventListener('screen', (e) => this.onScreen(/** @type {CustomEvent} */ (e).detail.stream));
    session.addEventListener('sharing', () => this.showControls());
    session.addEventListener('state', () => {
      this.alone = session.others.length === 0;
      this.showPartner();
      if (!this.troubled) this.showPresence();
    });
    session.addEventListener('status', (e) => {
      const status = /** @type {CustomEvent} */ (e).detail;
      this.troubled = status === 'reconnecting' || status === 'restarting';
      if (this.troubled) clearInterval(this.awayTimer);
      if (status === 'reconnecting') this.showStatus('call.reconnecting');
      if (status === 'restarting') this.showStatus('call.restarting');
      if (status === 'connected') this.showPresence();
    });
  }

  /**
   * @param {string} key
   * @param {Record<string, string>} [vars]
   */
  showStatus(key, vars = {}) {
    this.status.textContent = t(key, vars);
    this.status.dataset.status = key;
  }

  // While our own connection is fine: whether the other side (the customer for staff, staff
  // for the customer) is here, reconnecting (for how long) or has left.
  showPresence() {
    clearInterval(this.awayTimer);
    const otherSide = (/** @type {{role: string}} */ p) => (p.role === 'customer') !== (this.session.role === 'customer');
    const lost = this.session.partner ? undefined : this.session.lost.find(otherSide);
    if (lost) {
      const show = () => {
        const away = Math.round((lost.away_seconds ?? 0) + (Date.now() - this.session.stateAt) / 1000);
        this.showStatus('call.partner_reconnecting', { name: lost.name, time: clock(away) });
      };
      show();
      this.awayTimer = setInterval(show, 1000);
    } else if (!this.session.partner && this.lastPartner) {
      this.showStatus('call.partner_left', { name: this.lastPartner });
    } else if (this.alone) {
      this.showStatus('call.waiting');
    } else {
      this.showStatus('call.connected');
    }
  }

  showControls() {
    const audio = this.session.local.getAudioTracks()[0];
    const video = this.session.local.getVideoTracks()[0];
    const sharing = Boolean(this.session.screenTrack);
    this.mute.textContent = t(audio && !audio.enabled ? 'call.unmute' : 'call.mute');
    this.mute.setAttribute('aria-pressed', String(Boolean(audio && !audio.enabled)));
    this.mute.disabled = !audio;
    this.camera.textContent = t(video && !video.enabled ? 'call.camera_on' : 'call.camera_off');
    this.camera.setAttribute('aria-pressed', String(Boolean(video && !video.enabled)));
    this.camera.disabled = !video;
    this.selfOff.hidden = !video || video.enabled;
    this.selfOff.textContent = t('call.own_camera_off');
    this.share.textContent = t(sharing ? 'call.stop_sharing' : 'call.share_screen');
    this.share.setAttribute('aria-pressed', String(sharing));
    this.sharingNote.textContent = t('call.sharing');
    this.sharingNote.hidden = !sharing;
    this.hangUp.textContent = t('call.hang_up');
    byId('call-heading', HTMLElement).textContent = t('call.heading');
    this.hangUp.classList.toggle('danger', this.endAll.hidden);
    this.endAll.textContent = t('call.end_for_all');
    this.soundPrompt.textContent = t('call.tap_for_sound');
    this.showRecording();
  }

  // While the call records, everyone sees it (and who started it); staff get a button where
  // the server records on demand. Where the customer must agree first, they are asked, and staff
  // see that the question waits or was refused. A recording the server could not save is said so.
  showRecording() {
    const { active, by, error, mode, consent } = this.recording;
    const staff = this.session.role !== 'customer';
    const asked = consent === 'asked';
    const note = active ? (by ? t('call.recording_by', { name: by }) : t('call.recording'))
      : error ? t('call.recording_failed')
        : staff && asked ? t('call.consent_waiting')
          : staff && consent === 'refused' ? t('call.consent_refused') : '';
    this.recordingNote.hidden = !note;
    this.recordingNote.classList.toggle('stopped', !active);
    this.recordingNote.textContent = note;
    const question = !staff && asked && !active;
    if (question && this.consent.hidden) this.consentAllow.focus({ preventScroll: true });
    this.consent.hidden = !question;
    byId('recording-question', HTMLElement).textContent = by ? t('call.consent_ask', { name: by }) : t('call.consent_ask_server');
    this.consentAllow.textContent = t('call.consent_allow');
    this.consentRefuse.textContent = t('call.consent_refuse');
    this.record.hidden = mode !== 'on_demand';
    this.record.textContent = t(active || asked ? 'call.stop_recording' : 'call.record');
    this.record.setAttribute('aria-pressed', String(active || asked));
  }

  /** @param {'audio' | 'video'} kind */
  toggle(kind) {
    const tracks = kind === 'audio' ? this.session.local.getAudioTracks() : this.session.local.getVideoTracks();
    this.session.setDevice(kind, !tracks.some((track) => track.enabled));
    this.showControls();
  }

  // Who the big picture is, and whether their microphone and camera are on (as the last
  // state says): their name, a muted badge, and their name instead of a black picture.
  showPartner() {
    const partner = this.session.others.find((p) => p.id === this.session.partner);
    this.label.hidden = !partner;
    this.avatar.hidden = !partner || partner.video !== false || this.section.classList.contains('presenting');
    if (!partner) return;
    const name = partner.name ?? '';
    this.lastPartner = name;
    if (!this.startedAt) this.startTimer();
    this.remoteName.textContent = name;
    this.remoteMuted.hidden = partner.audio !== false;
    this.remoteMuted.textContent = t('call.muted');
    this.avatarName.textContent = partner.video === false ? t('call.camera_is_off', { name }) : '';
    this.initials.textContent = initials(name);
    this.remoteQuality.hidden = !partner.quality;
    if (partner.quality) {
      this.remoteQuality.dataset.grade = partner.quality;
      this.remoteQuality.textContent = t(`call.partner_quality_${partner.quality}`);
    }
  }

  /**
   * How well we receive the call: the grade, and the figures behind it on hover or tap.
   * @param {import('./network_quality.js').Grade} grade
   * @param {import('./network_quality.js').Figures} figures
   */
  showOwnQuality(grade, { rttMs, lossPercent, kbps }) {
    this.ownQuality.hidden = false;
    this.ownQuality.dataset.grade = grade;
    this.ownQuality.textContent = t(`call.quality_${grade}`);
    this.qualityFigures.textContent = t('call.quality_figures', {
      rtt: rttMs === null ? '?' : String(rttMs),
      loss: lossPercent.toLocaleString(document.documentElement.lang || undefined),
      kbps: kbps.toLocaleString(document.documentElement.lang || undefined),
    });
    this.ownQuality.title = this.qualityFigures.textContent;
  }

  /** @param {{participant: string, stream: MediaStream}} remote */
  onRemote({ participant, stream }) {
    const video = this.video ?? document.createElement('video');
    if (!this.video) {
      video.autoplay = true;
      video.playsInline = true;
      this.remotes.append(video);
      this.video = video;
    }
    video.dataset.participant = participant;
    if (video.srcObject !== stream) video.srcObject = stream;
    // Browsers may refuse sound without a tap (after a reload, say): play muted and ask.
    video.play().catch(() => {
      video.muted = true;
      video.play().catch(() => {});
      this.soundPrompt.hidden = false;
    });
  }

  onRemoteGone() {
    this.video?.remove();
    this.video = null;
  }

  /** @param {MediaStream | null} stream the other participant's screen, or null */
  onScreen(stream) {
    this.screen.srcObject = stream;
    this.screen.hidden = !stream;
    this.section.classList.toggle('presenting', Boolean(stream));
    this.showPartner();
    if (stream) this.screen.play().catch(() => {});
  }

  // The call's length, from when this page first saw the other side, as m:ss (h:mm:ss past an hour).
  startTimer() {
    this.startedAt = Date.now();
    const show = () => {
      this.timer.textContent = clock(Math.floor((Date.now() - this.startedAt) / 1000));
      this.timer.setAttribute('aria-label', t('call.duration', { time: this.timer.textContent }));
    };
    show();
    this.timer.hidden = false;
    this.timerTick = setInterval(show, 1000);
  }

  clear() {
    this.qualityWatch.stop();
    clearInterval(this.awayTimer);
    clearInterval(this.timerTick);
    this.timer.hidden = true;
    this.onRemoteGone();
    this.onScreen(null);
    for (const track of this.session.local.getTracks()) track.stop();
    this.self.srcObject = null;
  }
}
