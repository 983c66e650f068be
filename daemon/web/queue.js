// @ts-check
// A queue's entry page, /q/<slug>: the customer gives a name (phone, email and reason if they
// like) and goes on to their join link, where they wait in line. A queue that takes nobody now
// (closed, outside its hours, full) says so, with when it opens next, instead of the form.
import { byId, showScreen } from './dom.js';
import { currentLanguage, formatInZone, hasText, startLanguage, t } from './i18n.js';
import { applyBranding } from './branding.js';

/**
 * @typedef {{slug: string, name: string, description: string, timezone: string, state: string,
 *   next_opening: string | null}} PublicQueue
 * @typedef {{status: string, language: string, queue?: PublicQueue,
 *   branding?: import('./branding.js').Branding}} QueueInfo
 */

/** @type {QueueInfo} */
const info = JSON.parse(byId('queue-info', HTMLScriptElement).textContent ?? '{}');

// The form's fields by the name the API gives them in a problem's `field`.
const fields = ['customer_name', 'customer_phone', 'customer_email', 'reason'];

/** @type {() => void} redraws the current screen's words (after a language switch) */
let render = () => {};

/** @param {string} field */
function input(field) {
  const element = document.querySelector(`#entry-form [name="${field}"]`);
  if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement))
    throw new Error(`the form has no ${field}`);
  return element;
}

/** @param {string} field */
function errorOf(field) {
  return byId(`${input(field).id}-error`, HTMLElement);
}

/** The unknown slug's page (the server answered 404). */
function showUnknown() {
  render = () => {
    byId('notice-title', HTMLElement).textContent = t('queue.unknown.title');
    byId('notice-text', HTMLElement).textContent = t('queue.unknown.text');
  };
  byId('notice-queue', HTMLElement).hidden = true;
  byId('notice-action', HTMLButtonElement).hidden = true;
  render();
  showScreen('notice');
}

/**
 * The queue takes nobody now: why, and when it opens next (in the queue's own time zone).
 * @param {PublicQueue} queue
 * @param {string} state "closed", "outside_hours" or "full"
 * @param {string | null} nextOpening
 */
function showNotTaking(queue, state, nextOpening) {
  const known = hasText(`queue.${state}.title`) ? state : 'closed';
  const name = byId('notice-queue', HTMLElement);
  name.textContent = queue.name;
  name.hidden = false;
  render = () => {
    byId('notice-title', HTMLElement).textContent = t(`queue.${known}.title`);
    // A full queue opens again as soon as someone is taken, whatever its hours.
    byId('notice-text', HTMLElement).textContent = known === 'full' ? t('queue.full.text')
      : nextOpening ? t('queue.next_opening', { time: formatInZone(nextOpening, queue.timezone) })
        : t('queue.later');
  };
  const retry = byId('notice-action', HTMLButtonElement);
  retry.hidden = false;
  retry.onclick = () => location.reload();
  render();
  showScreen('notice');
}

/**
 * The form's values as the API takes them: trimmed, empty ones left out; a phone number without
 * the spaces and dots people write in it; the reason on one line.
 * @param {string} language
 */
function entryBody(language) {
  /** @type {Record<string, string>} */
  const body = { locale: language };
  const name = input('customer_name').value.trim();
  const phone = input('customer_phone').value.replace(/[\s.()-]/g, '');
  const email = input('customer_email').value.trim();
  const reason = input('reason').value.replace(/\s+/g, ' ').trim();
  if (name) body.customer_name = name;
  if (phone) body.customer_phone = phone;
  if (email) body.customer_email = email;
  if (reason) body.reason = reason;
  return body;
}

/**
 * Shows the server's word on a field (or on the form when it names none); '' clears them all.
 * @param {string} code
 * @param {string} [field]
 */
function showProblem(code, field) {
  for (const name of fields) {
    errorOf(name).hidden = true;
    input(name).removeAttribute('aria-invalid');
  }
  const general = byId('entry-error', HTMLElement);
  general.hidden = true;
  if (!code) return;
  if (field && fields.includes(field)) {
    const element = errorOf(field);
    element.dataset.text = hasText(`queue.error.${code}`) ? `queue.error.${code}` : 'queue.error.field';
    element.textContent = t(element.dataset.text);
    element.hidden = false;
    input(field).setAttribute('aria-invalid', 'true');
    input(field).focus();
  } else {
    general.dataset.text = code === 'network' || code === 'too_many_entries' ? `queue.error.${code}` : 'queue.error.general';
    general.textContent = t(general.dataset.text);
    general.hidden = false;
  }
}

/**
 * @param {PublicQueue} queue
 * @param {() => string} language
 */
function showForm(queue, language) {
  render = () => {
    byId('queue-name', HTMLElement).textContent = queue.name;
    byId('queue-description', HTMLElement).textContent = queue.description;
    byId('queue-description', HTMLElement).hidden = !queue.description;
  };
  render();
  const form = byId('entry-form', HTMLFormElement);
  const submit = byId('enter', HTMLButtonElement);
  form.onsubmit = async (event) => {
    event.preventDefault();
    showProblem('');
    submit.disabled = true;
    submit.textContent = t('queue.sending');
    let leaving = false;
    try {
      const response = await fetch(`/api/v1/public/queues/${encodeURIComponent(queue.slug)}/entries`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(entryBody(language())),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.status === 201 && typeof answer.join_url === 'string') {
        leaving = true;  // a second click must not enter the line twice
        location.assign(answer.join_url);  // to the waiting room
        return;
      }
      if (response.status === 404) return showUnknown();
      if (response.status === 409 && typeof answer.code === 'string' && answer.code.startsWith('queue_'))
        return showNotTaking(queue, answer.code.slice('queue_'.length), answer.next_opening ?? null);
      showProblem(typeof answer.code === 'string' ? answer.code : 'general', answer.field);
    } catch (e) {
      console.warn('entering the queue failed', e);
      showProblem('network');
    } finally {
      if (!leaving) {
        submit.disabled = false;
        submit.textContent = t('queue.submit');
      }
    }
  };
  showScreen('entry');
  input('customer_name').focus();
}

function start() {
  const title = applyBranding(info.branding);
  const queue = info.queue;
  startLanguage(info.language, () => {
    title();
    if (queue) document.title = [queue.name, info.branding?.name].filter(Boolean).join(' · ');
    render();
  });
  if (info.status !== 'ok' || !queue) return showUnknown();
  if (queue.state !== 'open') return showNotTaking(queue, queue.state, queue.next_opening);
  showForm(queue, currentLanguage);
}

start();
