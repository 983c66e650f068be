// @ts-check
// The customer's page, /j/<token>: explains a link that cannot be used, else asks for consent,
// previews the camera and microphone, and runs the call. After a reload during a call it joins
// again at once (the tab remembers that it was in the call).
import { CallView } from './call_view.js';
import { ChatView } from './chat_view.js';
import { SnapshotView } from './snapshot_view.js';
import { GuideView } from './guide_view.js';
import { byId, showScreen } from './dom.js';
import { formatTime, formatWaited, hasText, startLanguage, t } from './i18n.js';
import { CallSession } from './protocol.js';
import { MicrophoneLevel, browserCanCall, deviceProblem, playTestSound } from './device_check.js';
import { applyBranding } from './branding.js';

/**
 * @typedef {{status: string, language: string, role?: string, customer_name?: string,
 *   starts_at?: string, valid_from?: string, terms?: string, privacy?: string, specialist_name?: string,
 *   recording?: {mode: string, consent: string},
 *   branding?: import('./branding.js').Branding}} LinkInfo
 */

/** @type {LinkInfo} */
const link = JSON.parse(byId('link', HTMLScriptElement).textContent ?? '{}');
const token = decodeURIComponent(location.pathname.slice('/j/'.length));
const inCallKey = 'assist.in-call';

/** @type {() => void} */
let render = () => {};

function inCall() {
  return sessionStorage.getItem(inCallKey) === token;
}

/**
 * Shows a page-sized message; `text` is called again when the language changes.
 * @param {string} title a key
 * @param {() => string} text
 * @param {{label: string, run: () => void}} [action]
 */
function notice(title, text, action) {
  render = () => {
    byId('notice-title', HTMLElement).textContent = t(title);
    byId('notice-text', HTMLElement).textContent = text();
    const button = byId('notice-action', HTMLButtonElement);
    button.hidden = !action;
    if (action) {
      button.textContent = t(action.label);
      button.onclick = action.run;
    }
  };
  render();
  showScreen('notice');
}

// Why a link cannot be used: the server's code (a refused link, "replaced"), explained in the
// page's words when it has them.
/** @param {string} code */
function linkNotice(code) {
  const known = hasText(`refused.${code}.title`) ? code : 'invalid_token';
  // Too early is the time to test the device and the network (/test, in a tab of its own).
  const test = { label: 'check.link', run: () => { window.open('/test', '_blank', 'noopener'); } };
  notice(`refused.${known}.title`,
    () => t(`refused.${known}.text`, { time: link.valid_from ? formatTime(link.valid_from) : '' }),
    code === 'too_early' ? test : undefined);
  // Too early: the page opens by itself once the link works (checking again at least every
  // few hours, which also keeps within what setTimeout can wait).
  if (code === 'too_early' && link.valid_from) {
    const wait = Date.parse(link.valid_from) - Date.now();
    setTimeout(() => location.reload(), Math.min(Math.max(0, wait) + 1000, 6 * 3600 * 1000));
  }
}

function showConsent() {
  render = () => {
    byId('greeting', HTMLElement).textContent = t('consent.greeting', { name: link.customer_name ?? '' });
    byId('when', HTMLElement).textContent = link.starts_at ? t('consent.when', { time: formatTime(link.starts_at) }) : '';
    byId('terms', HTMLElement).textContent = link.terms || t('consent.default_terms');
    byId('privacy', HTMLElement).textContent = link.privacy || t('consent.default_privacy');
    // Told before joining whether the call may be recorded, as the server is set up.
    const notice = byId('recording-notice', HTMLElement);
    const { mode = 'off', consent = 'notify' } = link.recording ?? {};
    notice.hidden = mode === 'off';
    if (mode !== 'off') {
      notice.textContent = t(consent === 'require' ? 'consent.recording_asked'
        : mode === 'always' ? 'consent.recording_always' : 'consent.recording_possible');
    }
  };
  render();
  const accept = byId('accept', HTMLInputElement);
  const next = byId('continue', HTMLButtonElement);
  accept.onchange = () => { next.disabled = !accept.checked; };
  next.onclick = () => showPreview();
  showScreen('consent');
}

/** @type {MediaStream | null} */
let preview = null;
/** @type {MicrophoneLevel | null} */
let level = null;

/**
 * The camera and microphone; with no camera (or none that works), the microphone alone, and
 * the call goes on with sound only.
 * @param {string} [cameraId]
 * @param {string} [microphoneId]
 */
async function openDevices(cameraId, microphoneId) {
  const audio = microphoneId ? { deviceId: { exact: microphoneId } } : true;
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio,
      // zoom: the camera's own zoom is offered (getCapabilities) only to pages that ask for it.
      video: /** @type {any} */ ({
        width: { ideal: 640 }, height: { ideal: 480 }, zoom: true,
        ...(cameraId ? { deviceId: { exact: cameraId } } : { facingMode: 'user' }),
      }),
    });
  } catch (e) {
    if (!(e instanceof DOMException) || !['NotFoundError', 'NotReadableError', 'OverconstrainedError'].includes(e.name)) throw e;
    return navigator.mediaDevices.getUserMedia({ audio });
  }
}

/**
 * @param {HTMLSelectElement} select
 * @param {MediaDeviceInfo[]} devices
 * @param {string} kind
 * @param {MediaStreamTrack | undefined} current
 */
function fillChoices(select, devices, kind, current) {
  select.replaceChildren();
  for (const device of devices.filter((d) => d.kind === kind)) {
    const option = new Option(device.label || device.deviceId.slice(0, 8), device.deviceId);
    option.selected = device.deviceId === current?.getSettings().deviceId;
    select.append(option);
  }
}

/**
 * Shows the text `key` in `element`, and again in the new language after a switch.
 * @param {HTMLElement} element
 * @param {string} key
 */
function say(element, key) {
  element.dataset.text = key;
  element.textContent = t(key);
}

// The preview's tracks follow the "join with … off" boxes, and the call starts with them so.
function applyJoinChoices() {
  for (const track of preview?.getAudioTracks() ?? []) track.enabled = !byId('join-muted', HTMLInputElement).checked;
  for (const track of preview?.getVideoTracks() ?? []) track.enabled = !byId('join-camera-off', HTMLInputElement).checked;
}

async function showPreview() {
  showScreen('preview');
  const video = byId('preview-video', HTMLVideoElement);
  const cameras = byId('camera-choice', HTMLSelectElement);
  const microphones = byId('microphone-choice', HTMLSelectElement);
  const problem = byId('preview-error', HTMLElement);
  const note = byId('preview-note', HTMLElement);
  const choices = byId('preview-devices', HTMLElement);
  const join = byId('join', HTMLButtonElement);
  const speaker = byId('speaker-test', HTMLButtonElement);
  const speakerNote = byId('speaker-note', HTMLElement);
  const open = async () => {
    level?.stop();
    level = null;
    preview?.getTracks().forEach((track) => track.stop());
    preview = null;
    try {
      preview = await openDevices(cameras.value || undefined, microphones.value || undefined);
      problem.hidden = true;
      choices.hidden = false;
      join.textContent = t('preview.join');
      join.onclick = () => startCall();
      const hasCamera = preview.getVideoTracks().length > 0;
      video.hidden = !hasCamera;
      video.srcObject = hasCamera ? preview : null;
      note.hidden = hasCamera;
      say(note, 'preview.sound_only');
      byId('camera-label', HTMLElement).hidden = !hasCamera;
      byId('join-camera-off-label', HTMLElement).hidden = !hasCamera;
      applyJoinChoices();
      level = new MicrophoneLevel(preview, byId('mic-level', HTMLMeterElement));
      const devices = await navigator.mediaDevices.enumerateDevices();
      fillChoices(cameras, devices, 'videoinput', preview.getVideoTracks()[0]);
      fillChoices(microphones, devices, 'audioinput', preview.getAudioTracks()[0]);
    } catch (e) {
      console.warn('camera or microphone refused', e);
      // Empty drop-downs would only puzzle: what to do instead, in this browser's terms.
      choices.hidden = true;
      video.hidden = true;
      note.hidden = true;
      say(problem, deviceProblem(e, navigator.userAgent, navigator.maxTouchPoints));
      problem.hidden = false;
      join.textContent = t('preview.retry');
      join.onclick = () => open();
    }
  };
  cameras.onchange = open;
  microphones.onchange = open;
  byId('join-muted', HTMLInputElement).onchange = applyJoinChoices;
  byId('join-camera-off', HTMLInputElement).onchange = applyJoinChoices;
  speaker.onclick = () => {
    speaker.disabled = true;
    say(speakerNote, 'preview.speaker_playing');
    playTestSound()
      .then(() => say(speakerNote, 'preview.speaker_done'))
      .catch(() => say(speakerNote, 'preview.speaker_failed'))
      .finally(() => { speaker.disabled = false; });
  };
  await open();
}

async function startCall() {
  let local = preview;
  preview = null;
  level?.stop();
  level = null;
  if (!local) {
    try {
      local = await openDevices();
    } catch {
      return showPreview();
    }
  }
  sessionStorage.setItem(inCallKey, token);
  const session = new CallSession({ token }, local);
  /** @type {any} */ (window).assistCall = session;
  const view = new CallView(session, {
    onLeave: () => {
      view.clear();
      chat.clear();
      photos.clear();
      guide.clear();
      sessionStorage.removeItem(inCallKey);
      notice('left.title', () => t('left.text'), { label: 'left.rejoin', run: () => startCall() });
    },
  });
  // The files API takes the join token as a bearer token.
  const chat = new ChatView(session, { headers: () => ({ Authorization: `Bearer ${token}` }), previews: false });
  const photos = new SnapshotView(session, { headers: () => ({ Authorization: `Bearer ${token}` }) });
  const guide = new GuideView(session, { headers: () => ({ Authorization: `Bearer ${token}` }) });
  render = () => {
    view.showControls();
    chat.translate();
    photos.translate();
    guide.translate();
    waiting.translate();
  };
  const waiting = new WaitingRoom(local);
  session.addEventListener('waiting', (e) => waiting.show(/** @type {CustomEvent} */ (e).detail));
  session.addEventListener('admitted', () => {
    waiting.hide();
    showScreen('call');
  });
  session.addEventListener('ended', (e) => {
    const { reason, message } = /** @type {CustomEvent} */ (e).detail;
    waiting.hide();
    view.clear();
    chat.clear();
    photos.clear();
    guide.clear();
    sessionStorage.removeItem(inCallKey);
    // Sent away from the waiting room: the specialist's own words, else ours.
    if (reason === 'declined' || reason === 'queue_closed')
      notice(`ended.${reason}.title`, () => message || t(`ended.${reason}.text`));
    else notice('ended.title', () => t('ended.text'));
  });
  session.addEventListener('fatal', (e) => {
    const { code, message } = /** @type {CustomEvent} */ (e).detail;
    view.clear();
    chat.clear();
    photos.clear();
    guide.clear();
    sessionStorage.removeItem(inCallKey);
    if (hasText(`refused.${code}.title`)) linkNotice(code);
    else notice('failed.title', () => message);
  });
  view.showStatus('call.waiting');
  showScreen('call');
  session.join();
}

/** The waiting room: our place in line, the estimate, how long we have waited, our camera. */
class WaitingRoom {
  /** @param {MediaStream} local */
  constructor(local) {
    this.local = local;
    /** @type {{position: number, estimate: number | null, queue: string} | null} */
    this.place = null;
    this.since = 0;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.clock = undefined;
  }

  /** @param {{position: number, estimate: number | null, queue: string}} place */
  show(place) {
    this.place = place;
    if (!this.clock) {
      this.since = Date.now();
      this.clock = setInterval(() => this.translate(), 1000);
      byId('waiting-video', HTMLVideoElement).srcObject = this.local;
      showScreen('waiting');
    }
    this.translate();
  }

  hide() {
    clearInterval(this.clock);
    this.clock = undefined;
    this.place = null;
  }

  translate() {
    if (!this.place) return;
    const { position, estimate } = this.place;
    // Who will take the call: the appointment's specialist, of the company.
    const name = link.specialist_name ?? '';
    const company = link.branding?.name ?? '';
    const host = byId('waiting-host', HTMLElement);
    host.hidden = !name && !company;
    host.textContent = name && company ? t('waiting.host_company', { name, company })
      : name ? t('waiting.host', { name }) : t('waiting.company', { company });
    byId('waiting-position', HTMLElement).textContent =
      position === 1 ? t('waiting.next') : t('waiting.position', { position: String(position) });
    byId('waiting-estimate', HTMLElement).textContent = estimate === null
      ? t('waiting.estimate_unknown')
      : t('waiting.estimate', { minutes: String(Math.max(1, Math.round(estimate / 60))) });
    byId('waiting-since', HTMLElement).textContent =
      t('waiting.since', { time: formatWaited((Date.now() - this.since) / 1000) });
  }
}

function start() {
  const title = applyBranding(link.branding);
  startLanguage(link.language, () => {
    title();
    render();
  });
  if (link.status !== 'ok') return linkNotice(link.status);
  if (!browserCanCall()) return notice('unsupported.title', () => t('unsupported.text'));
  if (inCall()) return startCall();
  showConsent();
}

start();
