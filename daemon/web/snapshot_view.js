// @ts-check
// Photos in a call. Staff get a "photo" button and a strip of the call's photos (each opens at
// full size). The customer's page answers a request with a still from its camera, the camera's
// own photo where the browser can take one (ImageCapture), else the live track's current frame
// at its full size, sent as a JPEG; when it cannot, it says so and the server takes a frame of
// the video instead. The customer sees when a photo of their camera is asked for and taken.
import { PassingNote, byId } from './dom.js';
import { t } from './i18n.js';

const jpegQuality = 0.92;
// How long staff wait for an answer before the button may be pressed again.
const requestPatience = 20000;

/**
 * @param {HTMLCanvasElement} canvas
 * @returns {Promise<Blob>}
 */
function canvasJpeg(canvas) {
  return new Promise((resolve, reject) => canvas.toBlob(
    (blob) => (blob ? resolve(blob) : reject(new Error('the picture could not be encoded'))), 'image/jpeg', jpegQuality));
}

/**
 * @param {CanvasImageSource} source
 * @param {number} width
 * @param {number} height
 */
function drawJpeg(source, width, height) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no canvas');
  context.drawImage(source, 0, 0, width, height);
  return canvasJpeg(canvas);
}

/**
 * A still of the camera `track` as a JPEG, as large as the camera gives.
 * @param {MediaStreamTrack} track
 * @returns {Promise<Blob>}
 */
export async function captureStill(track) {
  const Capture = /** @type {any} */ (window).ImageCapture;
  if (Capture) {
    try {
      const photo = /** @type {Blob} */ (await new Capture(track).takePhoto());
      if (photo.type === 'image/jpeg') return photo;
      const bitmap = await createImageBitmap(photo);
      return await drawJpeg(bitmap, bitmap.width, bitmap.height);
    } catch (e) {
      console.warn('takePhoto failed, taking a frame of the track', e);
    }
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  await video.play();
  try {
    return await drawJpeg(video, video.videoWidth, video.videoHeight);
  } finally {
    video.srcObject = null;
  }
}

export class SnapshotView {
  /**
   * After the CallView filled #call.
   * @param {import('./protocol.js').CallSession} session
   * @param {{headers: () => Record<string, string>}} access how this page reaches the API
   */
  constructor(session, access) {
    this.session = session;
    this.access = access;
    const section = byId('call', HTMLElement);
    if (!document.getElementById('photo')) {
      const button = document.createElement('button');
      button.id = 'photo';
      button.type = 'button';
      button.hidden = true;
      section.querySelector('.controls')?.insertBefore(button, document.getElementById('hang-up'));
      const note = PassingNote.create('photo-note', 'photo-note').element;
      const strip = document.createElement('ul');
      strip.id = 'photos';
      strip.className = 'call-photos';
      strip.hidden = true;
      section.querySelector('.top')?.append(note, strip);
    }
    this.button = byId('photo', HTMLButtonElement);
    this.note = new PassingNote(byId('photo-note', HTMLElement));
    this.strip = byId('photos', HTMLElement);
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.patience = undefined;
    this.button.onclick = () => {
      this.button.disabled = true;
      this.show('call.photo_taking');
      session.takeSnapshot();
      this.patience = setTimeout(() => this.ready(), requestPatience);
    };
    session.addEventListener('welcome', () => {
      this.button.hidden = session.role === 'customer';
      this.translate();
    });
    session.addEventListener('snapshot-request', (e) => this.answer(/** @type {CustomEvent} */ (e).detail.request));
    session.addEventListener('snapshot', (e) => this.onSnapshot(/** @type {CustomEvent} */ (e).detail));
    this.translate();
  }

  translate() {
    this.button.textContent = t('call.photo');
    this.strip.setAttribute('aria-label', t('call.photos'));
  }

  /**
   * Customer: take the still asked for and send it, or say it cannot be.
   * @param {string} request
   */
  async answer(request) {
    this.show('call.photo_requested');
    const track = this.session.local.getVideoTracks()[0];
    try {
      if (!track || track.readyState !== 'live' || !track.enabled) throw new Error('camera_off');
      const still = await captureStill(track);
      const response = await fetch(`/api/v1/appointments/${this.session.appointmentId}/snapshots?request=${encodeURIComponent(request)}`, {
        method: 'POST', headers: { ...this.access.headers(), 'Content-Type': 'image/jpeg' }, body: still,
      });
      if (response.status !== 201) throw new Error(`upload refused (${response.status})`);
    } catch (e) {
      this.session.snapshotUnavailable(request, e instanceof Error ? e.message : String(e));
    }
  }

  /** @param {{id?: number, source?: string, width?: number, height?: number, error?: string, request?: string}} m */
  onSnapshot(m) {
    if (m.error) {
      this.ready();
      const known = { customer_left: 'call.photo_customer_left', camera_off: 'call.photo_camera_off' };
      return this.show(known[/** @type {'customer_left' | 'camera_off'} */ (m.error)] ?? 'call.photo_failed');
    }
    if (typeof m.id !== 'number') return;
    if (this.session.role === 'customer') return this.show('call.photo_taken_customer');
    this.ready();
    this.show('call.photo_taken');
    const link = document.createElement('a');
    const url = `/api/v1/snapshots/${m.id}/content?inline=1`;
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener';
    const image = document.createElement('img');
    image.src = url;
    image.alt = t('call.photo_alt', {
      number: String(this.strip.children.length + 1), width: String(m.width), height: String(m.height),
      source: t(m.source === 'server' ? 'call.photo_from_video' : 'call.photo_from_camera'),
    });
    link.append(image);
    const item = document.createElement('li');
    item.dataset.snapshot = String(m.id);
    item.append(link);
    this.strip.append(item);
    this.strip.hidden = false;
  }

  ready() {
    clearTimeout(this.patience);
    this.button.disabled = false;
  }

  /** @param {string} key */
  show(key) {
    this.note.say(t(key));
  }

  clear() {
    this.ready();
    this.note.hide();
    this.strip.replaceChildren();
    this.strip.hidden = true;
  }
}
