// @ts-check
// The pre-call test, /test: whether this browser can make calls, the camera (its picture and
// what it can do), the microphone's level, the speaker, and the network to this server
// (network_test.js), then one verdict with what to do about each problem, in the page's language.
import { byId } from './dom.js';
import { startLanguage, t } from './i18n.js';
import { MicrophoneLevel, browserCanCall, deviceProblem, playTestSound } from './device_check.js';
import { networkVerdict, runNetworkTest } from './network_test.js';
import { applyBranding } from './branding.js';

/** @typedef {{language: string, branding?: import('./branding.js').Branding}} CheckInfo */

/** @type {CheckInfo} */
const info = JSON.parse(byId('check-info', HTMLScriptElement).textContent ?? '{}');

const supported = browserCanCall();

/**
 * What the test found so far; render() shows it in the current language.
 * @type {{camera: MediaTrackCapabilities & {settings?: MediaTrackSettings} | null, deviceProblem: string | null,
 *   heard: boolean | null, speakerNote: string, progress: number, running: boolean,
 *   figures: import('./network_test.js').NetworkFigures | null}}
 */
const found = { camera: null, deviceProblem: null, heard: null, speakerNote: '', progress: 0, running: false, figures: null };

/** @type {MediaStream | null} */
let stream = null;
/** @type {MicrophoneLevel | null} */
let level = null;

const number = (/** @type {number} */ n, digits = 0) =>
  new Intl.NumberFormat(document.documentElement.lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);

function cameraFacts() {
  const c = found.camera;
  if (!c) return '';
  const parts = [];
  const s = c.settings;
  if (s?.width && s?.height) parts.push(t('check.camera_size', { size: `${s.width}×${s.height}` }));
  const facing = /** @type {string[]} */ (c.facingMode ?? []);
  if (facing.includes('user') || facing.includes('environment'))
    parts.push(t(facing.includes('environment') ? 'check.camera_rear' : 'check.camera_front'));
  parts.push(t(/** @type {any} */ (c).torch ? 'check.camera_torch' : 'check.camera_no_torch'));
  const zoom = /** @type {any} */ (c).zoom;
  parts.push(zoom && zoom.max > zoom.min ? t('check.camera_zoom', { max: number(zoom.max, 1) }) : t('check.camera_no_zoom'));
  return parts.join(' · ');
}

/** @param {import('./network_test.js').Path | null} path */
function pathText(path) {
  if (!path) return '—';
  const protocol = (path.relayProtocol ?? path.protocol ?? '').toUpperCase();
  return t(`check.path.${['host', 'srflx', 'prflx', 'relay'].includes(path.candidate) ? path.candidate : 'host'}`, { protocol });
}

/** The verdict of everything found: the worst grade, device advice first. */
function verdict() {
  const network = found.figures ? networkVerdict(found.figures) : { grade: 'good', advice: [] };
  const advice = [];
  let grade = network.grade;
  if (found.deviceProblem) {
    advice.push(found.deviceProblem);
    grade = 'failed';
  }
  if (found.heard === false) {
    advice.push('check.advice.speaker');
    if (grade === 'good') grade = 'fair';
  }
  return { grade, advice: [...advice, ...network.advice] };
}

function render() {
  byId('browser-check', HTMLElement).textContent = t(supported ? 'check.browser_ok' : 'unsupported.text');
  byId('browser-check', HTMLElement).dataset.ok = String(supported);
  byId('check-start', HTMLButtonElement).hidden = !supported || found.running || found.figures !== null;
  byId('camera-facts', HTMLElement).textContent = cameraFacts();
  byId('check-speaker-note', HTMLElement).textContent = found.speakerNote ? t(found.speakerNote) : '';
  const problem = byId('device-problem', HTMLElement);
  problem.hidden = !found.deviceProblem;
  problem.textContent = found.deviceProblem ? t(found.deviceProblem) : '';
  byId('network-progress', HTMLProgressElement).value = found.progress;
  byId('network-status', HTMLElement).textContent = found.running
    ? t('check.measuring', { percent: number(Math.round(found.progress * 100)) })
    : found.figures ? t(found.figures.error ? 'check.not_measured' : 'check.measured') : '';
  const f = found.figures;
  const figures = byId('network-figures', HTMLElement);
  figures.hidden = !f || Boolean(f.error);
  if (f && !f.error) {
    const ms = (/** @type {number | null} */ v) => (v === null ? '—' : t('check.ms', { n: number(v) }));
    byId('figure-path', HTMLElement).textContent = pathText(f.path);
    byId('figure-rtt', HTMLElement).textContent = ms(f.rttMs);
    byId('figure-jitter', HTMLElement).textContent = ms(f.jitterMs);
    byId('figure-loss', HTMLElement).textContent = t('check.loss_both', {
      up: f.lossUpPercent === null ? '—' : number(f.lossUpPercent, 1),
      down: f.lossDownPercent === null ? '—' : number(f.lossDownPercent, 1) });
    byId('figure-bitrate', HTMLElement).textContent = f.kbps === null ? '—' : t('check.kbps', { n: number(f.kbps) });
    byId('figure-mos', HTMLElement).textContent = f.mos === null ? '—' : t('check.mos_value', { n: number(f.mos, 1) });
    for (const [id, value] of /** @type {const} */ ([['figure-rtt', f.rttMs], ['figure-jitter', f.jitterMs],
      ['figure-bitrate', f.kbps], ['figure-mos', f.mos]]))
      byId(id, HTMLElement).dataset.value = String(value);
    byId('figure-loss', HTMLElement).dataset.up = String(f.lossUpPercent);
    byId('figure-loss', HTMLElement).dataset.down = String(f.lossDownPercent);
    byId('figure-path', HTMLElement).dataset.candidate = f.path?.candidate ?? '';
  }
  const box = byId('verdict', HTMLElement);
  box.hidden = found.running || !found.figures;
  if (!box.hidden) {
    const { grade, advice } = verdict();
    box.dataset.grade = grade;
    byId('verdict-title', HTMLElement).textContent = t(`check.verdict.${grade}`);
    const list = byId('verdict-advice', HTMLUListElement);
    list.replaceChildren(...advice.map((key) => {
      const item = document.createElement('li');
      item.dataset.key = key;
      item.textContent = t(key);
      return item;
    }));
  }
}

async function openDevices() {
  byId('devices-step', HTMLElement).hidden = false;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  } catch (e) {
    found.deviceProblem = deviceProblem(e, navigator.userAgent, navigator.maxTouchPoints);
    return;
  }
  const video = byId('check-video', HTMLVideoElement);
  video.srcObject = stream;
  video.hidden = false;
  const camera = stream.getVideoTracks()[0];
  if (camera) found.camera = { ...(camera.getCapabilities?.() ?? {}), settings: camera.getSettings() };
  byId('check-level-label', HTMLElement).hidden = false;
  level = new MicrophoneLevel(stream, byId('check-level', HTMLMeterElement));
}

async function runAll() {
  found.running = true;
  found.progress = 0;
  found.figures = null;
  render();
  if (!stream && !found.deviceProblem) await openDevices();
  byId('network-step', HTMLElement).hidden = false;
  render();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/v1/echo`;
  found.figures = await runNetworkTest(url, (done) => {
    found.progress = done;
    render();
  });
  found.running = false;
  render();
}

function setUp() {
  if (info.branding) applyBranding(info.branding);
  startLanguage(info.language, render);
  byId('check-start', HTMLButtonElement).onclick = () => runAll();
  byId('check-again', HTMLButtonElement).onclick = () => runAll();
  byId('check-speaker', HTMLButtonElement).onclick = async () => {
    const say = (/** @type {string} */ key) => {
      found.speakerNote = key;
      render();
    };
    say('preview.speaker_playing');
    try {
      await playTestSound();
      byId('heard', HTMLElement).hidden = false;
      say('check.heard');
    } catch {
      say('preview.speaker_failed');
    }
  };
  for (const [id, heard] of /** @type {const} */ ([['heard-yes', true], ['heard-no', false]]))
    byId(id, HTMLButtonElement).onclick = () => {
      found.heard = heard;
      byId('heard', HTMLElement).hidden = true;
      found.speakerNote = heard ? 'check.heard_ok' : 'check.advice.speaker';
      render();
    };
  addEventListener('pagehide', () => {
    level?.stop();
    stream?.getTracks().forEach((track) => track.stop());
  });
  render();
}

setUp();
