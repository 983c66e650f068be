// @ts-check
// The specialist console, /console: sign in, who waits and today's appointments kept live over
// the signalling socket, on-demand appointments with a link to copy, and the call itself with
// "end for all".
import { askNotificationPermissionOnce, prepareSound } from './arrival_alert.js';
import { CallView } from './call_view.js';
import { ChatView } from './chat_view.js';
import { SnapshotView } from './snapshot_view.js';
import { GuideView } from './guide_view.js';
import { ApiProblem, api, csrfHeaders, problemText, setCsrfToken } from './console_api.js';
import { byId, showScreen, translatePage } from './dom.js';
import { formatDay, hasText, initLanguage, t, useLanguage } from './i18n.js';
import { dateIn, rangeFor } from './appointment_days.js';
import { PhotosDialog } from './photos_dialog.js';
import { RecordingsDialog } from './recordings_dialog.js';
import { SettingsDialog } from './settings_dialog.js';
import { CallSession, protocolVersion } from './protocol.js';
import { WaitingList } from './waiting_list.js';

/**
 * @typedef {{id: number, state: string, closed: boolean, customer_name: string, starts_at: string,
 *   customer_phone?: string | null, customer_email?: string | null, connected?: number, recordings?: number, snapshots?: number}} Appointment
 * @typedef {{user: {username: string, display_name: string, role: string, language: string, timezone: string},
 *   timezone: string, csrf_token: string}} Session
 */

const waiting = new WaitingList((id) => startCall(id));
const recordingsDialog = new RecordingsDialog((iso) => formatStart(iso, 'full'));
const photosDialog = new PhotosDialog((iso) => formatStart(iso, 'full'));

/** @param {Date} date */
function isoSeconds(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- signing in ----

/** what the list shows: a day (today unless one was picked), the upcoming or the past ones */
const listing = { view: /** @type {import('./appointment_days.js').DayView} */ ('day'), day: '', zone: 'UTC', query: '' };
/** @type {Appointment[]} the appointments of the view, as last loaded */
let loaded = [];

/** @param {Session} session */
function signedIn(session) {
  setCsrfToken(session.csrf_token);
  // The user's own language and zone, else the browser's language and the organisation's zone.
  if (session.user.language) useLanguage(session.user.language);
  else initLanguage(navigator.language.slice(0, 2));
  translatePage(t);
  const live = byId('live', HTMLElement);
  if (live.dataset.state) live.textContent = t(live.dataset.state === 'in_call' ? 'console.live' : 'console.reconnecting');
  listing.zone = session.timezone || 'UTC';
  listing.day = dateIn(new Date(), listing.zone);
  listing.view = 'day';
  settings.user = session;
  byId('settings', HTMLButtonElement).hidden = false;
  byId('who', HTMLElement).textContent = session.user.display_name || session.user.username;
  byId('sign-out', HTMLButtonElement).hidden = false;
  showDashboard();
  askNotificationPermissionOnce();
  waiting.loadQueues(session.user).catch((e) => console.warn('queues', e));
}

function showSignIn() {
  setCsrfToken('');
  stopWatching();
  waiting.stop();
  byId('who', HTMLElement).textContent = '';
  byId('sign-out', HTMLButtonElement).hidden = true;
  byId('settings', HTMLButtonElement).hidden = true;
  showScreen('sign-in');
  const form = byId('sign-in-form', HTMLFormElement);
  const problem = byId('sign-in-error', HTMLElement);
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      const session = await api('POST', '/api/v1/session', {
        username: byId('username', HTMLInputElement).value,
        password: byId('password', HTMLInputElement).value,
      });
      byId('password', HTMLInputElement).value = '';
      problem.hidden = true;
      signedIn(session);
    } catch (e) {
      problem.textContent = problemText(e);
      problem.hidden = false;
    }
  };
}

// ---- who waits and today's appointments, live ----

/** @type {WebSocket | null} */
let watcher = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let watchRetry = undefined;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshSoon = undefined;

function watch() {
  const url = new URL('/ws/v1', location.href);
  url.protocol = 'wss:';
  const socket = new WebSocket(url);
  watcher = socket;
  const live = byId('live', HTMLElement);
  socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', version: protocolVersion, watch: true }));
  socket.onmessage = (event) => {
    const m = JSON.parse(String(event.data));
    if (m.type === 'welcome') {
      live.textContent = t('console.live');
      live.dataset.state = 'in_call';
      refresh();
    } else if (m.type === 'appointment') {
      clearTimeout(refreshSoon);
      refreshSoon = setTimeout(refresh, 100);
    } else if (m.type === 'error' && m.code === 'authentication_required') {
      showSignIn();
    }
  };
  socket.onclose = () => {
    if (socket !== watcher) return;
    live.textContent = t('console.reconnecting');
    live.dataset.state = 'waiting';
    watchRetry = setTimeout(watch, 2000);
  };
}

function stopWatching() {
  clearTimeout(watchRetry);
  const socket = watcher;
  watcher = null;
  socket?.close();
}

function refresh() {
  refreshAppointments();
  waiting.refresh().catch((e) => {
    if (e instanceof ApiProblem && e.status === 401) return showSignIn();
    console.warn('waiting list', e);
  });
}

async function refreshAppointments() {
  const { from, to } = rangeFor(listing.view, listing.day, listing.zone);
  /** @type {{items: Appointment[]}} */
  let page;
  try {
    page = await api('GET', `/api/v1/appointments?from=${isoSeconds(from)}&to=${isoSeconds(to)}&limit=500`);
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 401) return showSignIn();
    throw e;
  }
  loaded = page.items.sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.id - b.id);
  if (listing.view === 'past') loaded.reverse();  // the latest first
  showAppointments();
}

// The loaded appointments that match the search, with the view's title and what an empty
// list means.
function showAppointments() {
  const query = listing.query.trim().toLocaleLowerCase();
  // Phone numbers are stored as +33612345678: "06 12 34" matches without its national 0.
  const digits = query.replace(/[^\d]/g, '').replace(/^0+/, '');
  const matches = (/** @type {Appointment} */ a) => !query || a.customer_name.toLocaleLowerCase().includes(query) ||
    (a.customer_email ?? '').toLocaleLowerCase().includes(query) ||
    (digits.length >= 3 && (a.customer_phone ?? '').replace(/[^\d]/g, '').includes(digits));
  const shown = loaded.filter(matches);
  byId('appointments', HTMLElement).replaceChildren(...shown.map(appointmentRow));
  const today = listing.day === dateIn(new Date(), listing.zone);
  const title = byId('appointments-title', HTMLElement);
  if (listing.view === 'day' && !today) {
    delete title.dataset.text;
    title.textContent = formatDay(listing.day);
  } else {
    title.dataset.text = listing.view === 'day' ? 'console.today' : `console.${listing.view}`;
    title.textContent = t(title.dataset.text);
  }
  for (const button of document.querySelectorAll('.views button')) {
    if (!(button instanceof HTMLButtonElement)) continue;
    const view = button.dataset.view === 'today' ? 'day' : button.dataset.view;
    button.setAttribute('aria-pressed', String(view === listing.view && (view !== 'day' || today)));
  }
  byId('day-choice', HTMLInputElement).value = listing.view === 'day' ? listing.day : '';
  byId('times-in', HTMLElement).textContent = t('console.times_in', { zone: listing.zone });
  const none = byId('no-appointments', HTMLElement);
  none.hidden = shown.length > 0;
  none.textContent = query ? t('console.no_match', { query: listing.query.trim() })
    : listing.view === 'upcoming' ? t('console.none_upcoming') : listing.view === 'past' ? t('console.none_past')
    : today ? t('console.no_appointments') : t('console.none_on', { day: formatDay(listing.day) });
}

/** The start as the list shows it: the time on a day's list, the date and time otherwise. */
function formatStart(/** @type {string} */ iso, /** @type {'list' | 'full'} */ how = 'list') {
  /** @type {Intl.DateTimeFormatOptions} */
  const options = listing.view === 'day' && how === 'list' ? { hour: '2-digit', minute: '2-digit' }
    : { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(document.documentElement.lang, { ...options, timeZone: listing.zone }).format(new Date(iso));
}

/** @param {Appointment} a */
function appointmentRow(a) {
  const row = document.createElement('tr');
  row.dataset.appointment = String(a.id);
  const time = document.createElement('td');
  time.textContent = formatStart(a.starts_at);
  const name = document.createElement('td');
  name.textContent = a.customer_name;
  const state = document.createElement('td');
  const badge = document.createElement('span');
  badge.className = 'state';
  // "waiting" with nobody connected is a call everyone left: it says so rather than "waiting".
  const shown = a.state === 'waiting' && a.connected === 0 ? 'nobody' : a.state;
  badge.dataset.state = shown;
  badge.textContent = hasText(`console.state.${shown}`) ? t(`console.state.${shown}`) : shown;
  state.append(badge);
  const actions = document.createElement('td');
  actions.className = 'actions';
  if (!a.closed) {
    const join = document.createElement('button');
    join.type = 'button';
    join.textContent = t('console.join');
    join.className = 'join';
    join.onclick = () => startCall(a.id);
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.textContent = t('console.copy_link');
    copy.onclick = async () => {
      const link = await api('POST', `/api/v1/appointments/${a.id}/links`, { role: 'customer' });
      await copyText(link.join_url, copy);
    };
    actions.append(join, copy);
  }
  if ((a.recordings ?? 0) > 0) {
    const show = document.createElement('button');
    show.type = 'button';
    show.className = 'recordings';
    show.textContent = t('console.recordings', { count: String(a.recordings) });
    show.onclick = () => recordingsDialog.open(a.id, a.customer_name);
    actions.append(show);
  }
  if ((a.snapshots ?? 0) > 0) {
    const show = document.createElement('button');
    show.type = 'button';
    show.className = 'photos';
    show.textContent = t('console.photos', { count: String(a.snapshots) });
    show.onclick = () => photosDialog.open(a.id, a.customer_name);
    actions.append(show);
  }
  row.append(time, name, state, actions);
  return row;
}

/**
 * @param {string} text
 * @param {HTMLButtonElement} button
 */
async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t('console.copied');
  } catch {
    button.textContent = t('console.copy_failed');
  }
}

function showDashboard(message = '') {
  const notice = byId('dashboard-notice', HTMLElement);
  notice.textContent = message;
  notice.hidden = !message;
  showScreen('dashboard');
  if (!watcher) watch();
  refresh();

  const form = byId('on-demand-form', HTMLFormElement);
  const problem = byId('on-demand-error', HTMLElement);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const phone = byId('customer-phone', HTMLInputElement).value.trim();
    const email = byId('customer-email', HTMLInputElement).value.trim();
    try {
      const created = await api('POST', '/api/v1/appointments', {
        customer_name: byId('customer-name', HTMLInputElement).value.trim(),
        ...(phone ? { customer_phone: phone } : {}),
        ...(email ? { customer_email: email } : {}),
      });
      problem.hidden = true;
      form.reset();
      byId('new-link', HTMLElement).hidden = false;
      byId('new-link-url', HTMLInputElement).value = created.join_url;
      const copy = byId('copy-new-link', HTMLButtonElement);
      copy.textContent = t('console.copy_link');
      copy.onclick = () => copyText(created.join_url, copy);
      byId('join-new', HTMLButtonElement).onclick = () => startCall(created.id);
      refreshAppointments();
    } catch (e) {
      problem.textContent = problemText(e);
      problem.hidden = false;
    }
  };
}

// ---- the call ----

/** @param {number} appointmentId */
async function startCall(appointmentId) {
  /** @type {MediaStream} */
  let local;
  try {
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } });
  } catch (e) {
    return showDashboard(t('console.devices_refused', { reason: e instanceof Error ? e.message : String(e) }));
  }
  byId('new-link', HTMLElement).hidden = true;  // that link was for the call we go to, or another
  const session = new CallSession({ appointmentId }, local);
  /** @type {any} */ (window).assistCall = session;
  const view = new CallView(session, {
    onLeave: () => {
      view.clear();
      chat.clear();
      photos.clear();
      guide.clear();
      showDashboard(t('console.left'));
    },
    onEndForAll: () => session.endForAll(),
  });
  // Files go with the session cookie; uploads carry the CSRF token like every write.
  const chat = new ChatView(session, { headers: csrfHeaders, previews: true });
  const photos = new SnapshotView(session, { headers: csrfHeaders });
  const guide = new GuideView(session, { headers: csrfHeaders });
  session.addEventListener('ended', () => {
    view.clear();
    chat.clear();
    photos.clear();
    guide.clear();
    showDashboard(t('console.ended'));
  });
  session.addEventListener('fatal', (e) => {
    view.clear();
    chat.clear();
    photos.clear();
    guide.clear();
    showDashboard(t('console.stopped', { reason: /** @type {CustomEvent} */ (e).detail.message }));
  });
  session.addEventListener('problem', (e) => console.warn('call problem', /** @type {CustomEvent} */ (e).detail));
  view.showStatus('call.waiting');
  showScreen('call');
  session.join();
}

/** @param {Partial<typeof listing>} change */
function showListing(change) {
  Object.assign(listing, change);
  refreshAppointments().catch((e) => console.warn('appointments', e));
}

const settings = new SettingsDialog((session) => {
  signedIn(session);
});

async function start() {
  initLanguage(navigator.language.slice(0, 2));
  translatePage(t);
  for (const button of document.querySelectorAll('.views button')) {
    if (!(button instanceof HTMLButtonElement)) continue;
    button.onclick = () => {
      const view = button.dataset.view;
      showListing(view === 'today' ? { view: 'day', day: dateIn(new Date(), listing.zone) }
        : { view: view === 'past' ? 'past' : 'upcoming', day: dateIn(new Date(), listing.zone) });
    };
  }
  const dayChoice = byId('day-choice', HTMLInputElement);
  dayChoice.onchange = () => { if (dayChoice.value) showListing({ view: 'day', day: dayChoice.value }); };
  const search = byId('appointment-search', HTMLInputElement);
  search.oninput = () => {
    listing.query = search.value;
    showAppointments();
  };
  byId('settings', HTMLButtonElement).onclick = () => settings.open();
  prepareSound();
  byId('sign-out', HTMLButtonElement).onclick = async () => {
    await api('DELETE', '/api/v1/session').catch(() => {});
    showSignIn();
  };
  try {
    signedIn(await api('GET', '/api/v1/session'));
  } catch {
    showSignIn();
  }
}

start();
