// @ts-check
// An appointment's photos in the console, after the call as during it: each shown small, opening
// at full size, with whose camera, when, how it was taken, its size, and a download link.
import { api, problemText } from './console_api.js';
import { byId } from './dom.js';
import { t } from './i18n.js';

/**
 * @typedef {{id: number, participant: {role: string, name: string}, source: string, width: number,
 *   height: number, taken_at: string, content_url: string}} Snapshot
 */

export class PhotosDialog {
  /** @param {(iso: string) => string} formatTime a time as the console shows times */
  constructor(formatTime) {
    this.formatTime = formatTime;
    this.dialog = byId('photos-dialog', HTMLDialogElement);
    this.list = byId('photos-list', HTMLElement);
    this.problem = byId('photos-error', HTMLElement);
    byId('photos-close', HTMLButtonElement).onclick = () => this.dialog.close();
  }

  /**
   * @param {number} appointmentId
   * @param {string} customerName
   */
  async open(appointmentId, customerName) {
    byId('photos-title', HTMLElement).textContent = t('photos.title', { name: customerName });
    this.list.replaceChildren();
    this.problem.hidden = true;
    this.dialog.showModal();
    try {
      const page = /** @type {{items: Snapshot[]}} */ (await api('GET', `/api/v1/appointments/${appointmentId}/snapshots`));
      if (!page.items.length) this.problem.textContent = t('photos.none');
      this.problem.hidden = page.items.length > 0;
      this.list.replaceChildren(...page.items.map((s, i) => this.entry(s, i + 1)));
    } catch (e) {
      this.problem.textContent = problemText(e);
      this.problem.hidden = false;
    }
  }

  /**
   * @param {Snapshot} s
   * @param {number} number
   */
  entry(s, number) {
    const item = document.createElement('li');
    item.dataset.snapshot = String(s.id);
    const open = document.createElement('a');
    open.href = `${s.content_url}?inline=1`;
    open.target = '_blank';
    open.rel = 'noopener';
    const image = document.createElement('img');
    image.src = `${s.content_url}?inline=1`;
    image.alt = t('photos.alt', { number: String(number), name: s.participant.name });
    image.loading = 'lazy';
    open.append(image);
    const facts = document.createElement('p');
    facts.className = 'muted';
    facts.textContent = [this.formatTime(s.taken_at), `${s.width} × ${s.height}`,
      t(s.source === 'server' ? 'photos.source_server' : 'photos.source_device')].join(' · ');
    const download = document.createElement('a');
    download.href = s.content_url;
    download.textContent = t('photos.download');
    download.setAttribute('download', '');
    item.append(open, facts, download);
    return item;
  }
}
