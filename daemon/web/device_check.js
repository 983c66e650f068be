// @ts-check
// What the customer's preview offers before joining: a microphone level, a test sound for the
// speaker, and, when the browser refuses the devices, what to do about it in that browser.

/**
 * Shows how loud the microphone is on a <meter> (0 to 1), about ten times a second.
 */
export class MicrophoneLevel {
  /**
   * @param {MediaStream} stream
   * @param {HTMLMeterElement} meter
   */
  constructor(stream, meter) {
    this.context = new AudioContext();
    this.context.resume().catch(() => {});
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 1024;
    this.context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.tick = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // Speech at a normal distance has an RMS of about 0.05-0.2: scaled so it fills most of the meter.
      meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 5);
    }, 100);
  }

  stop() {
    clearInterval(this.tick);
    this.context.close().catch(() => {});
  }
}

/** Whether this browser has what a call needs: WebRTC, WebSocket and the devices API. */
export function browserCanCall() {
  return 'RTCPeerConnection' in window && 'WebSocket' in window && Boolean(navigator.mediaDevices?.getUserMedia);
}

/**
 * Plays a short two-note chime on the default speaker; resolves when it is over.
 * @returns {Promise<void>}
 */
export async function playTestSound() {
  const context = new AudioContext();
  await context.resume();
  const gain = context.createGain();
  gain.connect(context.destination);
  const start = context.currentTime + 0.05;
  for (const [i, frequency] of [660, 880].entries()) {
    const note = context.createOscillator();
    note.frequency.value = frequency;
    note.connect(gain);
    note.start(start + i * 0.5);
    note.stop(start + i * 0.5 + 0.45);
  }
  gain.gain.setValueAtTime(0.3, start);
  gain.gain.linearRampToValueAtTime(0, start + 1);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await context.close();
}

/**
 * Which browser family the help should speak of: its settings live in different places.
 * @param {string} userAgent
 * @param {number} touchPoints navigator.maxTouchPoints (an iPad says it is a Mac)
 * @returns {'ios' | 'android' | 'firefox' | 'safari' | 'chrome' | 'other'}
 */
export function browserFamily(userAgent, touchPoints) {
  if (/iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && touchPoints > 1)) return 'ios';
  if (/Android/.test(userAgent)) return 'android';
  if (/Firefox\//.test(userAgent)) return 'firefox';
  if (/Chrome\/|Chromium\/|Edg\//.test(userAgent)) return 'chrome';
  if (/Safari\//.test(userAgent)) return 'safari';
  return 'other';
}

/**
 * The text key that explains why getUserMedia failed and what to do: blocked (per browser),
 * no device, or a device another app holds.
 * @param {unknown} error
 * @param {string} userAgent
 * @param {number} touchPoints
 */
export function deviceProblem(error, userAgent, touchPoints) {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'preview.missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'preview.busy';
  return `preview.blocked.${browserFamily(userAgent, touchPoints)}`;
}
