// @ts-check
// Telling a specialist that a customer arrived while they look at something else: a short chime
// made with WebAudio (no sound file) and a browser notification. The browser is asked for
// permission to notify once: the answer is remembered in this browser, and after a "no" the
// console does not ask again.

const askedKey = 'assist.notifications';

/** Asks for permission to notify, unless this browser was asked before or has decided. */
export async function askNotificationPermissionOnce() {
  if (!('Notification' in window) || Notification.permission !== 'default') return;
  if (localStorage.getItem(askedKey)) return;
  const answer = await Notification.requestPermission();
  if (answer !== 'default') localStorage.setItem(askedKey, answer);  // a dismissed prompt may come again
}

/**
 * A notification, when allowed; clicking it brings the console forward.
 * @param {string} title
 * @param {string} body
 * @param {string} tag one per arrival, so that a second tab does not repeat it
 */
export function notify(title, body, tag) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  const notification = new Notification(title, { body, tag });
  notification.onclick = () => {
    window.focus();
    notification.close();
  };
}

/** @type {AudioContext | null} */
let audio = null;

// Browsers start sound only after the user did something on the page.
function unlockSound() {
  audio ??= new AudioContext();
  if (audio.state === 'suspended') audio.resume().catch(() => {});
}

/** Lets the chime play from the user's first click or key press on. */
export function prepareSound() {
  document.addEventListener('pointerdown', unlockSound, { once: true });
  document.addEventListener('keydown', unlockSound, { once: true });
}

/** Two short rising tones. */
export function chime() {
  unlockSound();
  const context = /** @type {AudioContext} */ (audio);
  [660, 880].forEach((frequency, i) => {
    const start = context.currentTime + i * 0.18;
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0.0001, start);
    volume.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
    tone.connect(volume).connect(context.destination);
    tone.start(start);
    tone.stop(start + 0.32);
  });
}
