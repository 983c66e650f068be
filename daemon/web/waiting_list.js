// @ts-check
// The console's waiting room: who waits (name, reason, queue, and how long, counted on the page
// every second), Admit and Decline (with a message) for each, and "Admit next" for each queue
// the user takes customers from. The list is GET /api/v1/waiting, fetched again whenever the
// signalling socket says an appointment changed; someone new in it chimes and raises a
// notification.
import { chime, notify } from './arrival_alert.js';
import { ApiProblem, api, problemText } from './console_api.js';
import { byId } from './dom.js';
import { formatWaited, t } from './i18n.js';

/**
 * @typedef {{id: number, customer_name: string, reason: string | null, queue: string | null,
 *   waited_seconds: number}} WaitingCustomer
 * @typedef {{slug: string, name: string, members: string[]}} Queue
 * @typedef {{username: string, role: string}} User
 */

const reasonOf = problemText;

export class WaitingList {
  /** @param {(appointmentId: number) => void} join enters the call, as a row's Join does */
  constructor(join) {
    this.join = join;
    this.list = byId('waiting-list', HTMLUListElement);
    this.status = byId('waiting-status', HTMLElement);
    /** @type {Map<number, {row: HTMLLIElement, customer: WaitingCustomer}>} */
    this.rows = new Map();
    /** @type {Set<number> | null} everyone seen waiting (a reload in the waiting room is no new
     * arrival); null before the first refresh */
    this.known = null;
    /** when the list was fetched (performance.now()), for the time waited since */
    this.fetchedAt = 0;
    /** the latest refresh: an older answer arriving late is dropped */
    this.generation = 0;
    /** @type {Queue[]} */
    this.queues = [];
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.clock = undefined;
  }

  /**
   * The queues this user takes the next customer from: a specialist those they serve, a
   * supervisor or admin any.
   * @param {User} user
   */
  async loadQueues(user) {
    /** @type {{items: Queue[]}} */
    const page = await api('GET', '/api/v1/queues');
    this.queues = page.items.filter((q) => user.role !== 'specialist' || q.members.includes(user.username));
    this.renderQueues();
  }

  async refresh() {
    const generation = ++this.generation;
    /** @type {{items: WaitingCustomer[]}} */
    const page = await api('GET', '/api/v1/waiting');
    if (generation !== this.generation) return;
    this.fetchedAt = performance.now();
    const known = this.known;
    const arrived = known ? page.items.filter((w) => !known.has(w.id)) : [];
    this.known = new Set([...(known ?? []), ...page.items.map((w) => w.id)]);
    this.render(page.items);
    if (arrived.length > 0) this.announce(arrived);
    this.clock ??= setInterval(() => this.tick(), 1000);
  }

  stop() {
    clearInterval(this.clock);
    this.clock = undefined;
    this.known = null;
  }

  /** @param {WaitingCustomer[]} arrived */
  announce(arrived) {
    chime();
    for (const w of arrived) {
      notify(t('console.notify.title'), [w.customer_name, w.queue, w.reason].filter(Boolean).join(' · '), `waiting-${w.id}`);
    }
    this.say(arrived.map((w) => t('console.waiting.arrived', { name: w.customer_name })).join(' '));
  }

  /** @param {string} text */
  say(text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  // Rows stay in place (the oldest arrival first, newcomers last), so that a refresh does not
  // take the focus from a button.
  /** @param {WaitingCustomer[]} customers */
  render(customers) {
    const ids = new Set(customers.map((w) => w.id));
    for (const [id, { row }] of this.rows) {
      if (ids.has(id)) continue;
      row.remove();
      this.rows.delete(id);
    }
    for (const customer of customers) {
      const shown = this.rows.get(customer.id);
      if (shown) shown.customer = customer;
      else {
        const row = this.row(customer);
        this.rows.set(customer.id, { row, customer });
        this.list.append(row);
      }
    }
    byId('waiting-empty', HTMLElement).hidden = customers.length > 0;
    byId('waiting-count', HTMLElement).textContent = customers.length > 0 ? String(customers.length) : '';
    this.tick();
    this.renderQueues();
  }

  /** @param {WaitingCustomer} w */
  row(w) {
    const row = document.createElement('li');
    row.dataset.appointment = String(w.id);
    const who = document.createElement('p');
    who.className = 'waiting-who';
    const name = document.createElement('strong');
    name.className = 'waiting-name';
    name.textContent = w.customer_name;
    const line = document.createElement('span');
    line.className = 'state';
    line.textContent = w.queue ?? t('console.waiting.appointment');
    const waited = document.createElement('span');
    waited.className = 'waited';
    who.append(name, ' ', line, ' ', waited);
    row.append(who);
    if (w.reason) {
      const reason = document.createElement('p');
      reason.className = 'waiting-reason';
      reason.textContent = w.reason;
      row.append(reason);
    }
    const actions = document.createElement('p');
    actions.className = 'waiting-actions';
    const admit = document.createElement('button');
    admit.type = 'button';
    admit.className = 'admit';
    admit.textContent = t('console.waiting.admit');
    admit.onclick = () => this.admit(w.id);
    const decline = document.createElement('button');
    decline.type = 'button';
    decline.className = 'decline';
    decline.textContent = t('console.waiting.decline');
    decline.onclick = () => this.askDecline(w);
    actions.append(admit, decline);
    row.append(actions);
    return row;
  }

  // How long each has waited: the server's figure at the fetch, plus the time since on this
  // page's clock (so a browser clock set wrong does not matter).
  tick() {
    const since = (performance.now() - this.fetchedAt) / 1000;
    for (const { row, customer } of this.rows.values()) {
      const waited = row.querySelector('.waited');
      if (waited) waited.textContent = t('waiting.since', { time: formatWaited(customer.waited_seconds + since) });
    }
  }

  renderQueues() {
    const box = byId('admit-next', HTMLElement);
    const slugs = new Set(this.queues.map((q) => q.slug));
    for (const button of box.querySelectorAll('button')) if (!slugs.has(button.dataset.queue ?? '')) button.remove();
    for (const q of this.queues) {
      let button = /** @type {HTMLButtonElement | null} */ (box.querySelector(`button[data-queue="${q.slug}"]`));
      if (!button) {
        button = document.createElement('button');
        button.type = 'button';
        button.dataset.queue = q.slug;
        box.append(button);
      }
      button.onclick = () => this.admitNext(q);
      const waiting = [...this.rows.values()].filter((r) => r.customer.queue === q.name).length;
      button.textContent = `${t('console.waiting.admit_next', { queue: q.name })} (${waiting})`;
    }
    box.hidden = this.queues.length === 0;
  }

  /** @param {number} id */
  async admit(id) {
    try {
      await api('POST', `/api/v1/appointments/${id}/admit`, {});
      this.join(id);
    } catch (e) {
      this.say(t('console.waiting.failed', { reason: reasonOf(e) }));
    }
  }

  /** @param {Queue} queue */
  async admitNext(queue) {
    try {
      const taken = await api('POST', `/api/v1/queues/${encodeURIComponent(queue.slug)}/next`, {});
      this.join(taken.id);
    } catch (e) {
      this.say(e instanceof ApiProblem && e.code === 'queue_empty'
        ? t('console.waiting.nobody', { queue: queue.name })
        : t('console.waiting.failed', { reason: reasonOf(e) }));
    }
  }

  /**
   * A small dialog for the message the customer reads; Escape or Cancel keeps them waiting.
   * @param {WaitingCustomer} w
   */
  askDecline(w) {
    const dialog = byId('decline-dialog', HTMLDialogElement);
    const message = byId('decline-message', HTMLTextAreaElement);
    const problem = byId('decline-error', HTMLElement);
    byId('decline-title', HTMLElement).textContent = t('console.decline.title', { name: w.customer_name });
    message.value = '';
    problem.hidden = true;
    byId('decline-cancel', HTMLButtonElement).onclick = () => dialog.close();
    byId('decline-form', HTMLFormElement).onsubmit = async (event) => {
      event.preventDefault();
      const text = message.value.replace(/\s+/g, ' ').trim();
      try {
        await api('POST', `/api/v1/appointments/${w.id}/decline`, text ? { message: text } : {});
        dialog.close();
      } catch (e) {
        problem.textContent = t('console.waiting.failed', { reason: reasonOf(e) });
        problem.hidden = false;
      }
    };
    dialog.showModal();
    message.focus();
  }
}
