// The in-call chat of both pages (chat_view.js): messages both ways, kept over a reload, shown
// as text (links aside), the unread badge, the typing line, the length counter and the flood
// refusal; the layout beside the videos on a desktop and as a sheet on a phone, in English and
// French (screenshots kept in the artifacts directory); and files sent in the chat, once the
// files API is there.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { daemon, eventually, inCall, screenshot, withPages } from './pages.mjs';

const desktop = { width: 1366, height: 768 };
const phone = { width: 390, height: 844 };

/** The messages the page shows, in order. */
function shown(page) {
  return page.$$eval('#chat-messages > li', (items) => items.map((li) => ({
    id: Number(li.dataset.id),
    own: li.classList.contains('own'),
    name: li.querySelector('.chat-name')?.textContent ?? '',
    text: li.querySelector('.chat-text')?.textContent ?? '',
  })));
}

/** The number on the page's Chat button (0 when the badge is hidden). */
async function unread(page) {
  const badge = page.locator('#chat-toggle .badge');
  return (await badge.isVisible()) ? Number(await badge.textContent()) : 0;
}

async function openChat(page) {
  if (await page.isHidden('#chat')) await page.click('#chat-toggle');
  await page.waitForSelector('#chat:not([hidden])');
}

/** Writes `text` in the chat box and sends it with Enter; waits until the page shows it. */
async function say(page, text) {
  const before = (await shown(page)).length;
  await page.fill('#chat-input', text);
  await page.press('#chat-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#chat-messages > li').length > n, before);
  assert.equal(await page.inputValue('#chat-input'), '', 'the box is empty after sending');
}

/** Waits until the page shows a message whose text is `text`. */
async function sees(page, text) {
  await eventually(`the page shows ${JSON.stringify(text)}`, async () => {
    assert.ok((await shown(page)).some((m) => m.text === text), JSON.stringify(await shown(page)));
  }, 10000);
}

/** Records the page's dialogs (an alert() would be one), dismissing them. */
function watchDialogs(page) {
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  return dialogs;
}

/** The boxes of the call's parts, to check that none covers another. */
function boxes(page) {
  return page.evaluate(() => {
    const box = (selector) => {
      const r = document.querySelector(selector).getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
    };
    return {
      viewport: { width: innerWidth, height: innerHeight }, chat: box('#chat'), stage: box('.stage'),
      controls: box('.controls'), form: box('#chat-form'), send: box('#chat-send'), toggle: box('#chat-toggle'),
      hangUp: box('#hang-up'), overflowing: document.documentElement.scrollWidth > innerWidth,
    };
  });
}

/** Inside the viewport, nothing cut off on the right. */
function assertFits(b, who) {
  for (const part of ['chat', 'controls', 'form', 'send', 'toggle', 'hangUp']) {
    assert.ok(b[part].left >= -1 && b[part].right <= b.viewport.width + 1 && b[part].top >= -1 &&
      b[part].bottom <= b.viewport.height + 1, `${who}: ${part} is cut off: ${JSON.stringify(b[part])}`);
  }
  assert.ok(!b.overflowing, `${who}: the page scrolls sideways`);
}

describe('the chat between the console and the customer page', () => {
  test('messages go both ways, survive a reload, are text; the badge, typing and limits work', async () => {
    await withPages('chat', { specialist: {}, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      const specialistDialogs = watchDialogs(specialist);
      const customerDialogs = watchDialogs(customer);
      const appointment = await inCall(specialist, customer, 'Ada Lovelace');
      assert.equal(await unread(specialist), 0);
      assert.ok(await specialist.isHidden('#chat'), 'the chat starts closed');
      assert.equal(await specialist.getAttribute('#chat-toggle', 'aria-expanded'), 'false');

      // The customer opens the chat (the box gets the focus) and types: the console says so.
      await customer.click('#chat-toggle');
      await customer.waitForSelector('#chat:not([hidden])');
      assert.equal(await customer.evaluate(() => document.activeElement?.id), 'chat-input');
      assert.equal(await customer.getAttribute('#chat-toggle', 'aria-expanded'), 'true');
      await customer.locator('#chat-input').pressSequentially('Hello, my boiler ');
      await specialist.waitForFunction(() =>
        document.querySelector('#chat-typing')?.textContent === 'Ada Lovelace is typing…');
      assert.ok(await specialist.locator('#chat-toggle.typing').count(), 'the Chat button shows the typing');
      assert.equal(await customer.textContent('#chat-typing'), '', 'the customer sees its own typing');

      // Enter sends; the console counts it as unread while its chat is closed.
      await customer.locator('#chat-input').pressSequentially('makes a noise');
      await customer.press('#chat-input', 'Enter');
      await sees(customer, 'Hello, my boiler makes a noise');
      await sees(specialist, 'Hello, my boiler makes a noise');
      await specialist.waitForFunction(() => document.querySelector('#chat-typing')?.textContent === '');
      assert.equal(await unread(specialist), 1);
      const [mine] = await shown(customer);
      assert.deepEqual([mine.own, mine.name], [true, 'You']);
      const [theirs] = await shown(specialist);
      assert.deepEqual([theirs.own, theirs.name], [false, 'Ada Lovelace']);
      assert.match(await customer.textContent('#chat-messages .chat-time'), /^\d{1,2}:\d\d/);

      // Markup is text; only http(s) links become links; Shift+Enter is a new line.
      const hostile = [
        '<script>alert(1)</script>',
        '<img src=x onerror="window.injected = 1"><b>bold?</b>',
        'javascript:alert(2) and data:text/html,<script>alert(3)</script>',
      ];
      for (const text of hostile) await say(customer, text);
      const link = `${daemon.url}/healthz?from=chat&x=1`;
      await say(customer, `The manual: ${link}.`);
      await customer.fill('#chat-input', 'line one');
      await customer.press('#chat-input', 'Shift+Enter');
      await customer.locator('#chat-input').pressSequentially('line two');
      assert.equal(await customer.inputValue('#chat-input'), 'line one\nline two');
      await customer.press('#chat-input', 'Enter');
      await sees(specialist, 'line one\nline two');
      assert.equal(await unread(specialist), 6);
      assert.match(await specialist.getAttribute('#chat-toggle', 'aria-label'), /Chat, 6 unread/);
      // A closed chat still tells a screen reader.
      assert.equal(await specialist.textContent('#chat-announce'), 'New message from Ada Lovelace');

      // Opening the chat clears the badge.
      await specialist.click('#chat-toggle');
      assert.equal(await unread(specialist), 0);
      for (const text of hostile) await sees(specialist, text);
      for (const page of [specialist, customer]) {
        assert.equal(await page.locator('#chat script, #chat img, #chat b').count(), 0, 'markup became elements');
        assert.equal(await page.evaluate(() => window.injected), undefined, 'an injected handler ran');
        const links = await page.$$eval('#chat-messages a', (as) => as.map((a) => ({
          href: a.getAttribute('href'), text: a.textContent, target: a.target, rel: a.rel,
        })));
        assert.deepEqual(links, [{
          href: new URL(link).href, text: link, target: '_blank', rel: 'noopener noreferrer',
        }]);
      }
      assert.deepEqual([...specialistDialogs, ...customerDialogs], [], 'a script ran');

      // The link opens in a new tab, which cannot reach back into the console.
      const [tab] = await Promise.all([
        specialist.context().waitForEvent('page'),
        specialist.click('#chat-messages a'),
      ]);
      await tab.waitForLoadState();
      assert.equal(tab.url(), new URL(link).href);
      assert.equal(await tab.evaluate(() => window.opener), null);
      await tab.close();

      // The specialist answers; the customer sees the name.
      await say(specialist, 'Hi Ada, I can see you.');
      await sees(customer, 'Hi Ada, I can see you.');
      assert.deepEqual((await shown(customer)).at(-1).name, 'Alice Martin');
      const everything = await shown(specialist);
      assert.equal(everything.length, 7);

      // A reload brings the history back, each message once, the customer's own as its own;
      // so does a reconnect of the console.
      await customer.reload();
      await customer.waitForSelector('#call:not([hidden])');
      await openChat(customer);
      await eventually('the history after the reload', async () => {
        const again = await shown(customer);
        assert.deepEqual(again.map((m) => [m.id, m.text]), everything.map((m) => [m.id, m.text]));
        assert.deepEqual(again.map((m) => m.own), [true, true, true, true, true, true, false]);
      }, 15000);
      assert.equal(await unread(customer), 0, 'history counted as unread');
      await specialist.evaluate(() => window.assistCall.socket.close());
      await specialist.waitForSelector('#call-status[data-status="call.connected"]');
      await eventually('no message twice after a reconnect', async () => {
        assert.equal(await specialist.evaluate(() => window.assistCall.participant !== '' &&
          window.assistCall.socket?.readyState === WebSocket.OPEN), true);
        assert.deepEqual(await shown(specialist), everything);
      });

      // What the transcript keeps.
      const transcript = daemon.ctl(['appointment', 'transcript', String(appointment.id)]);
      assert.match(transcript, /Ada Lovelace \(customer\): <script>alert\(1\)<\/script>/);
      assert.match(transcript, /Alice Martin \(specialist\): Hi Ada, I can see you\./);

      // Messages arriving while the customer has scrolled up count as unread, until it scrolls
      // down; then with the chat closed, until it opens.
      for (let i = 1; i <= 3; i++) await say(specialist, `Step ${i}:\n${'check this\n'.repeat(6)}done`);
      await customer.waitForFunction(() => document.querySelectorAll('#chat-messages > li').length === 10);
      await customer.evaluate(() => { document.querySelector('#chat-messages').scrollTop = 0; });
      assert.ok(await customer.evaluate(() => {
        const list = document.querySelector('#chat-messages');
        return list.scrollHeight > list.clientHeight + 100;
      }), 'the list does not overflow: cannot scroll up');
      await say(specialist, 'One more thing.');
      await sees(customer, 'One more thing.');
      assert.equal(await unread(customer), 1);
      await customer.evaluate(() => {
        const list = document.querySelector('#chat-messages');
        list.scrollTop = list.scrollHeight;
      });
      await eventually('scrolling down reads', async () => assert.equal(await unread(customer), 0));
      await customer.press('#chat-input', 'Escape');
      await customer.waitForSelector('#chat', { state: 'hidden' });
      assert.equal(await customer.evaluate(() => document.activeElement?.id), 'chat-toggle');
      await say(specialist, 'Are you there?');
      await eventually('the customer\'s badge', async () => assert.equal(await unread(customer), 1));
      await customer.keyboard.press('Enter');  // the focused Chat button opens the chat
      await customer.waitForSelector('#chat:not([hidden])');
      assert.equal(await unread(customer), 0);

      // The counter shows near the limit and refuses what is over it.
      await customer.fill('#chat-input', 'a'.repeat(1850));
      assert.equal(await customer.textContent('#chat-count'), '150 characters left');
      assert.ok(await customer.isVisible('#chat-count'));
      await customer.fill('#chat-input', 'é'.repeat(2003));
      assert.equal(await customer.textContent('#chat-count'), '3 characters too many');
      assert.equal(await customer.getAttribute('#chat-input', 'aria-invalid'), 'true');
      const count = (await shown(customer)).length;
      await customer.press('#chat-input', 'Enter');
      assert.match(await customer.textContent('#chat-error'), /too long/);
      assert.equal((await shown(customer)).length, count);
      await customer.fill('#chat-input', 'short again');
      assert.ok(await customer.isHidden('#chat-count'));

      // A flood: the server refuses some, and the page says so politely.
      await customer.evaluate(() => { for (let i = 0; i < 25; i++) window.assistCall.sendChat(`flood ${i}`); });
      await customer.waitForSelector('#chat-error:text("sending messages very quickly")');
    });
  });

  test('the chat beside the videos on a desktop and as a sheet on a phone, in English and French', async () => {
    const words = {
      en: { customer: 'Good morning, the heating stopped last night and the boiler shows error E119.',
        specialist: 'Thank you. Please show me the boiler’s front panel; the manual is at', typing: 'is typing' },
      fr: { customer: 'Bonjour, le chauffage s’est arrêté cette nuit et la chaudière affiche l’erreur E119.',
        specialist: 'Merci. Montrez-moi la façade de la chaudière ; la notice est ici :', typing: 'écrit' },
    };
    const devices = {
      '1366x768': { viewport: desktop },
      // As a phone's browser: touch, and no screen sharing (call.test.mjs).
      '390x844': { viewport: phone, isMobile: true, hasTouch: true },
    };
    for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']]) {
      for (const [size, device] of Object.entries(devices)) {
        const w = words[language];
        const context = { locale, ...device };
        await withPages(`chat-layout-${size}-${language}`, { specialist: context, customer: context }, async ({ specialist, customer }) => {
          if (device.isMobile) {
            for (const page of [specialist, customer]) {
              await page.addInitScript(() => { delete MediaDevices.prototype.getDisplayMedia; });
            }
          }
          const name = language === 'fr' ? 'Jeanne Durand' : 'Ada Lovelace';
          await inCall(specialist, customer, name);
          for (const page of [specialist, customer]) await openChat(page);
          await say(customer, w.customer);
          await say(specialist, `${w.specialist} ${daemon.url}/healthz`);
          await sees(customer, `${w.specialist} ${daemon.url}/healthz`);
          // A file card, as the files API will announce one (the page shows what the socket says).
          for (const page of [specialist, customer]) {
            await page.evaluate((sender) => window.assistCall.emit('chat', {
              id: 1000000, participant: 'p0', role: 'customer', name: sender, text: 'boiler-manual-2019-model-x.pdf',
              sent_at: new Date().toISOString(),
              file: { id: 1, name: 'boiler-manual-2019-model-x.pdf', type: 'application/pdf', size: 2516582 },
            }), name);
          }
          assert.match(await customer.textContent('.file-size'), language === 'fr' ? /^2,4\s?Mo$/ : /^2\.4 MB$/);
          // The customer is typing an answer while the pictures are taken.
          await customer.locator('#chat-input').pressSequentially(language === 'fr' ? 'Voilà' : 'Here');
          await specialist.waitForFunction((t) => document.querySelector('#chat-typing')?.textContent.includes(t), w.typing);

          for (const [role, page] of [['console', specialist], ['join', customer]]) {
            const b = await boxes(page);
            const who = `${role} ${size} ${language}`;
            assertFits(b, who);
            if (device.viewport === desktop) {
              // Beside the videos, not over them.
              assert.ok(b.chat.left >= b.stage.right - 1, `${who}: the chat covers the videos`);
              assert.ok(b.stage.width > b.viewport.width / 2, `${who}: the videos got small`);
            } else {
              // A sheet over the lower part of the videos, above the controls.
              assert.ok(b.chat.bottom <= b.controls.top + 1, `${who}: the chat covers the controls`);
              assert.ok(b.chat.height >= 300, `${who}: the sheet is too small (${b.chat.height})`);
              assert.ok(b.chat.top > b.stage.top, `${who}: the sheet hides the whole picture`);
            }
            await screenshot(page, `chat-${role}-${size}-${language}`);
          }
          // Nothing in the chat came out untranslated.
          if (language === 'fr') {
            assert.equal(await customer.textContent('#chat-send'), 'Envoyer');
            assert.equal(await specialist.textContent('#chat-title'), 'Messages');
            assert.equal(await customer.textContent('.file-download'), 'Télécharger');
          }
        });
      }
    }
  });
});

describe('what becomes a link in a message', () => {
  test('http and https URLs, without the punctuation around them; nothing else', async () => {
    await withPages('chat-links', { page: {} }, async ({ page }) => {
      await page.goto(`${daemon.url}/j/not-a-real-link`);
      const parts = await page.evaluate(async (texts) => {
        const { messageNodes } = await import('/web/chat_view.js');
        return texts.map((text) => messageNodes(text).map((n) => (n instanceof HTMLAnchorElement
          ? ['a', n.textContent, n.getAttribute('href'), n.target, n.rel] : ['text', n.textContent])));
      }, [
        'see https://example.com/a.',
        '(https://example.com/a), or https://en.wikipedia.org/wiki/Foo_(bar)!',
        'HTTPS://EXAMPLE.COM/X',
        'javascript:alert(1) ftp://example.com https:// xhttps://example.com data:text/html,hi',
        'https://example.com/<b>x</b>',
        'no link at all',
      ]);
      const a = (text, href) => ['a', text, href, '_blank', 'noopener noreferrer'];
      assert.deepEqual(parts, [
        [['text', 'see '], a('https://example.com/a', 'https://example.com/a'), ['text', '.']],
        [['text', '('], a('https://example.com/a', 'https://example.com/a'), ['text', '), or '],
          a('https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)'), ['text', '!']],
        [a('HTTPS://EXAMPLE.COM/X', 'https://example.com/X')],
        [['text', 'javascript:alert(1) ftp://example.com https:// xhttps://example.com data:text/html,hi']],
        [a('https://example.com/', 'https://example.com/'), ['text', '<b>x</b>']],
        [['text', 'no link at all']],
      ]);
    });
  });
});

describe('files in the chat', () => {
  // A 1x1 PNG, and an ELF executable's start under a PDF's name.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);

  // The files API comes from another branch; until then (and for answers hard to provoke, such
  // as a 413 after 25 MiB) the test answers the pages' requests itself, as the contract says.
  test('the pages keep to the files API contract (the API answered by the test)', async () => {
    await withPages('chat-files-contract', { specialist: {}, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      const appointment = await inCall(specialist, customer, 'Ada Lovelace');
      const token = new URL(appointment.join_url).pathname.slice('/j/'.length);
      for (const page of [specialist, customer]) await openChat(page);
      const problem = (status, code, detail) => ({
        status, contentType: 'application/problem+json', body: JSON.stringify({ status, code, detail, title: code }),
      });
      const answers = [
        { status: 201, contentType: 'application/json',
          body: JSON.stringify({ id: 7, name: 'photo <1>.png', type: 'image/png', size: png.length, sha256: 'x', message_id: 1 }) },
        problem(413, 'file_too_large', 'the file is larger than 25 MiB'),
        problem(415, 'file_type_refused', 'application/x-executable is not allowed'),
        problem(500, 'internal', 'disk full'),
      ];
      const uploads = [];
      await customer.route('**/api/v1/appointments/*/files?*', async (route) => {
        const request = route.request();
        uploads.push({ url: request.url(), headers: await request.allHeaders(), body: request.postDataBuffer() });
        await route.fulfill(answers[uploads.length - 1]);
      });
      const downloads = [];
      for (const page of [customer, specialist]) {
        await page.route('**/api/v1/files/7*', async (route) => {
          downloads.push({ url: route.request().url(), headers: await route.request().allHeaders() });
          await route.fulfill({ status: 200, contentType: 'image/png', body: png });
        });
      }

      // The upload: the raw file, its name in the query, the join token as a bearer token.
      await customer.setInputFiles('#chat-file', { name: 'photo <1>.png', mimeType: 'image/png', buffer: png });
      await eventually('the upload', async () => assert.equal(uploads.length, 1));
      const url = new URL(uploads[0].url);
      assert.equal(url.pathname, `/api/v1/appointments/${appointment.id}/files`);
      assert.equal(url.search, '?name=photo%20%3C1%3E.png');
      assert.equal(uploads[0].headers.authorization, `Bearer ${token}`);
      assert.deepEqual(uploads[0].body, png);
      await customer.waitForSelector('#chat-uploads > li', { state: 'detached' });
      assert.ok(await customer.isHidden('#chat-error'));

      // Its chat message, as the server announces it: a card on both sides, a preview in the
      // console only, fetched with the console's cookie.
      for (const page of [specialist, customer]) {
        await page.evaluate(() => window.assistCall.emit('chat', {
          id: 1000001, participant: 'p0', role: 'customer', name: 'Ada Lovelace', text: 'photo <1>.png',
          sent_at: new Date().toISOString(), file: { id: 7, name: 'photo <1>.png', type: 'image/png', size: 68 },
        }));
        await page.waitForSelector('.file-card .file-name:text("photo <1>.png")');
      }
      await specialist.waitForFunction(() => {
        const img = document.querySelector('#chat img.file-preview');
        return img && !img.hidden && img.src.startsWith('blob:') && img.naturalWidth === 1;
      });
      assert.equal(await customer.locator('#chat img').count(), 0, 'the customer page previews');
      const preview = downloads.find((d) => d.url.endsWith('?inline=1'));
      assert.ok(preview, JSON.stringify(downloads));
      assert.match(preview.headers.cookie ?? '', /assist_session=/);
      assert.equal(await customer.textContent('.file-size'), '68 B');

      // The customer's download carries its token, and saves the bytes under the file's name.
      const [download] = await Promise.all([customer.waitForEvent('download'), customer.click('.file-download')]);
      assert.equal(downloads.at(-1).headers.authorization, `Bearer ${token}`);
      assert.equal(new URL(downloads.at(-1).url).search, '');
      assert.match(download.suggestedFilename(), /\.png$/);
      assert.deepEqual(readFileSync(await download.path()), png);

      // Refusals, in the page's words for 413 and 415, else in the server's.
      const refusals = [
        ['big.bin', '“big.bin” is too large to send.'],
        ['tool.pdf', '“tool.pdf” cannot be sent: this type of file is not accepted.'],
        ['notes.txt', '“notes.txt” could not be sent: disk full'],
      ];
      for (const [name, said] of refusals) {
        await customer.setInputFiles('#chat-file', { name, mimeType: 'application/octet-stream', buffer: elf });
        await customer.waitForFunction((text) => document.querySelector('#chat-error')?.textContent === text, said);
      }

      // The console sends with its cookie and CSRF token; a file dropped on the chat goes too.
      const consoleUploads = [];
      await specialist.route('**/api/v1/appointments/*/files?*', async (route) => {
        consoleUploads.push(await route.request().allHeaders());
        await route.fulfill(answers[0]);
      });
      // Dragging files over the call opens a closed chat; dropped beside it, they go nowhere (and
      // the browser does not open them in place of the call); dropped on it, they are sent.
      await specialist.click('#chat-close');
      const dropped = await specialist.evaluate(() => {
        const data = new DataTransfer();
        data.items.add(new File(['notes from the visit\n'], 'notes.txt', { type: 'text/plain' }));
        const drag = (target, type) => {
          const event = new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true });
          target.dispatchEvent(event);
          return event.defaultPrevented;
        };
        const chat = document.querySelector('#chat');
        const stage = document.querySelector('.stage');
        const seen = { opened: drag(stage, 'dragover') && !chat.hidden, shown: chat.classList.contains('dropping') };
        seen.besidePrevented = drag(stage, 'drop');
        drag(chat, 'dragover');
        seen.onChatPrevented = drag(chat, 'drop');
        return seen;
      });
      assert.deepEqual(dropped, { opened: true, shown: true, besidePrevented: true, onChatPrevented: true });
      await eventually('the console\'s upload', async () => assert.equal(consoleUploads.length, 1));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(consoleUploads.length, 1, 'a file dropped beside the chat was sent');
      assert.match(consoleUploads[0].cookie ?? '', /assist_session=/);
      assert.ok(consoleUploads[0]['x-csrf-token'], 'no CSRF token');
      assert.equal(consoleUploads[0].authorization, undefined);
    });
  });

  test('a file sent by the customer shows in both chats, previewed in the console, and downloads intact', async (t) => {
    await withPages('chat-files', { specialist: {}, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      await inCall(specialist, customer, 'Ada Lovelace');
      for (const page of [specialist, customer]) await openChat(page);
      // Progress shows while it goes (kept by a watcher: a small upload is quick).
      await customer.evaluate(() => {
        window.sawProgress = false;
        new MutationObserver(() => {
          if (document.querySelector('#chat-uploads progress')) window.sawProgress = true;
        }).observe(document.querySelector('#chat-uploads'), { childList: true, subtree: true });
      });
      const answer = customer.waitForResponse((r) => r.url().includes('/files?name=') && r.request().method() === 'POST');
      await customer.setInputFiles('#chat-file', { name: 'photo <1>.png', mimeType: 'image/png', buffer: png });
      const response = await answer;
      if (response.status() === 404 && (await response.json().catch(() => ({}))).code === 'not_found') {
        // The files API comes from another branch (issue 10, section 4); this runs once it is in.
        assert.match(await customer.textContent('#chat-error'), /not available/);
        t.skip('POST /api/v1/appointments/{id}/files answers 404 not_found: the files API is not merged yet');
        return;
      }
      assert.equal(response.status(), 201, await response.text());
      assert.ok(await customer.evaluate(() => window.sawProgress), 'no progress bar while sending');
      // (The server may make the name safe; whatever it says is shown as text.)
      for (const page of [customer, specialist]) await page.waitForSelector('.file-card .file-name:has-text("photo")');
      assert.equal(await specialist.locator('#chat-messages .file-name *').count(), 0, 'markup in a file name');
      assert.equal(await specialist.locator('#chat img.file-preview').count(), 1);
      await specialist.waitForFunction(() => {
        const img = document.querySelector('#chat img.file-preview');
        return img && !img.hidden && img.src.startsWith('blob:') && img.naturalWidth === 1;
      });
      assert.equal(await customer.locator('#chat img').count(), 0, 'the customer page previews');
      assert.equal(await specialist.textContent('.file-size'), `${png.length} B`);

      // Both download it byte for byte: the console with its cookie, the customer with its token.
      for (const page of [specialist, customer]) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('.file-card .file-download')]);
        assert.match(download.suggestedFilename(), /\.png$/);
        assert.deepEqual(readFileSync(await download.path()), png);
      }

      // An executable under a PDF's name is refused, in the page's words.
      await customer.setInputFiles('#chat-file', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: elf });
      await customer.waitForSelector('#chat-error:text("this type of file is not accepted")');

      // Dropping a file on the chat sends it too.
      await specialist.evaluate(() => {
        const data = new DataTransfer();
        data.items.add(new File(['notes from the visit\n'], 'notes.txt', { type: 'text/plain' }));
        const chat = document.querySelector('#chat');
        chat.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        chat.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      });
      await customer.waitForSelector('.file-card .file-name:text("notes.txt")');
    });
  });
});
