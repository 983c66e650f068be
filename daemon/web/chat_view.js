// @ts-check
// The in-call chat both pages share: a Chat button with an unread badge among the call's
// controls, and a panel (a side panel on a wide screen, a sheet over the videos on a phone)
// with the messages, who is typing, and a box to write in or drop files on. Message text and
// file names only ever become text nodes; links (http and https only) become <a> elements
// built here. Pages provide the #call section that CallView fills.
import { byId } from './dom.js';
import { formatClock, formatSize, t } from './i18n.js';
import { maxChatCharacters } from './protocol.js';

const panelMarkup = `
  <div class="chat-head">
    <h2 id="chat-title"></h2>
    <button id="chat-close" type="button" class="chat-close"><span aria-hidden="true">×</span></button>
  </div>
  <div class="chat-log" role="log" aria-labelledby="chat-title">
    <ol id="chat-messages" class="chat-messages" aria-labelledby="chat-title" tabindex="0"></ol>
  </div>
  <p id="chat-empty" class="chat-empty"></p>
  <ul id="chat-uploads" class="chat-uploads"></ul>
  <p id="chat-typing" class="chat-typing" aria-live="polite"></p>
  <p id="chat-error" class="chat-error" role="alert" hidden></p>
  <form id="chat-form" class="chat-form">
    <label id="chat-input-label" for="chat-input" class="sr-only"></label>
    <textarea id="chat-input" rows="1" aria-describedby="chat-hint chat-count"></textarea>
    <div class="chat-actions">
      <span id="chat-count" class="chat-count" aria-live="polite"></span>
      <input id="chat-file" type="file" multiple hidden>
      <button id="chat-attach" type="button"></button>
      <button id="chat-send" type="submit" class="send"></button>
    </div>
    <p id="chat-hint" class="sr-only"></p>
  </form>
  <p id="chat-drop" class="chat-drop" aria-hidden="true"></p>`;

// Typing notices: repeated while the typing goes on, a stop after a pause; the other side
// forgets one that is not repeated (a notice may be dropped, a page may vanish).
const typingRepeat = 3000;
const typingPause = 5000;
const typingForget = 7000;
// The counter shows from this many characters left.
const countFrom = 200;
const previewTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const linkPattern = /\bhttps?:\/\/[^\s<>"]+/gi;

/**
 * How a page reaches the files API: the customer's page with its join token, the console with
 * its session cookie and CSRF token. With `previews`, images show inline.
 * @typedef {{headers: () => Record<string, string>, previews: boolean}} FileAccess
 * @typedef {import('./protocol.js').ChatMessage} ChatMessage
 * @typedef {import('./protocol.js').SharedFile} SharedFile
 */

/**
 * The text of a message as nodes: plain text, and links for what parses as an http(s) URL.
 * @param {string} text
 * @returns {Node[]}
 */
export function messageNodes(text) {
  /** @type {Node[]} */
  const nodes = [];
  let at = 0;
  for (const match of text.matchAll(linkPattern)) {
    let candidate = match[0];
    // Punctuation that ends a sentence is not part of the link, nor a closing bracket that
    // opened before it.
    while (/[.,;:!?'’”)\]]$/.test(candidate)) {
      const last = candidate.slice(-1);
      if (last === ')' && candidate.split('(').length > candidate.split(')').length - 1) break;
      if (last === ']' && candidate.split('[').length > candidate.split(']').length - 1) break;
      candidate = candidate.slice(0, -1);
    }
    const start = match.index ?? 0;
    /** @type {URL | null} */
    let url = null;
    try {
      url = new URL(candidate);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) continue;
    if (start > at) nodes.push(document.createTextNode(text.slice(at, start)));
    const link = document.createElement('a');
    link.href = url.href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = candidate;
    nodes.push(link);
    at = start + candidate.length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

/** @param {string} text */
function characters(text) {
  return [...text.trim()].length;
}

/**
 * @param {string} tag
 * @param {string} className
 * @param {string} [text]
 */
function element(tag, className, text) {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class ChatView {
  /**
   * Adds the chat to the page's call screen (once) and runs it for `session`; messages of an
   * earlier session are cleared.
   * @param {import('./protocol.js').CallSession} session
   * @param {FileAccess} files
   */
  constructor(session, files) {
    const section = byId('call', HTMLElement);
    if (!document.getElementById('chat')) {
      const panel = document.createElement('aside');
      panel.id = 'chat';
      panel.className = 'chat';
      panel.hidden = true;
      panel.setAttribute('aria-labelledby', 'chat-title');
      panel.innerHTML = panelMarkup;
      section.append(panel);
      const toggle = document.createElement('button');
      toggle.id = 'chat-toggle';
      toggle.type = 'button';
      toggle.className = 'chat-toggle';
      toggle.setAttribute('aria-controls', 'chat');
      toggle.append(element('span', '', ''), element('span', 'badge', ''));
      const controls = section.querySelector('.controls');
      controls?.insertBefore(toggle, controls.querySelector('#hang-up'));
      const announce = element('p', 'sr-only');
      announce.id = 'chat-announce';
      announce.setAttribute('role', 'status');
      section.append(announce);
    }
    this.session = session;
    this.files = files;
    this.section = section;
    this.panel = byId('chat', HTMLElement);
    this.toggleButton = byId('chat-toggle', HTMLButtonElement);
    this.list = byId('chat-messages', HTMLOListElement);
    this.empty = byId('chat-empty', HTMLElement);
    this.uploads = byId('chat-uploads', HTMLUListElement);
    this.typingLine = byId('chat-typing', HTMLElement);
    this.error = byId('chat-error', HTMLElement);
    this.form = byId('chat-form', HTMLFormElement);
    this.input = byId('chat-input', HTMLTextAreaElement);
    this.count = byId('chat-count', HTMLElement);
    this.fileInput = byId('chat-file', HTMLInputElement);
    this.attach = byId('chat-attach', HTMLButtonElement);
    this.sendButton = byId('chat-send', HTMLButtonElement);
    this.announce = byId('chat-announce', HTMLElement);
    /** @type {Map<number, HTMLLIElement>} the messages shown, by id */
    this.shown = new Map();
    /** @type {Map<string, {name: string, timer: ReturnType<typeof setTimeout>}>} who else types */
    this.typers = new Map();
    /** @type {Set<string>} blob: URLs of previews, revoked when the chat is cleared */
    this.blobs = new Set();
    /** @type {Set<XMLHttpRequest>} */
    this.sending = new Set();
    this.unread = 0;
    // Messages in the first history were there before this page: they are not unread.
    this.primed = false;
    this.typingSentAt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.typingTimer = undefined;
    this.lastSent = '';

    this.list.replaceChildren();
    this.empty.hidden = false;
    this.uploads.replaceChildren();
    this.input.value = '';
    this.showError('');
    this.setOpen(false, false);

    this.toggleButton.onclick = () => this.setOpen(this.panel.hidden);
    byId('chat-close', HTMLButtonElement).onclick = () => this.setOpen(false);
    this.panel.onkeydown = (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.setOpen(false);
      }
    };
    this.list.onscroll = () => { if (this.atBottom()) this.markRead(); };
    this.form.onsubmit = (event) => {
      event.preventDefault();
      this.send();
    };
    this.input.onkeydown = (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    };
    this.input.oninput = () => this.onInput();
    this.attach.onclick = () => this.fileInput.click();
    this.fileInput.onchange = () => {
      for (const file of this.fileInput.files ?? []) this.upload(file);
      this.fileInput.value = '';
    };
    // Files dragged over the call open the chat and show where to drop them; dropped on the
    // chat they are sent, elsewhere nothing happens (the browser would open the file instead
    // of the call).
    const carriesFiles = (/** @type {DragEvent} */ event) => Boolean(event.dataTransfer?.types.includes('Files'));
    const onChat = (/** @type {DragEvent} */ event) => event.target instanceof Node && this.panel.contains(event.target);
    section.ondragover = (event) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault();
      if (this.panel.hidden) this.setOpen(true, false);
      event.dataTransfer.dropEffect = onChat(event) ? 'copy' : 'none';
      this.panel.classList.add('dropping');
    };
    section.ondragleave = (event) => {
      if (!(event.relatedTarget instanceof Node) || !section.contains(event.relatedTarget)) {
        this.panel.classList.remove('dropping');
      }
    };
    section.ondrop = (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      this.panel.classList.remove('dropping');
      if (onChat(event)) for (const file of event.dataTransfer?.files ?? []) this.upload(file);
    };

    session.addEventListener('chat-history', (e) => {
      const messages = /** @type {ChatMessage[]} */ (/** @type {CustomEvent} */ (e).detail);
      for (const m of messages) this.add(m, this.primed);
      this.primed = true;
      this.scrollToEnd();
    });
    session.addEventListener('chat', (e) => this.add(/** @type {CustomEvent} */ (e).detail, true));
    session.addEventListener('typing', (e) => this.onTyping(/** @type {CustomEvent} */ (e).detail));
    session.addEventListener('state', (e) => {
      const here = new Set(/** @type {CustomEvent} */ (e).detail.participants.map((/** @type {{id: string}} */ p) => p.id));
      for (const participant of [...this.typers.keys()]) if (!here.has(participant)) this.forgetTyper(participant);
    });
    session.addEventListener('problem', (e) => {
      const { code } = /** @type {CustomEvent} */ (e).detail;
      /** @type {Record<string, string>} */
      const texts = { rate_limited: 'chat.rate_limited', too_large: 'chat.too_long', chat_not_stored: 'chat.not_stored' };
      const text = texts[code];
      if (!text) return;
      this.showError(t(text));
      // The refused message is not lost: it goes back into the box unless something new is there.
      if (!this.input.value && this.lastSent) {
        this.input.value = this.lastSent;
        this.onInput();
      }
      this.lastSent = '';
    });
    this.translate();
  }

  /** Fills in the words of the current language (after a language switch too). */
  translate() {
    byId('chat-title', HTMLElement).textContent = t('chat.title');
    const close = byId('chat-close', HTMLButtonElement);
    close.setAttribute('aria-label', t('chat.close'));
    close.title = t('chat.close');
    byId('chat-input-label', HTMLElement).textContent = t('chat.input_label');
    byId('chat-hint', HTMLElement).textContent = t('chat.hint');
    byId('chat-drop', HTMLElement).textContent = t('chat.drop');
    this.input.placeholder = t('chat.placeholder');
    this.attach.textContent = t('chat.attach');
    this.sendButton.textContent = t('chat.send');
    this.empty.textContent = t('chat.empty');
    for (const item of this.shown.values()) this.fillMeta(item);
    for (const size of this.list.querySelectorAll('[data-size]')) {
      if (size instanceof HTMLElement) size.textContent = formatSize(Number(size.dataset.size));
    }
    for (const button of this.list.querySelectorAll('button.file-download')) {
      if (button instanceof HTMLButtonElement) button.textContent = t('file.download');
    }
    this.showTyping();
    this.showBadge();
    this.onInput(false);
  }

  // ---- opening, unread ----

  /**
   * @param {boolean} open
   * @param {boolean} [moveFocus]
   */
  setOpen(open, moveFocus = true) {
    this.panel.hidden = !open;
    this.section.classList.toggle('chat-open', open);
    this.toggleButton.setAttribute('aria-expanded', String(open));
    if (open) {
      this.scrollToEnd();
      this.markRead();
      if (moveFocus) this.input.focus();
    } else if (moveFocus) {
      this.toggleButton.focus();
    }
  }

  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 24;
  }

  scrollToEnd() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  markRead() {
    if (this.panel.hidden || this.unread === 0) return;
    this.unread = 0;
    this.showBadge();
  }

  showBadge() {
    const [label, badge] = /** @type {HTMLElement[]} */ ([...this.toggleButton.children]);
    label.textContent = t('chat.open');
    badge.textContent = this.unread > 99 ? '99+' : String(this.unread);
    badge.hidden = this.unread === 0;
    this.toggleButton.dataset.unread = String(this.unread);
    if (this.unread > 0) this.toggleButton.setAttribute('aria-label', `${t('chat.open')}, ${t('chat.unread', { n: String(this.unread) })}`);
    else this.toggleButton.removeAttribute('aria-label');
  }

  // ---- messages ----

  /**
   * Shows a message once (history after a reconnect repeats messages), in the order of ids.
   * @param {ChatMessage} m
   * @param {boolean} fresh whether it arrived now (it may count as unread)
   */
  add(m, fresh) {
    if (typeof m?.id !== 'number' || this.shown.has(m.id)) return;
    const own = this.session.isOwn(m);
    const item = /** @type {HTMLLIElement} */ (element('li', `chat-message ${own ? 'own' : 'other'}`));
    item.dataset.id = String(m.id);
    item.dataset.participant = m.participant;
    item.dataset.name = m.name;
    item.dataset.sentAt = m.sent_at;
    const meta = element('p', 'chat-meta');
    meta.append(element('span', 'chat-name'), element('time', 'chat-time'));
    item.append(meta, m.file ? this.fileCard(m.file) : this.textBody(m.text));
    this.fillMeta(item);

    const wasAtBottom = this.atBottom();
    const later = [...this.shown.keys()].filter((id) => id > m.id).sort((a, b) => a - b)[0];
    this.list.insertBefore(item, later === undefined ? null : this.shown.get(later) ?? null);
    this.shown.set(m.id, item);
    this.empty.hidden = true;
    if (own || wasAtBottom) this.scrollToEnd();
    if (!own) this.forgetTyper(m.participant);
    if (fresh && !own) {
      const unseen = this.panel.hidden || !wasAtBottom;
      if (unseen) {
        this.unread += 1;
        this.showBadge();
      }
      // The list is a live region while it shows; a closed panel says so in a status line.
      if (this.panel.hidden) this.announce.textContent = t('chat.announce', { name: m.name });
    }
  }

  /** @param {HTMLLIElement} item */
  fillMeta(item) {
    const own = item.classList.contains('own');
    const name = /** @type {HTMLElement} */ (item.querySelector('.chat-name'));
    const time = /** @type {HTMLTimeElement} */ (item.querySelector('.chat-time'));
    name.textContent = own ? t('chat.you') : item.dataset.name ?? '';
    time.dateTime = item.dataset.sentAt ?? '';
    time.textContent = item.dataset.sentAt ? formatClock(item.dataset.sentAt) : '';
  }

  /** @param {string} text */
  textBody(text) {
    const body = element('p', 'chat-text');
    body.append(...messageNodes(text));
    return body;
  }

  /** @param {SharedFile} file */
  fileCard(file) {
    const card = element('div', 'file-card');
    card.dataset.file = String(file.id);
    if (this.files.previews && previewTypes.has(file.type)) {
      const image = /** @type {HTMLImageElement} */ (element('img', 'file-preview'));
      image.alt = file.name;
      image.hidden = true;
      card.append(image);
      this.fetchFile(file, true).then((blob) => {
        const url = URL.createObjectURL(blob);
        this.blobs.add(url);
        image.src = url;
        image.hidden = false;
        if (this.atBottom()) this.scrollToEnd();
      }).catch((e) => console.warn('preview failed', e));
    }
    const about = element('p', 'file-about');
    const size = element('span', 'file-size', formatSize(file.size));
    size.dataset.size = String(file.size);
    about.append(element('span', 'file-name', file.name), size);
    const download = /** @type {HTMLButtonElement} */ (element('button', 'file-download', t('file.download')));
    download.type = 'button';
    download.onclick = () => this.download(file, download);
    card.append(about, download);
    // "Download" alone says nothing about which file to a screen reader.
    const nameId = `file-name-${file.id}`;
    /** @type {HTMLElement} */ (about.firstElementChild).id = nameId;
    download.setAttribute('aria-describedby', nameId);
    return card;
  }

  // ---- writing ----

  /** @param {boolean} [typing] whether this is the user typing (then the others hear of it) */
  onInput(typing = true) {
    const n = characters(this.input.value);
    const left = maxChatCharacters - n;
    this.count.hidden = left > countFrom;
    this.count.textContent = left >= 0 ? t('chat.left', { n: String(left) }) : t('chat.over', { n: String(-left) });
    this.count.classList.toggle('over', left < 0);
    this.input.setAttribute('aria-invalid', String(left < 0));
    if (!typing) return;
    clearTimeout(this.typingTimer);
    if (n === 0) return this.stopTyping();
    const now = Date.now();
    if (now - this.typingSentAt > typingRepeat) {
      this.session.sendTyping(true);
      this.typingSentAt = now;
    }
    this.typingTimer = setTimeout(() => this.stopTyping(), typingPause);
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    if (!this.typingSentAt) return;
    this.typingSentAt = 0;
    this.session.sendTyping(false);
  }

  send() {
    const text = this.input.value;
    const n = characters(text);
    if (n === 0) return;
    if (n > maxChatCharacters) return this.showError(t('chat.too_long'));
    if (!this.session.sendChat(text.trim())) return this.showError(t('chat.not_connected'));
    this.showError('');
    this.lastSent = text.trim();
    this.input.value = '';
    clearTimeout(this.typingTimer);
    this.typingSentAt = 0;  // the server takes a message as the end of the typing
    this.onInput(false);
    this.input.focus();
  }

  /** @param {string} text "" hides it */
  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  // ---- who is typing ----

  /** @param {import('./protocol.js').Typing} typing */
  onTyping({ participant, name, active }) {
    this.forgetTyper(participant, false);
    if (active) this.typers.set(participant, { name, timer: setTimeout(() => this.forgetTyper(participant), typingForget) });
    this.showTyping();
  }

  /**
   * @param {string} participant
   * @param {boolean} [show]
   */
  forgetTyper(participant, show = true) {
    const typer = this.typers.get(participant);
    if (!typer) return;
    clearTimeout(typer.timer);
    this.typers.delete(participant);
    if (show) this.showTyping();
  }

  showTyping() {
    const names = [...new Set([...this.typers.values()].map((typer) => typer.name))];
    this.typingLine.textContent = names.length === 0 ? ''
      : names.length === 1 ? t('chat.typing_one', { name: names[0] })
      : t('chat.typing_many', { names: names.join(', ') });
    // Someone typing while the chat is closed shows on the button as well.
    this.toggleButton.classList.toggle('typing', names.length > 0);
  }

  // ---- files ----

  /** @param {File} file */
  upload(file) {
    const appointment = this.session.appointmentId;
    if (!appointment) return this.showError(t('chat.not_connected'));
    this.showError('');
    const item = element('li', 'chat-upload');
    const label = element('span', 'upload-name', t('file.uploading', { name: file.name }));
    const progress = document.createElement('progress');
    progress.max = 1;
    progress.value = 0;
    progress.setAttribute('aria-label', t('file.uploading', { name: file.name }));
    const cancel = /** @type {HTMLButtonElement} */ (element('button', 'upload-cancel', t('file.cancel')));
    cancel.type = 'button';
    item.append(label, progress, cancel);
    this.uploads.append(item);

    const xhr = new XMLHttpRequest();
    this.sending.add(xhr);
    xhr.open('POST', `/api/v1/appointments/${appointment}/files?name=${encodeURIComponent(file.name)}`);
    for (const [name, value] of Object.entries(this.files.headers())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) progress.value = event.loaded / event.total;
    };
    const done = () => {
      this.sending.delete(xhr);
      item.remove();
    };
    xhr.onload = () => {
      done();
      // The file's chat message comes over the socket like any other.
      if (xhr.status === 201) return;
      this.showError(uploadProblem(xhr.status, xhr.responseText, file.name));
    };
    xhr.onerror = () => {
      done();
      this.showError(t('file.failed', { name: file.name, reason: t('file.network') }));
    };
    xhr.onabort = done;
    cancel.onclick = () => xhr.abort();
    xhr.send(file);
  }

  /**
   * @param {SharedFile} file
   * @param {boolean} inline
   */
  async fetchFile(file, inline) {
    const response = await fetch(`/api/v1/files/${file.id}${inline ? '?inline=1' : ''}`, { headers: this.files.headers() });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    return response.blob();
  }

  /**
   * @param {SharedFile} file
   * @param {HTMLButtonElement} button
   */
  async download(file, button) {
    button.disabled = true;
    try {
      const url = URL.createObjectURL(await this.fetchFile(file, false));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.name;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      this.showError('');
    } catch (e) {
      console.warn('download failed', e);
      this.showError(t('file.download_failed', { name: file.name }));
    } finally {
      button.disabled = false;
    }
  }

  /** Ends the chat with the call: no more sending, previews released. */
  clear() {
    this.stopTyping();
    for (const xhr of [...this.sending]) xhr.abort();
    for (const participant of [...this.typers.keys()]) this.forgetTyper(participant, false);
    for (const url of this.blobs) URL.revokeObjectURL(url);
    this.blobs.clear();
    this.setOpen(false, false);
  }
}

/**
 * What to tell the sender when the server refused an upload: our words for a file too large or
 * of a type not allowed, else the server's.
 * @param {number} status
 * @param {string} body
 * @param {string} name
 */
export function uploadProblem(status, body, name) {
  if (status === 413) return t('file.too_large', { name });
  if (status === 415) return t('file.type_refused', { name });
  /** @type {{code?: string, detail?: string}} */
  let problem = {};
  try {
    problem = JSON.parse(body) ?? {};
  } catch {
    problem = {};
  }
  if (status === 404 && problem.code === 'not_found') return t('file.unavailable');
  return t('file.failed', { name, reason: problem.detail || String(status) });
}
