// @ts-check
// An appointment's recordings in the console: one entry per file (a participant's connection
// while the call recorded), with who, when, how long, its state, a player (the file is served
// with byte ranges, so it seeks) and a download link.
import { api, problemText } from './console_api.js';
import { byId } from './dom.js';
import { t } from './i18n.js';

/**
 * @typedef {{id: number, participant: {id: string, role: string, name: string}, state: string,
 *   started_at: string, duration_ms: number | null, size: number | null, content_url: string}} Recording
 */

/** 75000 → "1:15". */
function duration(/** @type {number | null} */ ms) {
  if (ms === null) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** 1536000 → "1.5 MB", 48000 → "48 kB", in the page's language. */
function size(/** @type {number | null} */ bytes) {
  if (bytes === null) return '';
  const lang = document.documentElement.lang || undefined;
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3)).toLocaleString(lang)} kB`;
  return `${(bytes / 1e6).toLocaleString(lang, { maximumFractionDigits: 1 })} MB`;
}

export class RecordingsDialog {
  /** @param {(iso: string) => string} formatTime a start as the console shows times */
  constructor(formatTime) {
    this.formatTime = formatTime;
    this.dialog = byId('recordings-dialog', HTMLDialogElement);
    this.list = byId('recordings-list', HTMLElement);
    this.problem = byId('recordings-error', HTMLElement);
    byId('recordings-close', HTMLButtonElement).onclick = () => this.dialog.close();
    // A player left playing in a closed dialog would go on sounding.
    this.dialog.addEventListener('close', () => this.list.replaceChildren());
  }

  /**
   * @param {number} appointmentId
   * @param {string} customerName
   */
  async open(appointmentId, customerName) {
    byId('recordings-title', HTMLElement).textContent = t('recordings.title', { name: customerName });
    this.list.replaceChildren();
    this.problem.hidden = true;
    this.dialog.showModal();
    try {
      const page = /** @type {{items: Recording[]}} */ (await api('GET', `/api/v1/appointments/${appointmentId}/recordings`));
      if (!page.items.length) this.problem.textContent = t('recordings.none');
      this.problem.hidden = page.items.length > 0;
      this.list.replaceChildren(...page.items.map((r) => this.entry(r)));
    } catch (e) {
      this.problem.textContent = problemText(e);
      this.problem.hidden = false;
    }
  }

  /** @param {Recording} r */
  entry(r) {
    const item = document.createElement('li');
    item.dataset.recording = String(r.id);
    const who = document.createElement('p');
    who.className = 'recording-who';
    who.textContent = t('recordings.who', { name: r.participant.name, role: t(`recordings.role_${r.participant.role}`) });
    const facts = document.createElement('p');
    facts.className = 'muted';
    facts.textContent = [this.formatTime(r.started_at), duration(r.duration_ms), size(r.size),
      t(`recordings.state_${r.state}`)].filter(Boolean).join(' · ');
    const player = document.createElement('video');
    player.controls = true;
    player.preload = 'metadata';
    player.src = r.content_url;
    player.setAttribute('aria-label', who.textContent);
    const download = document.createElement('a');
    download.href = r.content_url;
    download.textContent = t('recordings.download');
    download.setAttribute('download', '');
    item.append(who, facts, player, download);
    return item;
  }
}
