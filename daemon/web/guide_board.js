// @ts-check
// The drawing over the customer's picture, as both pages paint it: strokes, staff's pointer and
// the frozen still, on a canvas laid over the call's stage. Positions are fractions (0..1) of
// the picture's content box — the part of the element the picture fills once letterboxed — so
// a mark lands on the same spot of the picture whatever the size of each screen. No protocol here.

/** @typedef {[number, number]} Point */
/** @typedef {{id?: string, participant?: string, tool: string, color: string, points: Point[], text?: string}} Stroke */
/** @typedef {{x: number, y: number, width: number, height: number}} Box */

// How long staff's pointer stays fully visible after it last moved, then how long it fades.
const pointerHold = 1500;
const pointerFade = 1000;

/**
 * Where the picture of `element` (a video or an image shown with object-fit: contain) lies,
 * relative to `frame`, in CSS pixels; null while it has no picture.
 * @param {HTMLVideoElement | HTMLImageElement} element
 * @param {HTMLElement} frame
 * @returns {Box | null}
 */
export function contentBox(element, frame) {
  const width = element instanceof HTMLVideoElement ? element.videoWidth : element.naturalWidth;
  const height = element instanceof HTMLVideoElement ? element.videoHeight : element.naturalHeight;
  if (!width || !height || element.hidden) return null;
  const shown = element.getBoundingClientRect();
  const origin = frame.getBoundingClientRect();
  if (!shown.width || !shown.height) return null;
  const scale = Math.min(shown.width / width, shown.height / height);
  const w = width * scale;
  const h = height * scale;
  return { x: shown.left - origin.left + (shown.width - w) / 2, y: shown.top - origin.top + (shown.height - h) / 2, width: w, height: h };
}

/**
 * @param {CanvasRenderingContext2D} g
 * @param {Stroke} stroke
 * @param {Box} box
 */
export function paintStroke(g, stroke, box) {
  /** @type {(p: Point) => [number, number]} */
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  const line = Math.max(2, box.width * 0.006);
  g.save();
  g.lineWidth = line;
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.strokeStyle = stroke.color;
  g.fillStyle = stroke.color;
  const [first, second] = stroke.points;
  const [x0, y0] = at(first);
  const [x1, y1] = second ? at(second) : [x0, y0];
  switch (stroke.tool) {
    case 'freehand':
      g.beginPath();
      g.moveTo(x0, y0);
      for (const point of stroke.points.slice(1)) g.lineTo(...at(point));
      g.stroke();
      break;
    case 'arrow': {
      const head = line * 4;
      const angle = Math.atan2(y1 - y0, x1 - x0);
      g.beginPath();
      g.moveTo(x0, y0);
      g.lineTo(x1, y1);
      g.moveTo(x1 - head * Math.cos(angle - Math.PI / 6), y1 - head * Math.sin(angle - Math.PI / 6));
      g.lineTo(x1, y1);
      g.lineTo(x1 - head * Math.cos(angle + Math.PI / 6), y1 - head * Math.sin(angle + Math.PI / 6));
      g.stroke();
      break;
    }
    case 'circle':
      g.beginPath();
      g.arc(x0, y0, Math.hypot(x1 - x0, y1 - y0), 0, 2 * Math.PI);
      g.stroke();
      break;
    case 'rectangle':
      g.strokeRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
      break;
    case 'text':
      // Always text: the words are painted, never parsed as markup.
      g.font = `600 ${Math.max(14, Math.round(box.height * 0.05))}px system-ui, sans-serif`;
      g.textBaseline = 'top';
      g.lineWidth = Math.max(3, line);
      g.strokeStyle = '#000';
      g.strokeText(stroke.text ?? '', x0, y0);
      g.fillText(stroke.text ?? '', x0, y0);
      break;
    default:
      break;
  }
  g.restore();
}

export class GuideBoard {
  /**
   * @param {HTMLElement} stage the element the canvas covers
   * @param {() => HTMLVideoElement | HTMLImageElement | null} picture what shows the customer's picture now
   */
  constructor(stage, picture) {
    this.stage = stage;
    this.picture = picture;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'guide-canvas';
    this.canvas.id = 'guide-canvas';
    this.canvas.setAttribute('aria-hidden', 'true');
    stage.append(this.canvas);
    /** @type {Stroke[]} */
    this.strokes = [];
    /** @type {Stroke | null} the stroke being drawn here, not sent yet */
    this.drawing = null;
    /** @type {{x: number, y: number, at: number} | null} */
    this.pointer = null;
    this.frame = 0;
    this.resized = new ResizeObserver(() => this.paint());
    this.resized.observe(stage);
  }

  /** @returns {Box | null} */
  box() {
    const picture = this.picture();
    return picture ? contentBox(picture, this.stage) : null;
  }

  /**
   * A point of the picture under a pointer event, or null outside it.
   * @param {PointerEvent} e
   * @returns {Point | null}
   */
  pointAt(e) {
    const box = this.box();
    if (!box) return null;
    const origin = this.stage.getBoundingClientRect();
    const x = (e.clientX - origin.left - box.x) / box.width;
    const y = (e.clientY - origin.top - box.y) / box.height;
    if (x < 0 || x > 1 || y < 0 || y > 1) return null;
    return [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4];
  }

  /** @param {{x: number, y: number} | null} at */
  showPointer(at) {
    this.pointer = at ? { ...at, at: performance.now() } : null;
    this.paint();
  }

  paint() {
    cancelAnimationFrame(this.frame);
    const { canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = this.stage.clientWidth;
    const height = this.stage.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const box = this.box();
    if (!box) return;
    // Marks stay on the picture, as on the other side, where the picture may be shaped otherwise.
    g.save();
    g.beginPath();
    g.rect(box.x, box.y, box.width, box.height);
    g.clip();
    for (const stroke of this.strokes) paintStroke(g, stroke, box);
    if (this.drawing) paintStroke(g, this.drawing, box);
    g.restore();
    if (this.pointer) {
      const age = performance.now() - this.pointer.at;
      const alpha = age < pointerHold ? 1 : 1 - (age - pointerHold) / pointerFade;
      if (alpha <= 0) {
        this.pointer = null;
        return;
      }
      g.save();
      g.globalAlpha = alpha;
      g.beginPath();
      g.arc(box.x + this.pointer.x * box.width, box.y + this.pointer.y * box.height, 9, 0, 2 * Math.PI);
      g.fillStyle = '#ff1744';
      g.fill();
      g.lineWidth = 2;
      g.strokeStyle = '#fff';
      g.stroke();
      g.restore();
      this.frame = requestAnimationFrame(() => this.paint());
    }
  }

  /**
   * The frozen still with the drawing on it, at the still's own size, as a JPEG.
   * @param {HTMLImageElement} still
   * @returns {Promise<Blob>}
   */
  burnIn(still) {
    const canvas = document.createElement('canvas');
    canvas.width = still.naturalWidth;
    canvas.height = still.naturalHeight;
    const g = canvas.getContext('2d');
    if (!g) return Promise.reject(new Error('no canvas'));
    g.drawImage(still, 0, 0);
    const box = { x: 0, y: 0, width: canvas.width, height: canvas.height };
    for (const stroke of this.strokes) paintStroke(g, stroke, box);
    return new Promise((resolve, reject) => canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the picture could not be encoded'))), 'image/jpeg', 0.92));
  }

  // Off the page for good.
  dispose() {
    cancelAnimationFrame(this.frame);
    this.resized.disconnect();
    this.canvas.remove();
  }
}
