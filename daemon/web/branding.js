// @ts-check
// The company on the customer pages (branding.* in assistd.yaml): its name and logo in the
// header and the tab's title, its colour on buttons and links.
import { byId } from './dom.js';
import { t } from './i18n.js';

/** @typedef {{name: string, color: string, logo: boolean}} Branding */

/**
 * @param {Branding | undefined} branding
 * @returns {() => void} what to call again after a language switch (the title)
 */
export function applyBranding(branding) {
  const name = branding?.name ?? '';
  const title = byId('brand-name', HTMLElement);
  if (name) {
    delete title.dataset.text;  // the company's name, in every language
    title.textContent = name;
  }
  if (branding?.logo) {
    const logo = document.createElement('img');
    logo.src = '/brand/logo';
    logo.className = 'logo';
    logo.alt = name ? '' : t('app.logo');  // beside the name it would only repeat it
    title.before(logo);
  }
  if (branding?.color) document.documentElement.style.setProperty('--accent', branding.color);
  return () => { document.title = name || t('app.name'); };
}
