// @ts-check
// The signed-in user's own settings: the console's language and the time zone of the times it
// shows (PATCH /api/v1/users/{username}).
import { api, problemText } from './console_api.js';
import { byId } from './dom.js';
import { t } from './i18n.js';

export class SettingsDialog {
  /**
   * @param {(session: import('./console.js').Session) => void} onSaved with the session as it now is
   */
  constructor(onSaved) {
    this.onSaved = onSaved;
    /** @type {import('./console.js').Session | null} */
    this.user = null;
    this.dialog = byId('settings-dialog', HTMLDialogElement);
    this.language = byId('settings-language', HTMLSelectElement);
    this.zone = byId('settings-timezone', HTMLSelectElement);
    this.problem = byId('settings-error', HTMLElement);
    byId('settings-cancel', HTMLButtonElement).onclick = () => this.dialog.close();
    byId('settings-form', HTMLFormElement).onsubmit = (event) => {
      event.preventDefault();
      this.save();
    };
  }

  open() {
    const session = this.user;
    if (!session) return;
    this.language.replaceChildren(new Option(t('settings.language_browser'), ''), new Option('English', 'en'),
      new Option('Français', 'fr'));
    this.language.value = session.user.language;
    // The organisation's zone is the session's when the user has none of their own.
    const organisation = session.user.timezone ? '' : session.timezone;
    this.zone.replaceChildren(new Option(t('settings.timezone_default', { zone: organisation || 'notify.timezone' }), ''),
      ...Intl.supportedValuesOf('timeZone').map((zone) => new Option(zone.replaceAll('_', ' '), zone)));
    this.zone.value = session.user.timezone;
    this.problem.hidden = true;
    this.dialog.showModal();
  }

  async save() {
    const session = this.user;
    if (!session) return;
    try {
      await api('PATCH', `/api/v1/users/${encodeURIComponent(session.user.username)}`,
        { language: this.language.value, timezone: this.zone.value });
      this.dialog.close();
      this.onSaved(await api('GET', '/api/v1/session'));
    } catch (e) {
      this.problem.textContent = problemText(e);
      this.problem.hidden = false;
    }
  }
}
