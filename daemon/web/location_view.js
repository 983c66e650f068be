// @ts-check
// Where the customer is. Staff press "Location"; the customer's page says who asks (and why),
// and only if they agree asks the browser, whose own permission prompt follows. The answer —
// a position, or why there is none — is stored by the server and shown to staff with the
// operator's map link when there is one. Nothing is sent without the customer's yes.
import { PassingNote } from './dom.js';
import { t } from './i18n.js';

// How long the browser may look for a position before it answers "timeout".
const positionPatience = 20000;
// How long staff wait for an answer before they may ask again (the customer may not have decided).
const answerPatience = 30000;

/**
 * @typedef {{request?: string, id?: number, status?: string, name?: string, latitude?: number, longitude?: number,
 *   accuracy?: number, map_url?: string, error?: string}} LocationMessage
 */

/**
 * Why the browser gave no position, in the protocol's words.
 * @param {GeolocationPositionError} error
 */
function refusal(error) {
  if (error.code === error.PERMISSION_DENIED) return 'denied';
  if (error.code === error.TIMEOUT) return 'timeout';
  return 'unavailable';
}

/** @returns {Promise<GeolocationPosition>} */
function currentPosition() {
  return new Promise((resolve, reject) => navigator.geolocation.getCurrentPosition(resolve, reject,
    { enableHighAccuracy: true, timeout: positionPatience, maximumAge: 0 }));
}

export class LocationView {
  /**
   * @param {import('./protocol.js').CallSession} session
   * @param {{tools: HTMLElement, top: HTMLElement}} places staff's tool bar; the call's top area
   */
  constructor(session, { tools, top }) {
    this.session = session;
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.id = 'locate';
    // Why staff ask, in their words: the customer reads it before deciding.
    this.reason = document.createElement('input');
    this.reason.id = 'location-reason';
    this.reason.maxLength = 200;
    tools.append(this.reason, this.button);
    this.question = document.createElement('div');
    this.question.className = 'call-question';
    this.question.id = 'location-question';
    this.question.setAttribute('role', 'alertdialog');
    this.question.hidden = true;
    this.questionText = document.createElement('p');
    this.questionText.id = 'location-question-text';
    this.question.setAttribute('aria-labelledby', this.questionText.id);
    this.share = document.createElement('button');
    this.share.type = 'button';
    this.share.className = 'primary';
    this.decline = document.createElement('button');
    this.decline.type = 'button';
    this.question.append(this.questionText, this.share, this.decline);
    this.list = document.createElement('ul');
    this.list.className = 'call-locations';
    this.list.id = 'locations';
    this.list.hidden = true;
    this.note = PassingNote.create('location-note', 'photo-note');
    top.append(this.question, this.note.element, this.list);
    /** @type {{request: string, by: string, reason: string} | null} */
    this.asked = null;
    /** @type {LocationMessage[]} what staff were told, to say it again in another language */
    this.answers = [];
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.patience = undefined;

    this.button.onclick = () => {
      this.button.disabled = true;
      this.patience = setTimeout(() => { this.button.disabled = false; }, answerPatience);
      this.show('location.asking');
      const reason = this.reason.value.trim();
      session.send(reason ? { type: 'location_request', reason } : { type: 'location_request' });
    };
    this.share.onclick = () => this.answer(true);
    this.decline.onclick = () => this.answer(false);
    session.addEventListener('location_request', (e) => {
      const m = /** @type {CustomEvent} */ (e).detail;
      this.asked = { request: m.request, by: m.by, reason: m.reason ?? '' };
      this.translate();
      this.question.hidden = false;
      this.share.focus({ preventScroll: true });
    });
    session.addEventListener('location', (e) => this.onLocation(/** @type {CustomEvent} */ (e).detail));
    this.translate();
  }

  translate() {
    this.button.textContent = t('location.ask');
    this.reason.placeholder = t('location.reason');
    this.reason.setAttribute('aria-label', t('location.reason_label'));
    this.share.textContent = t('location.share');
    this.decline.textContent = t('location.decline');
    if (this.asked) {
      const { by, reason } = this.asked;
      this.questionText.textContent = reason ? t('location.prompt_reason', { name: by, reason }) : t('location.prompt', { name: by });
    }
    this.list.setAttribute('aria-label', t('location.list'));
    this.list.replaceChildren(...this.answers.map((m) => this.item(m)));
  }

  /**
   * Customer: answer the question: with the browser's position, or that they said no.
   * @param {boolean} agree
   */
  async answer(agree) {
    const asked = this.asked;
    if (!asked) return;
    this.asked = null;
    this.question.hidden = true;
    const reply = (/** @type {object} */ fields) => this.session.send({ type: 'location', request: asked.request, ...fields });
    if (!agree) return reply({ error: 'denied' });
    if (!navigator.geolocation) return reply({ error: 'unsupported' });
    try {
      const { coords, timestamp } = await currentPosition();
      reply({ latitude: coords.latitude, longitude: coords.longitude, accuracy: Math.min(coords.accuracy, 1e7),
        captured_at: Math.round(timestamp) });
    } catch (e) {
      reply({ error: e instanceof GeolocationPositionError ? refusal(e) : 'unavailable' });
    }
  }

  /** @param {LocationMessage} m */
  onLocation(m) {
    if (this.session.role === 'customer') {
      if (m.status) this.show(m.status === 'shared' ? 'location.shared_customer' : 'location.declined_customer');
      return;
    }
    clearTimeout(this.patience);
    this.button.disabled = false;
    if (m.error) return this.show('location.customer_left');
    this.note.hide();
    this.answers.push(m);
    this.list.append(this.item(m));
    this.list.hidden = false;
  }

  /**
   * One answer as staff see it: where, how precise, a map link; or why there is no position.
   * @param {LocationMessage} m
   */
  item(m) {
    const item = document.createElement('li');
    item.dataset.location = String(m.id);
    item.dataset.status = m.status ?? '';
    const text = document.createElement('span');
    const lang = document.documentElement.lang || undefined;
    const degrees = (/** @type {number | undefined} */ v) => (v ?? 0).toLocaleString(lang, { maximumFractionDigits: 5 });
    text.textContent = m.status === 'shared'
      ? t('location.shared', { name: m.name ?? '', lat: degrees(m.latitude), lon: degrees(m.longitude),
        accuracy: Math.round(m.accuracy ?? 0).toLocaleString(lang) })
      : t(`location.${m.status}`, { name: m.name ?? '' });
    item.append(text);
    if (m.map_url) {
      const link = document.createElement('a');
      link.href = m.map_url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = t('location.map');
      item.append(' ', link);
    }
    return item;
  }

  /** @param {string} key */
  show(key) {
    this.note.say(t(key));
  }

  // The call is over: what this view added to the page goes.
  clear() {
    clearTimeout(this.patience);
    this.note.hide();
    for (const element of [this.reason, this.button, this.question, this.note.element, this.list]) element.remove();
  }
}
