// @ts-check
// Staff steering the customer's camera. The customer's page says what its camera can do
// (switch front/rear, a torch, how far it zooms, and whether the customer allows it) once in
// the call and after every change; staff get buttons for what it can do, greyed out with the
// reason for what it cannot. A control is applied by the customer's page and shown to the
// customer. Where the camera has no zoom of its own, the page zooms by cropping the picture
// on a canvas before sending it ("digital"), up to 4x.
import { PassingNote } from './dom.js';
import { t } from './i18n.js';

const allowKey = 'assist.camera-control';
const digitalZoomMax = 4;
const zoomSteps = [1, 1.5, 2, 3, 4, 6, 8, 10];

/**
 * @typedef {{participant?: string, facing?: string, can_flip: boolean, torch: boolean, torch_on?: boolean,
 *   zoom?: number, zoom_max?: number, zoom_kind?: string, control: boolean, error?: string}} Camera
 */

/**
 * Sends a cropped, enlarged copy of a camera track: the centre 1/factor of each frame, drawn on a
 * canvas at the camera's own size and captured as a track of its own.
 */
class DigitalZoom {
  /**
   * @param {MediaStreamTrack} camera
   * @param {number} factor
   */
  constructor(camera, factor) {
    this.camera = camera;
    this.factor = factor;
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = new MediaStream([camera]);
    this.canvas = document.createElement('canvas');
    const { width = 640, height = 480, frameRate = 30 } = camera.getSettings();
    this.canvas.width = width;
    this.canvas.height = height;
    this.output = this.canvas.captureStream(frameRate).getVideoTracks()[0];
    this.stopped = false;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    this.video.play().catch(() => {});
    this.draw();
    // A timer rather than animation frames: these stop while the tab is in the background.
    this.timer = setInterval(() => this.draw(), 1000 / frameRate);
  }

  draw() {
    const { videoWidth: w, videoHeight: h } = this.video;
    const g = this.canvas.getContext('2d');
    if (this.stopped || !w || !h || !g) return;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const cw = w / this.factor;
    const ch = h / this.factor;
    g.drawImage(this.video, (w - cw) / 2, (h - ch) / 2, cw, ch, 0, 0, w, h);
  }

  stop() {
    this.stopped = true;
    clearInterval(this.timer);
    this.output.stop();
    this.video.srcObject = null;
  }
}

export class CameraView {
  /**
   * @param {import('./protocol.js').CallSession} session
   * @param {{tools: HTMLElement, top: HTMLElement}} places the guide tool bar's camera group; the call's top area
   */
  constructor(session, { tools, top }) {
    this.session = session;
    const make = (/** @type {string} */ id) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = id;
      return b;
    };
    this.flipButton = make('camera-flip');
    this.torchButton = make('camera-torch');
    this.zoomOut = make('camera-zoom-out');
    this.zoomIn = make('camera-zoom-in');
    this.zoomLabel = document.createElement('span');
    this.zoomLabel.className = 'zoom-label';
    this.zoomLabel.id = 'camera-zoom';
    this.why = document.createElement('p');
    this.why.className = 'camera-why';
    this.why.id = 'camera-why';
    const allow = document.createElement('label');
    allow.className = 'check';
    this.allow = document.createElement('input');
    this.allow.type = 'checkbox';
    this.allow.id = 'camera-allow';
    this.allowText = document.createElement('span');
    allow.append(this.allow, ' ', this.allowText);
    this.allowLabel = allow;
    this.zoomGroup = document.createElement('span');
    this.zoomGroup.className = 'zoom';
    this.zoomGroup.append(this.zoomOut, this.zoomLabel, this.zoomIn);
    tools.append(this.flipButton, this.torchButton, this.zoomGroup, this.why, allow);
    this.note = PassingNote.create('camera-note', 'photo-note');
    top.append(this.note.element);

    /** @type {Camera | null} staff: the customer's camera as last reported */
    this.remote = null;
    /** @type {number | null} staff: the zoom asked for and not yet reported */
    this.zoomAsked = null;
    // Customer: what the camera does now.
    this.allowed = sessionStorage.getItem(allowKey) !== 'no';
    this.allow.checked = this.allowed;
    this.torchOn = false;
    this.zoom = 1;
    /** @type {DigitalZoom | null} */
    this.digital = null;
    this.error = '';
    /** @type {Promise<void>} controls applied one after another */
    this.applying = Promise.resolve();

    this.allow.onchange = () => {
      this.allowed = this.allow.checked;
      sessionStorage.setItem(allowKey, this.allowed ? 'yes' : 'no');
      this.report();
    };
    this.flipButton.onclick = () => session.send({ type: 'camera_control', action: 'flip' });
    this.torchButton.onclick = () => session.send({ type: 'camera_control', action: 'torch', torch: !this.remote?.torch_on });
    this.zoomIn.onclick = () => this.stepZoom(1);
    this.zoomOut.onclick = () => this.stepZoom(-1);
    session.addEventListener('welcome', (e) => {
      if (/** @type {CustomEvent} */ (e).detail.admitted !== false) this.report();
      this.show();
    });
    session.addEventListener('admitted', () => this.report());
    session.addEventListener('camera', (e) => {
      this.remote = /** @type {CustomEvent} */ (e).detail;
      this.zoomAsked = null;
      this.show();
    });
    session.addEventListener('state', () => {
      if (this.remote && !session.others.some((p) => p.id === this.remote?.participant)) {
        this.remote = null;
        this.show();
      }
    });
    session.addEventListener('camera_control', (e) => {
      const m = /** @type {CustomEvent} */ (e).detail;
      this.applying = this.applying.then(() => this.apply(m)).catch((err) => console.warn('camera control', err));
    });
    this.show();
  }

  /** The camera's own track (not the cropped copy sent while zoomed digitally). */
  cameraTrack() {
    return this.digital?.camera ?? this.session.local.getVideoTracks()[0] ?? null;
  }

  // Customer: tells the server what the camera can do now.
  async report() {
    if (this.session.role !== 'customer') return;
    const track = this.cameraTrack();
    /** @type {any} */
    const can = track?.getCapabilities?.() ?? {};
    const settings = /** @type {any} */ (track?.getSettings() ?? {});
    let cameras = 1;
    try {
      cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').length;
    } catch {
      // none listed: count the one in use
    }
    const hardware = Boolean(can.zoom && can.zoom.max > can.zoom.min);
    /** @type {Camera & {type: string}} */
    const message = {
      type: 'camera',
      can_flip: Boolean(track) && (cameras > 1 || (Array.isArray(can.facingMode) && can.facingMode.length > 1)),
      torch: Boolean(can.torch),
      torch_on: this.torchOn,
      zoom: hardware ? Math.min(100, Math.max(1, settings.zoom ?? 1)) : this.zoom,
      zoom_max: hardware ? Math.min(100, Math.max(1, can.zoom.max)) : (track ? digitalZoomMax : 1),
      zoom_kind: hardware ? 'hardware' : 'digital',
      control: this.allowed,
    };
    if (settings.facingMode === 'user' || settings.facingMode === 'environment') message.facing = settings.facingMode;
    if (this.error) message.error = this.error.slice(0, 64);
    this.session.send(message);
  }

  /**
   * Customer: applies what staff asked, says so, reports the camera again.
   * @param {{action: string, torch?: boolean, zoom?: number, by: string}} m
   */
  async apply(m) {
    if (!this.allowed) return this.report();
    this.error = '';
    try {
      if (m.action === 'flip') {
        await this.flip();
        this.tell('camera.flipped', m.by);
      } else if (m.action === 'torch') {
        const track = this.cameraTrack();
        await track?.applyConstraints(/** @type {any} */ ({ advanced: [{ torch: Boolean(m.torch) }] }));
        this.torchOn = Boolean(m.torch);
        this.tell(this.torchOn ? 'camera.torch_on' : 'camera.torch_off', m.by);
      } else if (m.action === 'zoom' && typeof m.zoom === 'number') {
        await this.setZoom(m.zoom);
        this.tell(this.zoom > 1 ? 'camera.zoomed' : 'camera.unzoomed', m.by);
      }
    } catch (e) {
      console.warn('camera control failed', e);
      this.error = `${m.action}_failed`;
    }
    await this.report();
  }

  // The other camera: the old one stops first, for phones that open one at a time.
  async flip() {
    const old = this.cameraTrack();
    const settings = /** @type {any} */ (old?.getSettings() ?? {});
    /** @type {any} */
    const can = old?.getCapabilities?.() ?? {};
    const enabled = old?.enabled ?? true;
    /** @type {MediaTrackConstraints} */
    let wanted;
    if (Array.isArray(can.facingMode) && can.facingMode.length > 1) {
      wanted = { facingMode: { exact: settings.facingMode === 'environment' ? 'user' : 'environment' } };
    } else {
      const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
      const at = cameras.findIndex((d) => d.deviceId === settings.deviceId);
      const next = cameras[(at + 1) % cameras.length];
      wanted = next ? { deviceId: { exact: next.deviceId } } : {};
    }
    this.stopDigital();
    this.zoom = 1;
    this.torchOn = false;
    old?.stop();
    const stream = await navigator.mediaDevices.getUserMedia({
      video: /** @type {any} */ ({ width: { ideal: 640 }, height: { ideal: 480 }, zoom: true, ...wanted }),
    });
    const track = stream.getVideoTracks()[0];
    track.enabled = enabled;
    await this.session.replaceTrack(track);
  }

  /** @param {number} factor */
  async setZoom(factor) {
    const camera = this.cameraTrack();
    if (!camera) return;
    /** @type {any} */
    const can = camera.getCapabilities?.() ?? {};
    if (can.zoom && can.zoom.max > can.zoom.min) {
      await camera.applyConstraints(/** @type {any} */ ({ advanced: [{ zoom: Math.min(can.zoom.max, Math.max(can.zoom.min, factor)) }] }));
      this.zoom = factor;
      return;
    }
    const wanted = Math.min(digitalZoomMax, Math.max(1, factor));
    this.zoom = wanted;
    if (wanted === 1) {
      if (!this.digital) return;
      const { output } = this.digital;
      camera.enabled = output.enabled;
      this.digital.stopped = true;
      await this.session.replaceTrack(camera);
      this.stopDigital();
      return;
    }
    if (this.digital) {
      this.digital.factor = wanted;
      return;
    }
    this.digital = new DigitalZoom(camera, wanted);
    this.digital.output.enabled = camera.enabled;
    await this.session.replaceTrack(this.digital.output);
  }

  stopDigital() {
    this.digital?.stop();
    this.digital = null;
  }

  /** @param {number} direction 1 closer, -1 further */
  stepZoom(direction) {
    // From the zoom last asked for while the customer's page has not answered: two quick presses go two steps.
    const current = this.zoomAsked ?? this.remote?.zoom ?? 1;
    const most = this.remote?.zoom_max ?? 1;
    const steps = zoomSteps.filter((z) => z <= most);
    const next = direction > 0 ? steps.find((z) => z > current + 0.01) : [...steps].reverse().find((z) => z < current - 0.01);
    if (next === undefined) return;
    this.zoomAsked = next;
    this.session.send({ type: 'camera_control', action: 'zoom', zoom: next });
  }

  /**
   * @param {string} key
   * @param {string} name
   */
  tell(key, name) {
    this.note.say(t(key, { name, zoom: this.zoomText(this.zoom, this.digital ? 'digital' : 'hardware') }));
  }

  /**
   * @param {number} zoom
   * @param {string | undefined} kind
   */
  zoomText(zoom, kind) {
    const factor = zoom.toLocaleString(document.documentElement.lang || undefined, { maximumFractionDigits: 1 });
    return t(kind === 'digital' && zoom > 1 ? 'camera.factor_digital' : 'camera.factor', { factor });
  }

  translate() {
    this.flipButton.textContent = t('camera.flip');
    this.torchButton.textContent = t('camera.torch');
    this.zoomIn.textContent = '+';
    this.zoomOut.textContent = '−';
    this.zoomIn.setAttribute('aria-label', t('camera.zoom_in'));
    this.zoomOut.setAttribute('aria-label', t('camera.zoom_out'));
    this.allowText.textContent = t('camera.allow');
    this.show();
  }

  // Staff: what they may do with the customer's camera, and why not the rest.
  show() {
    const staff = this.session.role !== '' && this.session.role !== 'customer';
    for (const element of [this.flipButton, this.torchButton, this.zoomGroup, this.why])
      element.hidden = !staff;
    this.allowLabel.hidden = staff || this.session.role === '';
    if (!staff) return;
    const cam = this.remote;
    /** @type {string[]} */
    const why = [];
    if (!cam) why.push(t('camera.why_unknown'));
    else if (!cam.control) why.push(t('camera.why_refused'));
    else {
      if (!cam.can_flip) why.push(t('camera.why_no_flip'));
      if (!cam.torch) why.push(t('camera.why_no_torch'));
      if ((cam.zoom_max ?? 1) <= 1) why.push(t('camera.why_no_zoom'));
      if (cam.error) why.push(t('camera.why_failed'));
    }
    const usable = Boolean(cam?.control);
    this.flipButton.disabled = !usable || !cam?.can_flip;
    this.torchButton.disabled = !usable || !cam?.torch;
    this.torchButton.setAttribute('aria-pressed', String(Boolean(cam?.torch_on)));
    const zoom = cam?.zoom ?? 1;
    const most = cam?.zoom_max ?? 1;
    this.zoomIn.disabled = !usable || zoom >= most - 0.01;
    this.zoomOut.disabled = !usable || zoom <= 1.01;
    this.zoomLabel.textContent = t('camera.zoom', { zoom: this.zoomText(zoom, cam?.zoom_kind) });
    this.why.textContent = why.join(' ');
    this.why.hidden = why.length === 0;
  }

  // The call is over: the camera behind a digital zoom stops (the page stops the track it sends)
  // and what this view added to the page goes.
  clear() {
    this.note.hide();
    this.digital?.camera.stop();
    this.stopDigital();
    for (const element of [this.flipButton, this.torchButton, this.zoomGroup, this.why, this.allowLabel, this.note.element])
      element.remove();
  }
}
