// @ts-check
// The in-call screen both pages share: remote video large, self view small, and the controls
// (mute, camera off, hang up, and for specialists "end for all"). Pages provide an empty
// <section id="call">.
import { byId } from './dom.js';
import { t } from './i18n.js';

const markup = `
  <div id="remotes" class="remotes"></div>
  <video id="self-view" class="self" autoplay playsinline muted></video>
  <p id="call-status" class="status" role="status"></p>
  <button id="sound-prompt" type="button" class="sound" hidden></button>
  <div class="controls">
    <button id="mute" type="button"></button>
    <button id="camera" type="button"></button>
    <button id="hang-up" type="button"></button>
    <button id="end-all" type="button" class="danger" hidden></button>
  </div>`;

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
    this.session = session;
    this.remotes = byId('remotes', HTMLElement);
    this.self = byId('self-view', HTMLVideoElement);
    this.status = byId('call-status', HTMLElement);
    this.mute = byId('mute', HTMLButtonElement);
    this.camera = byId('camera', HTMLButtonElement);
    this.hangUp = byId('hang-up', HTMLButtonElement);
    this.soundPrompt = byId('sound-prompt', HTMLButtonElement);
    this.endAll = byId('end-all', HTMLButtonElement);
    /** @type {Map<string, HTMLVideoElement>} */
    this.videos = new Map();
    this.alone = true;

    this.endAll.hidden = !handlers.onEndForAll;
    this.self.srcObject = session.local;
    this.self.muted = true;
    this.showControls();
    this.mute.onclick = () => this.toggle('audio');
    this.camera.onclick = () => this.toggle('video');
    this.hangUp.onclick = () => {
      session.leave();
      handlers.onLeave();
    };
    this.endAll.onclick = () => handlers.onEndForAll?.();
    this.soundPrompt.onclick = () => {
      this.soundPrompt.hidden = true;
      for (const video of this.videos.values()) {
        video.muted = false;
        video.play().catch(() => {});
      }
    };
    session.addEventListener('remote', (e) => this.onRemote(/** @type {CustomEvent} */ (e).detail));
    session.addEventListener('remote-gone', (e) => this.onRemoteGone(/** @type {CustomEvent} */ (e).detail.participant));
    session.addEventListener('state', (e) => {
      const state = /** @type {CustomEvent} */ (e).detail;
      this.alone = state.participants.length < 2;
      this.showStatus(this.alone ? 'call.waiting' : 'call.connected');
    });
    session.addEventListener('status', (e) => {
      const status = /** @type {CustomEvent} */ (e).detail;
      if (status === 'reconnecting') this.showStatus('call.reconnecting');
      if (status === 'connected') this.showStatus(this.alone ? 'call.waiting' : 'call.connected');
    });
  }

  /** @param {string} key */
  showStatus(key) {
    this.status.textContent = t(key);
    this.status.dataset.status = key;
  }

  showControls() {
    const audio = this.session.local.getAudioTracks()[0];
    const video = this.session.local.getVideoTracks()[0];
    this.mute.textContent = t(audio && !audio.enabled ? 'call.unmute' : 'call.mute');
    this.mute.setAttribute('aria-pressed', String(Boolean(audio && !audio.enabled)));
    this.mute.disabled = !audio;
    this.camera.textContent = t(video && !video.enabled ? 'call.camera_on' : 'call.camera_off');
    this.camera.setAttribute('aria-pressed', String(Boolean(video && !video.enabled)));
    this.camera.disabled = !video;
    this.hangUp.textContent = t('call.hang_up');
    this.hangUp.classList.toggle('danger', this.endAll.hidden);
    this.endAll.textContent = t('call.end_for_all');
    this.soundPrompt.textContent = t('call.tap_for_sound');
  }

  // Disabling a track sends silence or black frames, so the connection stays as it is.
  /** @param {'audio' | 'video'} kind */
  toggle(kind) {
    for (const track of this.session.local.getTracks()) {
      if (track.kind === kind) track.enabled = !track.enabled;
    }
    this.showControls();
  }

  /** @param {{participant: string, stream: MediaStream}} remote */
  onRemote({ participant, stream }) {
    let video = this.videos.get(participant);
    if (!video) {
      video = document.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      video.dataset.participant = participant;
      this.remotes.append(video);
      this.videos.set(participant, video);
    }
    if (video.srcObject !== stream) video.srcObject = stream;
    // Browsers may refuse sound without a tap (after a reload, say): play muted and ask.
    video.play().catch(() => {
      if (!video) return;
      video.muted = true;
      video.play().catch(() => {});
      this.soundPrompt.hidden = false;
    });
  }

  /** @param {string} participant */
  onRemoteGone(participant) {
    this.videos.get(participant)?.remove();
    this.videos.delete(participant);
  }

  clear() {
    for (const video of this.videos.values()) video.remove();
    this.videos.clear();
    for (const track of this.session.local.getTracks()) track.stop();
    this.self.srcObject = null;
  }
}
