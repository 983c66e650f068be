// The pre-call test page, /test, against a real assistd's echo: figures and a verdict on a clean
// loopback, the same through a path with known delay and loss (so the right answer is known), a
// blocked camera, and a server running as many tests as it allows.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Daemon } from './daemon.mjs';
import { daemon, screenshot, withPages } from './pages.mjs';

const tools = new URL('../tools', import.meta.url).pathname;

const sizes = { '390x844': { width: 390, height: 844 }, '1366x768': { width: 1366, height: 768 } };

/** Runs the whole test on /test and returns what the page shows. */
async function runCheck(page) {
  await page.goto(`${daemon.url}/test`);
  await page.click('#check-start');
  await page.waitForSelector('#verdict:not([hidden])', { timeout: 60000 });
  return page.evaluate(() => {
    const value = (id) => document.getElementById(id).dataset.value;
    const loss = document.getElementById('figure-loss').dataset;
    return {
      grade: document.getElementById('verdict').dataset.grade,
      title: document.getElementById('verdict-title').textContent,
      advice: [...document.querySelectorAll('#verdict-advice li')].map((li) => li.dataset.key),
      adviceText: [...document.querySelectorAll('#verdict-advice li')].map((li) => li.textContent),
      figuresShown: !document.getElementById('network-figures').hidden,
      rtt: Number(value('figure-rtt')),
      jitter: Number(value('figure-jitter')),
      kbps: Number(value('figure-bitrate')),
      mos: Number(value('figure-mos')),
      up: Number(loss.up),
      down: Number(loss.down),
      path: document.getElementById('figure-path').textContent,
      candidate: document.getElementById('figure-path').dataset.candidate,
    };
  });
}

describe('the pre-call test', () => {
  test('on a clean connection it shows every figure and says the customer is ready, in English and French', async () => {
    for (const [size, viewport] of Object.entries(sizes)) {
      for (const locale of ['en-GB', 'fr-FR']) {
        await withPages(`check-${size}-${locale}`, { customer: { locale, viewport } }, async ({ customer }) => {
          const shown = await runCheck(customer);
          assert.equal(shown.grade, 'good', JSON.stringify(shown));
          assert.ok(shown.figuresShown);
          assert.equal(shown.candidate, 'host');
          assert.ok(shown.rtt >= 0 && shown.rtt < 50, `round trip ${shown.rtt} ms on loopback`);
          assert.ok(shown.jitter >= 0 && shown.jitter < 30, `jitter ${shown.jitter} ms`);
          assert.ok(shown.up <= 1 && shown.down <= 1, `loss ${shown.up} / ${shown.down} % on loopback`);
          assert.ok(shown.kbps > 400, `${shown.kbps} kb/s`);
          assert.ok(shown.mos > 4, `MOS ${shown.mos}`);
          assert.match(await customer.textContent('#camera-facts'), locale === 'en-GB' ? /^Picture \d+×\d+/ : /^Image \d+×\d+/);
          assert.equal(shown.title, locale === 'en-GB' ? 'You are ready for your call.' : 'Vous êtes prêt pour votre appel.');
          await screenshot(customer, `check-${size}-${locale.slice(0, 2)}`, { fullPage: true });
        });
      }
    }
  });

  // The kernel these tests run on may have no netem (CONFIG_NET_SCH_NETEM), so the path is made
  // slow and lossy by a relay on lo (tests/tools/udp-impair), outside both browser and server:
  // a second assistd's media listens on 127.0.0.2 and announces 127.0.0.1, where the relay
  // takes each datagram, waits 50 ms, drops 5 % and sends it on; nftables stops the two from
  // finding each other directly. Rules and addresses: only inside the namespace of tests/e2e/run.
  const inNamespace = process.env.ASSIST_E2E_IN_NETNS === '1' && process.getuid?.() === 0;
  const skip = !inNamespace && 'needs the network namespace of tests/e2e/run';

  test('through a path with 50 ms and 5 % loss each way, the figures say so and so does the verdict', { skip }, async (t) => {
    const low = 42000 + Math.floor(Math.random() * 2000) * 10;
    const ports = `${low}-${low + 9}`;
    execFileSync('nft', ['-f', '-'], { input: `table inet impair {
      chain output { type filter hook output priority 0;
        ip saddr 127.0.0.2 ip daddr 127.0.0.1 meta l4proto udp drop
        ip saddr 127.0.0.1 ip daddr 127.0.0.2 meta l4proto udp drop
      }
    }` });
    t.after(() => execFileSync('nft', ['delete', 'table', 'inet', 'impair']));
    const relay = spawn(join(tools, 'udp-impair'), ['--listen', '127.0.0.1', '--to', '127.0.0.2', '--via', '127.0.0.3',
      '--ports', ports, '--delay-ms', '50', '--loss', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => relay.kill());
    await new Promise((resolve, reject) => {
      relay.stdout.once('data', resolve);
      relay.once('exit', () => reject(new Error('udp-impair did not start')));
    });
    const far = await new Daemon().start({ ice: ['addresses: ["127.0.0.2"]', `port_range: "${ports}"`,
      'public_address: "127.0.0.1"'] });
    t.after(async () => {
      await far.stop();
      far.cleanup();
    });
    await withPages('check-impaired', { customer: { locale: 'en-GB' } }, async ({ customer }) => {
      await customer.goto(`${far.url}/test`);
      await customer.click('#check-start');
      await customer.waitForSelector('#verdict:not([hidden])', { timeout: 90000 });
      const shown = await customer.evaluate(() => {
        const value = (id) => Number(document.getElementById(id).dataset.value);
        const loss = document.getElementById('figure-loss').dataset;
        return { rtt: value('figure-rtt'), mos: value('figure-mos'), up: Number(loss.up), down: Number(loss.down),
          kbps: value('figure-bitrate'), grade: document.getElementById('verdict').dataset.grade,
          advice: [...document.querySelectorAll('#verdict-advice li')].map((li) => li.dataset.key) };
      });
      const detail = JSON.stringify(shown);
      assert.ok(Math.abs(shown.rtt - 100) <= 20, `round trip ${shown.rtt} ms, not 100 ± 20: ${detail}`);
      assert.ok(Math.abs(shown.up - 5) <= 2, `loss on the way up ${shown.up} %, not 5 ± 2: ${detail}`);
      assert.ok(Math.abs(shown.down - 5) <= 2, `loss on the way down ${shown.down} %, not 5 ± 2: ${detail}`);
      assert.ok(['fair', 'poor'].includes(shown.grade), detail);
      assert.ok(shown.advice.includes('network.advice.loss'), detail);
      assert.ok(shown.mos < 4.2, `MOS ${shown.mos} with 5 % loss: ${detail}`);
      assert.match(far.log(), /DIAG_ECHO_STARTED/);
      await screenshot(customer, 'check-impaired-1366x768-en', { fullPage: true });
    });
  });

  test('a blocked camera gives a failed verdict that says how to unblock it; the network is still measured', async () => {
    await withPages('check-blocked', { customer: { locale: 'fr-FR', viewport: sizes['390x844'] } }, async ({ customer }) => {
      await customer.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = async () => { throw new DOMException('refused', 'NotAllowedError'); };
      });
      const shown = await runCheck(customer);
      assert.equal(shown.grade, 'failed', JSON.stringify(shown));
      assert.equal(shown.title, 'Un problème doit être réglé avant votre appel.');
      assert.equal(shown.advice[0], 'preview.blocked.chrome');
      assert.match(shown.adviceText[0], /^Votre navigateur bloque la caméra ou le micro\. Cliquez sur l’icône de caméra/);
      assert.match(await customer.textContent('#device-problem'), /^Votre navigateur bloque/);
      assert.ok(shown.figuresShown && shown.rtt >= 0, 'the network was not measured');
      await screenshot(customer, 'check-blocked-390x844-fr', { fullPage: true });
    });
  });

  test('a server running as many tests as it allows says to come back in a minute, with no server error', async (t) => {
    await withPages('check-busy', { customer: { locale: 'en-GB', viewport: sizes['390x844'] } }, async ({ customer }) => {
      await daemon.reconfigure([['queues:', 'diagnostics:\n  max_tests: 1\nqueues:']]);
      t.after(() => daemon.reconfigure([]));
      await customer.goto(`${daemon.url}/test`);
      // Another test holds the one echo this server allows.
      const held = await customer.evaluate(async () => {
        window.held = new WebSocket(`wss://${location.host}/ws/v1/echo`);
        return new Promise((resolve) => { window.held.onmessage = (e) => resolve(JSON.parse(e.data).type); });
      });
      assert.equal(held, 'echo');
      await customer.click('#check-start');
      await customer.waitForSelector('#verdict:not([hidden])', { timeout: 30000 });
      assert.equal(await customer.getAttribute('#verdict', 'data-grade'), 'failed');
      assert.equal(await customer.textContent('#verdict-advice li'), 'Our server is running many tests right now. Please try again in a minute.');
      assert.ok(await customer.isHidden('#network-figures'));
      await screenshot(customer, 'check-busy-390x844-en', { fullPage: true });
      const log = daemon.log();
      assert.match(log, /DIAG_ECHO_REFUSED peer=127\.0\.0\.1 running=1 max_tests=1/);
      assert.doesNotMatch(log, /HANDLER_FAILED|status=5\d\d/);
      // Once one ends, the next test runs.
      await customer.evaluate(() => window.held.close());
      await customer.click('#check-again');
      await customer.waitForFunction(() => document.getElementById('verdict').dataset.grade === 'good', null, { timeout: 60000 });
    });
  });
});
