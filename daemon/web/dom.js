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
 * Shows exactly one of the page's screens (sections with class "screen").
 * @param {string} id
 */
export function showScreen(id) {
  for (const screen of document.querySelectorAll('.screen')) {
    if (screen instanceof HTMLElement) screen.hidden = screen.id !== id;
  }
}

/**
 * Fills every element carrying data-text="key" with its text in the current language.
 * @param {(key: string) => string} t
 */
export function translatePage(t) {
  for (const element of document.querySelectorAll('[data-text]')) {
    if (element instanceof HTMLElement && element.dataset.text) element.textContent = t(element.dataset.text);
  }
}
