// A specialist in the console and a customer on /j/<token>, in headless Chromium with a fake
// camera and microphone, in a call through a real assistd. Screenshots of both pages and the
// daemon's log are kept when a test fails.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { Daemon } from './daemon.mjs';

const artifacts = process.env.ASSIST_E2E_ARTIFACTS ?? join(process.env.ASSIST_BUILD_DIR ?? 'build', 'e2e-artifacts');
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
];

let daemon;
let browser;

before(async () => {
  daemon = await new Daemon().start();
  daemon.ctl(['user', 'add', 'alice', '--display-name', 'Alice Martin', '--password'], 'correct horse battery\n');
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  daemon?.cleanup();
});

/** Runs `body` with fresh pages; on failure keeps a screenshot of each and the daemon's log. */
async function withPages(name, pages, body) {
  const contexts = [];
  const opened = {};
  for (const [role, options] of Object.entries(pages)) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, ...options });
    contexts.push(context);
    opened[role] = await context.newPage();
    opened[role].on('console', (m) => { if (m.type() === 'error') console.log(`[${role}] ${m.text()}`); });
  }
  try {
    await body(opened);
  } catch (error) {
    mkdirSync(artifacts, { recursive: true });
    for (const [role, page] of Object.entries(opened)) {
      await page.screenshot({ path: join(artifacts, `${name}-${role}.png`), fullPage: true }).catch(() => {});
    }
    writeFileSync(join(artifacts, `${name}-assistd.log`), daemon.log());
    console.log(`screenshots and the daemon's log are in ${artifacts}`);
    throw error;
  } finally {
    for (const context of contexts) await context.close();
  }
}

const stats = (page) => page.evaluate(() => window.assistCall.stats());

/** What the page receives of `kind`, summed over the other participants. */
async function received(page, kind) {
  const s = await stats(page);
  const streams = s.inbound.filter((i) => i.kind === kind);
  const sum = (field) => streams.reduce((total, i) => total + i[field], 0);
  return {
    streams: streams.length, framesDecoded: sum('framesDecoded'), energy: sum('totalAudioEnergy'),
    width: Math.max(0, ...streams.map((i) => i.frameWidth)), height: Math.max(0, ...streams.map((i) => i.frameHeight)),
  };
}

async function eventually(what, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: ${last?.message ?? last}`);
}

/** Video from the other side keeps arriving and decoding, at 640x480. */
async function seesVideo(page, who) {
  await eventually(`${who} decodes remote video`, async () => {
    const before = await received(page, 'video');
    assert.ok(before.framesDecoded > 0, `no frames decoded yet (${JSON.stringify(before)})`);
    await new Promise((r) => setTimeout(r, 1000));
    const later = await received(page, 'video');
    assert.ok(later.framesDecoded > before.framesDecoded + 5, `frames stopped at ${later.framesDecoded}`);
    assert.equal(`${later.width}x${later.height}`, '640x480');
  }, 45000);
}

/** Audio energy received over two seconds. */
async function audioEnergyOver(page, ms = 2000) {
  const before = await received(page, 'audio');
  await new Promise((r) => setTimeout(r, ms));
  const later = await received(page, 'audio');
  return later.energy - before.energy;
}

/** Mean brightness (0-255) of the remote video the page shows. */
function remoteBrightness(page) {
  return page.evaluate(() => {
    const video = document.querySelector('#remotes video');
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext('2d');
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] + pixels[i + 1] + pixels[i + 2];
    return sum / (pixels.length / 4) / 3;
  });
}

async function signIn(page) {
  await page.goto(`${daemon.url}/console`);
  await page.fill('#username', 'alice');
  await page.fill('#password', 'not the password');
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#sign-in-error:text("wrong username or password")');
  await page.fill('#password', 'correct horse battery');
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#dashboard:not([hidden])');
  await page.waitForSelector('#live:text("live")');
}

function rowState(page, id) {
  return page.locator(`tr[data-appointment="${id}"] .state`);
}

describe('a call between the console and the customer page', () => {
  test('both see and hear each other; mute, camera off, reload, a lost connection and end for all work', async () => {
    await withPages('call', { specialist: {}, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      await signIn(specialist);

      // An on-demand appointment from the console, and its link.
      await specialist.fill('#customer-name', 'Ada Lovelace');
      await specialist.click('#on-demand-form button[type=submit]');
      await specialist.waitForSelector('#new-link:not([hidden])');
      const link = await specialist.locator('#new-link-url').inputValue();
      assert.match(link, new RegExp(`^${daemon.url}/j/[A-Za-z0-9_-]{32}$`));
      const id = daemon.ctlJson(['appointment', 'list']).find((a) => a.customer_name === 'Ada Lovelace').id;
      await assert.doesNotReject(rowState(specialist, id).filter({ hasText: 'scheduled' }).waitFor());

      // The customer accepts the terms, sees the preview and joins: the console shows it live.
      await customer.goto(link);
      await customer.waitForSelector('#consent:not([hidden])');
      assert.equal(await customer.textContent('#greeting'), 'Hello Ada Lovelace');
      assert.ok(await customer.isDisabled('#continue'), 'continue before accepting');
      await customer.check('#accept');
      await customer.click('#continue');
      await customer.waitForFunction(() => {
        const v = /** @type {HTMLVideoElement} */ (document.querySelector('#preview-video'));
        return v && v.videoWidth > 0;
      });
      await customer.click('#join');
      await rowState(specialist, id).filter({ hasText: 'waiting' }).waitFor();

      // The specialist joins from the list.
      await specialist.click(`tr[data-appointment="${id}"] button.join`);
      await seesVideo(customer, 'customer');
      await seesVideo(specialist, 'specialist');
      assert.equal(daemon.ctlJson(['appointment', 'show', String(id)]).state, 'in_call');
      // Media flowed at the first attempt: nobody had to leave and join again to get it.
      const left = daemon.log().split('\n').filter((line) => line.includes('SIGNAL_LEFT'));
      assert.deepEqual(left, [], 'someone had to leave and join again to get media');

      // Audio flows both ways; muting the customer silences what the specialist receives.
      await eventually('specialist hears the customer', async () => assert.ok(await audioEnergyOver(specialist) > 0));
      await eventually('customer hears the specialist', async () => assert.ok(await audioEnergyOver(customer) > 0));
      const speaking = await audioEnergyOver(specialist);
      await customer.click('#mute');
      assert.equal(await customer.getAttribute('#mute', 'aria-pressed'), 'true');
      await eventually('the muted customer is silent', async () => {
        const muted = await audioEnergyOver(specialist);
        assert.ok(muted < speaking / 100, `energy ${muted} while muted, ${speaking} before`);
      });
      await customer.click('#mute');

      // Turning the customer's camera off shows the specialist a black picture, and back on.
      assert.ok(await remoteBrightness(specialist) > 30, 'the fake camera\'s picture is bright');
      await customer.click('#camera');
      assert.equal(await customer.getAttribute('#camera', 'aria-pressed'), 'true');
      await eventually('the specialist sees black', async () => assert.ok(await remoteBrightness(specialist) < 5));
      await customer.click('#camera');
      await eventually('the picture comes back', async () => assert.ok(await remoteBrightness(specialist) > 30));

      // A reload of the customer page joins the same call again.
      await customer.reload();
      await customer.waitForSelector('#call:not([hidden])');
      await seesVideo(customer, 'customer after reload');
      await seesVideo(specialist, 'specialist after the customer reloaded');
      assert.equal(daemon.ctlJson(['appointment', 'show', String(id)]).state, 'in_call');

      // A lost signalling connection (a network blip) heals by itself: the page joins again.
      await customer.evaluate(() => window.assistCall.socket.close());
      await customer.waitForSelector('#call-status[data-status="call.connected"]');
      await seesVideo(customer, 'customer after a lost connection');
      await seesVideo(specialist, 'specialist after the customer lost its connection');

      // End for all: both pages say so and the appointment is over.
      await specialist.click('#end-all');
      await customer.waitForSelector('#notice:not([hidden])');
      assert.equal(await customer.textContent('#notice-title'), 'The call has ended');
      await specialist.waitForSelector('#dashboard-notice:text("ended for everyone")');
      assert.equal(daemon.ctlJson(['appointment', 'show', String(id)]).state, 'ended');
      await rowState(specialist, id).filter({ hasText: 'ended' }).waitFor();

      // Signing out ends the session: a reload asks to sign in again.
      await specialist.click('#sign-out');
      await specialist.waitForSelector('#sign-in:not([hidden])');
      await specialist.reload();
      await specialist.waitForSelector('#sign-in:not([hidden])');
    });
  });
});

describe('links that cannot be used', () => {
  test('an unknown link explains itself, in English or French', async () => {
    await withPages('unknown-link', { en: { locale: 'en-US' }, fr: { locale: 'fr-FR' } }, async ({ en, fr }) => {
      const response = await en.goto(`${daemon.url}/j/not-a-real-link`);
      assert.equal(response.status(), 404);
      assert.equal(await en.textContent('#notice-title'), 'This link is not valid');
      await fr.goto(`${daemon.url}/j/not-a-real-link`);
      assert.equal(await fr.textContent('#notice-title'), 'Ce lien n’est pas valide');
      await fr.click('#language');
      assert.equal(await fr.textContent('#notice-title'), 'This link is not valid');
      assert.equal(await fr.getAttribute('html', 'lang'), 'en');
    });
  });

  test('a cancelled appointment and a link opened too early say so', async () => {
    const cancelled = daemon.ctlJson(['appointment', 'create', '--customer-name', 'Grace Hopper']);
    daemon.ctl(['appointment', 'cancel', String(cancelled.id)]);
    const later = new Date(Date.now() + 3 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const early = daemon.ctlJson(['appointment', 'create', '--customer-name', 'Alan Turing', '--at', later]);
    await withPages('refused-links', { customer: { locale: 'en-US' } }, async ({ customer }) => {
      let response = await customer.goto(cancelled.join_url);
      assert.equal(response.status(), 410);
      assert.equal(await customer.textContent('#notice-title'), 'This appointment is over');
      response = await customer.goto(early.join_url);
      assert.equal(response.status(), 403);
      assert.equal(await customer.textContent('#notice-title'), 'It is a bit early');
      assert.match(await customer.textContent('#notice-text'), /This link works from .+\d/);
    });
  });
});
