// @ts-check
// The specialist console, /console: sign in, who waits and today's appointments kept live over
// the signalling socket, on-demand appointments with a link to copy, and the call itself with
// "end for all".
import { askNotificationPermissionOnce, prepareSound } from './arrival_alert.js';
import { CallView } from './call_view.js';
import { ChatView } from './chat_view.js';
import { ApiProblem, api, csrfHeaders, setCsrfToken } from './console_api.js';
import { byId, showScreen, translatePage } from './dom.js';
import { hasText, initLanguage, t } from './i18n.js';
import { CallSession, protocolVersion } from './protocol.js';
import { WaitingList } from './waiting_list.js';

/** @typedef {{id: number, state: string, closed: boolean, customer_name: string, starts_at: string}} Appointment */

const waiting = new WaitingList((id) => startCall(id));

/** @param {Date} date */
function isoSeconds(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- signing in ----

/** @param {{user: {username: string, display_name: string, role: string}, csrf_token: string}} session */
function signedIn(session) {
  setCsrfToken(session.csrf_token);
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
      problem.textContent = e instanceof Error ? e.message : String(e);
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
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  /** @type {{items: Appointment[]}} */
  let page;
  try {
    page = await api('GET', `/api/v1/appointments?from=${isoSeconds(start)}&to=${isoSeconds(end)}&limit=500`);
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 401) return showSignIn();
    throw e;
  }
  const body = byId('appointments', HTMLElement);
  body.replaceChildren(...page.items.map(appointmentRow));
  byId('no-appointments', HTMLElement).hidden = page.items.length > 0;
}

/** @param {Appointment} a */
function appointmentRow(a) {
  const row = document.createElement('tr');
  row.dataset.appointment = String(a.id);
  const time = document.createElement('td');
  time.textContent = new Date(a.starts_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const name = document.createElement('td');
  name.textContent = a.customer_name;
  const state = document.createElement('td');
  const badge = document.createElement('span');
  badge.className = 'state';
  badge.dataset.state = a.state;
  badge.textContent = hasText(`console.state.${a.state}`) ? t(`console.state.${a.state}`) : a.state;
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
      problem.textContent = e instanceof Error ? e.message : String(e);
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
  const session = new CallSession({ appointmentId }, local);
  /** @type {any} */ (window).assistCall = session;
  const view = new CallView(session, {
    onLeave: () => {
      view.clear();
      chat.clear();
      showDashboard(t('console.left'));
    },
    onEndForAll: () => session.endForAll(),
  });
  // Files go with the session cookie; uploads carry the CSRF token like every write.
  const chat = new ChatView(session, { headers: csrfHeaders, previews: true });
  session.addEventListener('ended', () => {
    view.clear();
    chat.clear();
    showDashboard(t('console.ended'));
  });
  session.addEventListener('fatal', (e) => {
    view.clear();
    chat.clear();
    showDashboard(t('console.stopped', { reason: /** @type {CustomEvent} */ (e).detail.message }));
  });
  session.addEventListener('problem', (e) => console.warn('call problem', /** @type {CustomEvent} */ (e).detail));
  view.showStatus('call.waiting');
  showScreen('call');
  session.join();
}

async function start() {
  initLanguage(navigator.language.slice(0, 2));
  translatePage(t);
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
