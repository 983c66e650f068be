// What the browser tests share: one assistd and one headless Chromium per test file (with a
// fake camera, microphone and screen), fresh pages for each test with screenshots and the
// daemon's log kept on failure, and the steps that bring a specialist and a customer into a call.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { Daemon } from './daemon.mjs';

export const artifacts = process.env.ASSIST_E2E_ARTIFACTS ?? join(process.env.ASSIST_BUILD_DIR ?? 'build', 'e2e-artifacts');
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
  '--auto-select-desktop-capture-source=Entire screen',
];
/**
 * Before the file's first test: Chromium's fake camera as `spec` says (e.g. "device-count=2" for
 * a front and a rear camera) or a Y4M file to show instead of its moving pattern.
 * @param {{devices?: string, videoFile?: string}} fake
 */
export function fakeCamera({ devices, videoFile }) {
  const at = chromiumArgs.indexOf('--use-fake-device-for-media-stream');
  if (devices) chromiumArgs[at] = `--use-fake-device-for-media-stream=${devices}`;
  if (videoFile) chromiumArgs.push(`--use-file-for-fake-video-capture=${videoFile}`);
}
// With ASSIST_E2E_WEB_DIR (say daemon/web), the pages' scripts and style come from there
// instead of those built into assistd: for trying page changes without a rebuild.
// A relative directory is taken from the project's root (tests/e2e/run works from tests/e2e).
const webDir = process.env.ASSIST_E2E_WEB_DIR
  ? resolve(new URL('../..', import.meta.url).pathname, process.env.ASSIST_E2E_WEB_DIR) : '';
const contentTypes = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** @type {Daemon} the test file's assistd (set by before) */
export let daemon;
/** @type {import('playwright-core').Browser} */
export let browser;

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
export async function withPages(name, pages, body) {
  const contexts = [];
  const opened = {};
  for (const [role, options] of Object.entries(pages)) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, ...options });
    contexts.push(context);
    // Counts the RTCPeerConnections each page load makes (window.peerConnections).
    await context.addInitScript(() => {
      const Original = window.RTCPeerConnection;
      window.peerConnections = 0;
      window.RTCPeerConnection = class extends Original {
        constructor(...args) {
          super(...args);
          window.peerConnections += 1;
        }
      };
    });
    if (webDir) {
      await context.route(`${daemon.url}/web/*`, async (route) => {
        const name = basename(new URL(route.request().url()).pathname);
        const type = contentTypes[name.split('.').pop()];
        if (!type) return route.continue();
        await route.fulfill({ contentType: type, body: readFileSync(join(webDir, name)) });
      });
    }
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

export const stats = (page) => page.evaluate(() => window.assistCall.stats());

export const peerConnections = (page) => page.evaluate(() => window.peerConnections);

/** What the page receives on `track` ("microphone", "camera", "screen") from the other side. */
export async function received(page, track) {
  const s = await stats(page);
  const streams = s.inbound.filter((i) => i.track === track);
  const sum = (field) => streams.reduce((total, i) => total + i[field], 0);
  return {
    streams: streams.length, framesDecoded: sum('framesDecoded'), energy: sum('totalAudioEnergy'),
    width: Math.max(0, ...streams.map((i) => i.frameWidth)), height: Math.max(0, ...streams.map((i) => i.frameHeight)),
  };
}

export async function eventually(what, check, timeoutMs = 30000) {
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

/** Video from the other side's `track` keeps arriving and decoding, at `size`. */
export async function seesVideo(page, who, track = 'camera', size = '640x480') {
  await eventually(`${who} decodes remote ${track} video`, async () => {
    const before = await received(page, track);
    assert.ok(before.framesDecoded > 0, `no frames decoded yet (${JSON.stringify(before)})`);
    await new Promise((r) => setTimeout(r, 1000));
    const later = await received(page, track);
    assert.ok(later.framesDecoded > before.framesDecoded + 5, `frames stopped at ${later.framesDecoded}`);
    assert.equal(`${later.width}x${later.height}`, size);
  }, 45000);
}

/** Keeps a screenshot of `page` in the artifacts directory as NAME.png (not only on failure). */
export async function screenshot(page, name, options = {}) {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, ...options });
  return path;
}

export async function signIn(page) {
  await page.goto(`${daemon.url}/console`);
  await page.fill('#username', 'alice');
  await page.fill('#password', 'not the password');
  await page.click('#sign-in-form button[type=submit]');
  // Said in the console's language, not in the server's words.
  const refused = await page.waitForSelector('#sign-in-error:not([hidden])');
  const words = { en: 'Wrong username or password.', fr: 'Identifiant ou mot de passe incorrect.' };
  assert.equal(await refused.textContent(), words[await page.evaluate(() => document.documentElement.lang)]);
  await page.fill('#password', 'correct horse battery');
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#dashboard:not([hidden])');
  await page.waitForSelector('#live[data-state=in_call]');  // the live view is on
}

export function rowState(page, id) {
  return page.locator(`tr[data-appointment="${id}"] .state`);
}

/** The customer goes through the consent and preview screens and joins (with `camera`, by its label). */
export async function customerJoins(customer, link, camera = '') {
  await customer.goto(link);
  await acceptsAndJoins(customer, camera);
}

/** On their join page, the customer accepts the terms, sees the preview (chooses a camera) and joins. */
async function acceptsAndJoins(customer, camera = '') {
  await customer.waitForSelector('#consent:not([hidden])');
  await customer.check('#accept');
  await customer.click('#continue');
  await customer.waitForFunction(() => document.querySelector('#preview-video')?.videoWidth > 0);
  if (camera) {
    await customer.selectOption('#camera-choice', { label: camera });
    await customer.waitForFunction((label) => document.querySelector('#preview-video')?.srcObject?.getVideoTracks()[0]?.label === label
      && document.querySelector('#preview-video').videoWidth > 0, camera);
  }
  await customer.click('#join');
}

/**
 * The customer enters a queue from its page /q/SLUG, goes on to their join link and waits in
 * the waiting room; returns that link.
 */
export async function entersQueue(customer, slug, name, reason = '') {
  await customer.goto(`${daemon.url}/q/${slug}`);
  await customer.fill('#name', name);
  if (reason) await customer.fill('#reason', reason);
  await customer.click('#enter');
  await customer.waitForURL(/\/j\//);
  await acceptsAndJoins(customer);
  await customer.waitForSelector('#waiting:not([hidden])');
  return customer.url();
}

/** Creates a queue served by alice; returns it as assistctl shows it. */
export function queueServedByAlice(name, slug, ...options) {
  const queue = daemon.ctlJson(['queue', 'create', name, '--slug', slug, ...options]);
  daemon.ctl(['queue', 'assign', slug, 'alice']);
  return queue;
}

/** Whether `page` scrolls sideways, and the selectors of the visible elements it cuts off. */
export function cutOff(page, selectors) {
  return page.evaluate((list) => {
    const cut = [];
    for (const selector of list) {
      for (const element of document.querySelectorAll(selector)) {
        const r = element.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;  // hidden
        if (r.left < -1 || r.right > innerWidth + 1 || element.scrollWidth > element.clientWidth + 1) cut.push(selector);
      }
    }
    return { sideways: document.documentElement.scrollWidth > innerWidth, cut };
  }, selectors);
}

/**
 * A call between the specialist (signed in) and the customer (on the camera labelled `camera`, or
 * the default one), both seeing the other; returns the appointment as assistctl created it.
 */
export async function inCall(specialist, customer, customerName, camera = '') {
  await signIn(specialist);
  const appointment = daemon.ctlJson(['appointment', 'create', '--customer-name', customerName, '--specialist', 'alice']);
  await customerJoins(customer, appointment.join_url, camera);
  await specialist.click(`tr[data-appointment="${appointment.id}"] button.join`);
  await seesVideo(customer, 'customer');
  await seesVideo(specialist, 'specialist');
  return appointment;
}

// Evaluated rather than added as a <script>: the pages' Content-Security-Policy rightly refuses it.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical WCAG 2.1 A/AA violations axe finds on the page as it is now. */
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function noViolations(page, screen) {
  assert.deepEqual(await violations(page), [], screen);
}
