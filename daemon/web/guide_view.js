// @ts-check
// Remote guidance in a call: a "Guide" button (staff) or "Tools" (customer) opens a tool bar
// above the controls. Staff point at the customer's picture, draw on it (pen, arrow, circle,
// rectangle, text, in a colour; undo, clear), freeze it on a full-resolution still and save
// that still with the drawing, steer the customer's camera (camera_view.js) and ask where the
// customer is (location_view.js). The customer draws too, and decides whether staff may steer
// their camera. While anything is shown over it, the customer's page shows the customer's own
// camera large, as staff see it, so that both look at the same picture.
import { PassingNote, byId } from './dom.js';
import { t } from './i18n.js';
import { GuideBoard } from './guide_board.js';
import { CameraView } from './camera_view.js';
import { LocationView } from './location_view.js';

const tools = ['freehand', 'arrow', 'circle', 'rectangle', 'text'];
const colours = [['red', '#e53935'], ['yellow', '#fdd835'], ['blue', '#1e88e5'], ['white', '#ffffff']];
// Staff's pointer: at most this often to the server (the server thins beyond 30 a second).
const pointerInterval = 40;
const maxFreehandPoints = 2000;
// How long the customer keeps seeing their own camera large after staff's pointer last moved.
const pointerGuides = 10000;

/**
 * @param {string} id
 * @param {string} [className]
 */
function button(id, className) {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  if (className) b.className = className;
  return b;
}

/** @param {string} className */
function group(className) {
  const g = document.createElement('div');
  g.className = `tool-group ${className}`;
  g.setAttribute('role', 'group');
  return g;
}

export class GuideView {
  /**
   * After the CallView filled #call.
   * @param {import('./protocol.js').CallSession} session
   * @param {{headers: () => Record<string, string>}} access how this page reaches the API
   */
  constructor(session, access) {
    this.session = session;
    this.access = access;
    this.section = byId('call', HTMLElement);
    const stage = /** @type {HTMLElement} */ (this.section.querySelector('.stage'));
    const controls = /** @type {HTMLElement} */ (this.section.querySelector('.controls'));
    this.frozen = document.createElement('img');
    this.frozen.className = 'guide-frozen';
    this.frozen.id = 'guide-frozen';
    this.frozen.hidden = true;
    stage.append(this.frozen);
    this.board = new GuideBoard(stage, () => this.picture());

    this.tray = document.createElement('div');
    this.tray.id = 'guide-tools';
    this.tray.className = 'guide-tools';
    this.tray.setAttribute('role', 'toolbar');
    this.tray.hidden = true;
    this.section.insertBefore(this.tray, controls);
    this.toggle = button('guide');
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.setAttribute('aria-controls', this.tray.id);
    controls.insertBefore(this.toggle, document.getElementById('hang-up'));

    const drawing = group('draw');
    this.pointerButton = button('guide-pointer');
    this.toolButtons = tools.map((tool) => {
      const b = button(`guide-${tool}`);
      b.dataset.tool = tool;
      b.onclick = () => this.choose(this.tool === tool ? '' : tool);
      return b;
    });
    this.colourButtons = colours.map(([name, value]) => {
      const b = button(`guide-colour-${name}`, 'swatch');
      b.dataset.colour = name;
      b.style.setProperty('--swatch', value);
      b.onclick = () => {
        this.colour = value;
        this.showTools();
      };
      return b;
    });
    this.textInput = document.createElement('input');
    this.textInput.id = 'guide-words';
    this.textInput.maxLength = 200;
    this.textInput.hidden = true;
    this.undoButton = button('guide-undo');
    this.clearButton = button('guide-clear');
    this.freezeButton = button('guide-freeze');
    this.saveButton = button('guide-save');
    drawing.append(this.pointerButton, ...this.toolButtons, ...this.colourButtons, this.textInput, this.undoButton,
      this.clearButton, this.freezeButton, this.saveButton);
    const camera = group('camera');
    const asking = group('ask');
    this.note = PassingNote.create('guide-note', 'guide-note');
    this.tray.append(drawing, camera, asking);
    const top = /** @type {HTMLElement} */ (this.section.querySelector('.top'));
    top.append(this.note.element);
    this.camera = new CameraView(session, { tools: camera, top });
    this.location = new LocationView(session, { tools: asking, top });

    this.staff = false;
    this.tool = '';
    this.colour = colours[0][1];
    this.pointing = false;
    /** @type {{snapshot: number, width: number, height: number} | null} */
    this.freeze = null;
    this.freezing = false;
    /** the object URL the customer's page made of the frozen still, to let go of */
    this.frozenUrl = '';
    this.lastPointerSent = 0;
    /** whether the others were last told where staff's pointer is */
    this.pointerShown = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.pointerTimer = undefined;
    /** when staff's pointer last moved over the customer's picture (performance.now()) */
    this.pointedAt = -Infinity;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.guidedTimer = undefined;

    this.toggle.onclick = () => this.open(this.tray.hidden);
    this.pointerButton.onclick = () => {
      this.pointing = !this.pointing;
      if (this.pointing) this.tool = '';
      else this.sendPointer(null);
      this.showTools();
    };
    this.undoButton.onclick = () => session.send({ type: 'annotate', action: 'undo' });
    this.clearButton.onclick = () => session.send({ type: 'annotate', action: 'clear' });
    this.freezeButton.onclick = () => {
      if (this.freeze) return session.send({ type: 'freeze', active: false });
      this.freezing = true;
      this.say('guide.freezing');
      session.send({ type: 'freeze', active: true });
      this.showTools();
    };
    this.saveButton.onclick = () => this.save();
    this.listen();
    session.addEventListener('welcome', () => {
      this.staff = session.role !== 'customer';
      this.translate();
    });
    session.addEventListener('annotate', (e) => this.onAnnotate(/** @type {CustomEvent} */ (e).detail));
    session.addEventListener('board', (e) => {
      const m = /** @type {CustomEvent} */ (e).detail;
      this.board.strokes = Array.isArray(m.strokes) ? m.strokes : [];
      if (m.freeze) this.onFreeze(m.freeze);
      this.showGuided();
    });
    session.addEventListener('freeze', (e) => this.onFreeze(/** @type {CustomEvent} */ (e).detail));
    session.addEventListener('pointer', (e) => {
      const m = /** @type {CustomEvent} */ (e).detail;
      this.board.showPointer(typeof m.x === 'number' ? { x: m.x, y: m.y } : null);
      if (typeof m.x === 'number') this.pointedAt = performance.now();
      clearTimeout(this.guidedTimer);
      this.guidedTimer = setTimeout(() => this.showGuided(), pointerGuides);
      this.showGuided();
    });
    // A picture that appears or changes size (another camera, a zoom) moves the marks with it;
    // media events do not bubble, but pass through the stage on their way down.
    this.listening = new AbortController();
    for (const type of ['resize', 'loadedmetadata'])
      stage.addEventListener(type, () => this.board.paint(), { capture: true, signal: this.listening.signal });
    this.translate();
  }

  /** The element showing the customer's picture on this page. */
  picture() {
    if (!this.frozen.hidden) return this.frozen;
    if (this.session.role === 'customer') return byId('self-view', HTMLVideoElement);
    const video = byId('remotes', HTMLElement).querySelector('video');
    return video instanceof HTMLVideoElement ? video : null;
  }

  /** @param {boolean} open */
  open(open) {
    this.tray.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (!open) {
      if (this.pointing) this.sendPointer(null);
      this.pointing = false;
      this.tool = '';
    }
    this.showTools();
    this.showGuided();
  }

  /** @param {string} tool */
  choose(tool) {
    if (this.pointing) this.sendPointer(null);
    this.pointing = false;
    this.tool = tool;
    this.showTools();
    if (tool === 'text') this.textInput.focus();
  }

  translate() {
    this.toggle.textContent = t(this.staff ? 'guide.open' : 'guide.open_customer');
    this.tray.setAttribute('aria-label', t('guide.tools'));
    this.pointerButton.textContent = t('guide.pointer');
    for (const b of this.toolButtons) b.textContent = t(`guide.tool_${b.dataset.tool}`);
    for (const b of this.colourButtons) {
      b.setAttribute('aria-label', t(`guide.colour_${b.dataset.colour}`));
      b.title = t(`guide.colour_${b.dataset.colour}`);
    }
    this.textInput.placeholder = t('guide.text_placeholder');
    this.textInput.setAttribute('aria-label', t('guide.text_label'));
    this.undoButton.textContent = t('guide.undo');
    this.clearButton.textContent = t('guide.clear');
    this.saveButton.textContent = t('guide.save');
    this.camera.translate();
    this.location.translate();
    this.showTools();
  }

  showTools() {
    this.pointerButton.hidden = !this.staff;
    this.clearButton.hidden = !this.staff;
    this.freezeButton.hidden = !this.staff;
    this.saveButton.hidden = !this.staff || !this.freeze;
    this.location.button.hidden = !this.staff;
    this.location.reason.hidden = !this.staff;
    this.pointerButton.setAttribute('aria-pressed', String(this.pointing));
    for (const b of this.toolButtons) b.setAttribute('aria-pressed', String(b.dataset.tool === this.tool));
    for (const b of this.colourButtons) b.setAttribute('aria-pressed', String(b.style.getPropertyValue('--swatch') === this.colour));
    this.textInput.hidden = this.tool !== 'text';
    this.freezeButton.textContent = t(this.freeze ? 'guide.unfreeze' : 'guide.freeze');
    this.freezeButton.setAttribute('aria-pressed', String(Boolean(this.freeze)));
    this.freezeButton.disabled = this.freezing;
    this.board.canvas.classList.toggle('active', this.pointing || Boolean(this.tool));
  }

  // The customer's page shows its own camera large while there is something to see on it.
  showGuided() {
    const guided = this.session.role === 'customer' &&
      (!this.tray.hidden || this.board.strokes.length > 0 || Boolean(this.freeze) ||
       performance.now() - this.pointedAt < pointerGuides);
    this.section.classList.toggle('guided', guided);
    this.board.paint();
  }

  listen() {
    const canvas = this.board.canvas;
    canvas.addEventListener('pointerdown', (e) => {
      if (!this.tool) return;
      const point = this.board.pointAt(e);
      if (!point) return;
      if (this.tool === 'text') {
        const text = this.textInput.value.trim();
        if (!text) {
          this.say('guide.text_first');
          this.textInput.focus();
          return;
        }
        this.session.send({ type: 'annotate', action: 'stroke', stroke: { tool: 'text', color: this.colour, points: [point], text } });
        return;
      }
      canvas.setPointerCapture(e.pointerId);
      this.board.drawing = { tool: this.tool, color: this.colour, points: [point, point] };
      if (this.tool === 'freehand') this.board.drawing.points = [point];
      this.board.paint();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.pointing) return this.movePointer(e);
      const stroke = this.board.drawing;
      if (!stroke) return;
      const point = this.board.pointAt(e);
      if (!point) return;
      if (stroke.tool !== 'freehand') stroke.points[1] = point;
      else if (stroke.points.length < maxFreehandPoints) stroke.points.push(point);
      this.board.paint();
    });
    const finish = () => {
      const stroke = this.board.drawing;
      this.board.drawing = null;
      if (!stroke) return;
      const [[x0, y0], [x1, y1] = [x0, y0]] = stroke.points;
      if (stroke.points.length < 2 || (x0 === x1 && y0 === y1 && stroke.tool !== 'freehand')) return this.board.paint();
      this.session.send({ type: 'annotate', action: 'stroke', stroke });
    };
    canvas.addEventListener('pointerup', finish);
    canvas.addEventListener('pointercancel', finish);
    canvas.addEventListener('pointerleave', () => { if (this.pointing) this.sendPointer(null); });
  }

  /** @param {PointerEvent} e */
  movePointer(e) {
    const point = this.board.pointAt(e);
    if (!point) return this.sendPointer(null);
    clearTimeout(this.pointerTimer);
    const wait = this.lastPointerSent + pointerInterval - performance.now();
    if (wait <= 0) return this.sendPointer(point);
    // The last move of a burst still goes, so the pointer rests where the mouse did.
    this.pointerTimer = setTimeout(() => this.sendPointer(point), wait);
  }

  /** @param {[number, number] | null} point */
  sendPointer(point) {
    clearTimeout(this.pointerTimer);
    if (!point && !this.pointerShown) return;  // the others already know it is not there
    this.pointerShown = Boolean(point);
    this.lastPointerSent = performance.now();
    this.session.send(point ? { type: 'pointer', x: point[0], y: point[1] } : { type: 'pointer' });
  }

  /** @param {{action: string, stroke?: any, id?: string}} m */
  onAnnotate(m) {
    if (m.action === 'stroke' && m.stroke) this.board.strokes.push(m.stroke);
    if (m.action === 'undo') this.board.strokes = this.board.strokes.filter((s) => s.id !== m.id);
    if (m.action === 'clear') this.board.strokes = [];
    this.showGuided();
  }

  /** @param {{active: boolean, snapshot?: number, width?: number, height?: number, error?: string}} m */
  async onFreeze(m) {
    this.freezing = false;
    if (m.error) {
      this.say(m.error === 'camera_off' ? 'guide.freeze_camera_off' : 'guide.freeze_failed');
      return this.showTools();
    }
    this.board.strokes = [];
    if (!m.active || typeof m.snapshot !== 'number') {
      this.freeze = null;
      this.frozen.hidden = true;
      this.frozen.removeAttribute('src');
      if (this.frozenUrl) URL.revokeObjectURL(this.frozenUrl);
      this.frozenUrl = '';
      this.showTools();
      return this.showGuided();
    }
    this.freeze = { snapshot: m.snapshot, width: m.width ?? 0, height: m.height ?? 0 };
    const url = `/api/v1/snapshots/${m.snapshot}/content?inline=1`;
    try {
      // The customer's page has no cookie: it fetches the still with its join token.
      if (this.session.role === 'customer') {
        const response = await fetch(url, { headers: this.access.headers() });
        if (!response.ok) throw new Error(`the still could not be fetched (${response.status})`);
        if (this.frozenUrl) URL.revokeObjectURL(this.frozenUrl);
        this.frozenUrl = URL.createObjectURL(await response.blob());
        this.frozen.src = this.frozenUrl;
      } else {
        this.frozen.src = url;
      }
      await this.frozen.decode();
    } catch (e) {
      console.warn('frozen still', e);
    }
    if (!this.freeze || this.freeze.snapshot !== m.snapshot) return;  // unfrozen meanwhile
    this.frozen.hidden = false;
    this.frozen.alt = t('guide.frozen_alt');
    this.say(this.staff ? 'guide.frozen' : 'guide.frozen_customer');
    this.showTools();
    this.showGuided();
  }

  // Staff: the frozen still with the drawing on it becomes a photo of the call.
  async save() {
    this.saveButton.disabled = true;
    try {
      const jpeg = await this.board.burnIn(this.frozen);
      const original = this.freeze?.snapshot;
      if (!original) return;
      const response = await fetch(`/api/v1/appointments/${this.session.appointmentId}/snapshots?annotates=${original}`, {
        method: 'POST', headers: { ...this.access.headers(), 'Content-Type': 'image/jpeg' }, body: jpeg,
      });
      if (response.status !== 201) throw new Error(`upload refused (${response.status})`);
      this.say('guide.saved');
    } catch (e) {
      console.warn('saving the drawing', e);
      this.say('guide.save_failed');
    } finally {
      this.saveButton.disabled = false;
    }
  }

  /** @param {string} key */
  say(key) {
    this.note.say(t(key));
  }

  // The call is over: what this view added to the page goes (the next call makes its own).
  clear() {
    clearTimeout(this.pointerTimer);
    clearTimeout(this.guidedTimer);
    this.note.hide();
    if (this.frozenUrl) URL.revokeObjectURL(this.frozenUrl);
    this.listening.abort();
    this.board.dispose();
    this.section.classList.remove('guided');
    this.camera.clear();
    this.location.clear();
    for (const element of [this.tray, this.toggle, this.frozen, this.note.element]) element.remove();
  }
}
