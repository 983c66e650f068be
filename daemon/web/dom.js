// @ts-check
// Small DOM helpers shared by the pages.

/**
 * The element with this id, checked to be of the expected type.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new (...args: any[]) => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`page is missing #${id}`);
  return element;
}

/**
 * Shows exactly one of the page's screens (sections with class "screen") and, when it was
 * hidden, moves the focus to its heading.
 * @param {string} id
 */
export function showScreen(id) {
  let opened = null;
  for (const screen of document.querySelectorAll('.screen')) {
    if (!(screen instanceof HTMLElement)) continue;
    if (screen.id === id && screen.hidden) opened = screen;
    screen.hidden = screen.id !== id;
  }
  // Keyboard and screen-reader users start on the new screen, not on a button now hidden.
  const heading = opened?.querySelector('h1, h2');
  if (heading instanceof HTMLElement) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

/**
 * Fills every element carrying data-text="key" with its text in the current language, and
 * labels those carrying data-aria-label="key".
 * @param {(key: string) => string} t
 */
export function translatePage(t) {
  for (const element of document.querySelectorAll('[data-text]')) {
    if (element instanceof HTMLElement && element.dataset.text) element.textContent = t(element.dataset.text);
  }
  for (const element of document.querySelectorAll('[data-aria-label]')) {
    if (element instanceof HTMLElement && element.dataset.ariaLabel) element.setAttribute('aria-label', t(element.dataset.ariaLabel));
  }
}

/** A status line that says one thing for a few seconds, then hides itself. */
export class PassingNote {
  /** @param {HTMLElement} element */
  constructor(element) {
    this.element = element;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }

  /**
   * A new, hidden <p role="status">, to be placed by the caller.
   * @param {string} id
   * @param {string} className
   */
  static create(id, className) {
    const p = document.createElement('p');
    p.id = id;
    p.className = className;
    p.setAttribute('role', 'status');
    p.hidden = true;
    return new PassingNote(p);
  }

  /** @param {string} text */
  say(text) {
    clearTimeout(this.timer);
    this.element.textContent = text;
    this.element.hidden = false;
    this.timer = setTimeout(() => { this.element.hidden = true; }, 6000);
  }

  hide() {
    clearTimeout(this.timer);
    this.element.hidden = true;
  }
}
