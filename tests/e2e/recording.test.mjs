// Recording a call from the console (recording.mode on_demand, the default): the specialist's
// record button, the indicator both sides see, and the files assistd writes from what Chromium
// sends, read back by GStreamer's gst-discoverer-1.0; with recording.consent require, the
// customer's question and a refusal. On both sizes, in English and French.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cutOff, daemon, eventually, inCall, noViolations, screenshot, withPages } from './pages.mjs';

const words = {
  en: { name: 'Rita Hayworth', record: 'Record', stop: 'Stop recording',
        note: 'This call is being recorded (started by Alice Martin)',
        question: 'Alice Martin would like to record this call.', allow: 'Allow recording', refuse: 'Do not record',
        waiting: 'Waiting for the customer to agree to recording', refused: 'The customer declined recording',
        recordings: 'Recordings (2)' },
  fr: { name: 'Renée Durand', record: 'Enregistrer', stop: 'Arrêter l’enregistrement',
        note: 'Cet appel est enregistré (à la demande de Alice Martin)',
        question: 'Alice Martin souhaite enregistrer cet appel.', allow: 'Accepter l’enregistrement', refuse: 'Refuser',
        waiting: 'En attente de l’accord du client pour l’enregistrement', refused: 'Le client a refusé l’enregistrement',
        recordings: 'Enregistrements (2)' },
};
const requireConsent = [['queues:', 'recording:\n  consent: require\nqueues:']];

/** Whether the page is cut off or scrolls sideways, or `selector` covers the self view. */
async function fits(page, selector, what) {
  const { sideways, cut } = await cutOff(page, [selector, '.controls', '.top', '#self-view']);
  assert.deepEqual(cut, [], `${what}: cut off`);
  assert.ok(!sideways, `${what}: the page scrolls sideways`);
  const overlap = await page.evaluate((s) => {
    const box = (q) => document.querySelector(q).getBoundingClientRect();
    const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return meets(box(s), box('#self-view')) || meets(box('.controls'), box('#self-view'));
  }, selector);
  assert.equal(overlap, false, `${what}: overlaps the self view`);
}
const devices = {
  '1366x768': { viewport: { width: 1366, height: 768 } },
  '390x844': { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

/** The appointment's recordings as assistctl's REST answer lists them (over the control socket). */
function recordings(id) {
  const out = execFileSync('curl', ['-sS', '--unix-socket', daemon.socket,
    `http://localhost/api/v1/appointments/${id}/recordings`]);
  return JSON.parse(String(out)).items;
}

/** The duration (seconds) and streams gst-discoverer-1.0 reports for a recording's bytes. */
function discover(recordingId) {
  const dir = mkdtempSync(join(tmpdir(), 'assist-recording-'));
  try {
    const file = join(dir, 'call.webm');
    writeFileSync(file, execFileSync('curl', ['-sS', '--unix-socket', daemon.socket,
      `http://localhost/api/v1/recordings/${recordingId}/content`], { maxBuffer: 1 << 28 }));
    const text = String(execFileSync('gst-discoverer-1.0', [file]));
    const [, h, m, s] = text.match(/Duration: (\d+):(\d+):([\d.]+)/) ?? [0, 0, 0, 0];
    return { seconds: Number(h) * 3600 + Number(m) * 60 + Number(s), text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('recording a call', () => {
  test('the specialist records; both sides see it; each side becomes a playable file', async () => {
    await withPages('recording', { specialist: { locale: 'en-GB' }, customer: { locale: 'en-GB' } },
      async ({ specialist, customer }) => {
        const appointment = await inCall(specialist, customer, 'Rita Hayworth');
        await specialist.waitForSelector('#record:not([hidden])');
        assert.equal(await specialist.textContent('#record'), 'Record');
        assert.ok(await customer.isHidden('#record'), 'only staff may record');
        assert.ok(await customer.isHidden('#recording-note'), 'nothing records before it is asked');

        await specialist.click('#record');
        await customer.waitForSelector('#recording-note:not([hidden])');
        assert.equal(await customer.textContent('#recording-note'), words.en.note);
        await specialist.waitForSelector('#record[aria-pressed=true]');
        assert.equal(await specialist.textContent('#record'), 'Stop recording');
        const started = Date.now();
        await new Promise((r) => setTimeout(r, 20000));  // a 20 s recording, as the issue asks
        await specialist.click('#record');
        const seconds = (Date.now() - started) / 1000;
        await customer.waitForSelector('#recording-note', { state: 'hidden' });

        await eventually('both files to be complete', async () => {
          const rows = recordings(appointment.id);
          assert.equal(rows.length, 2, JSON.stringify(rows));
          assert.ok(rows.every((r) => r.state === 'complete'), JSON.stringify(rows));
        });
        for (const row of recordings(appointment.id)) {
          const { seconds: duration, text } = discover(row.id);
          assert.match(text, /video #\d+: VP8/, text);
          assert.match(text, /audio #\d+: Opus/, text);
          assert.ok(Math.abs(duration - seconds) < 1, `${row.participant.role}: ${duration} s of ${seconds} s\n${text}`);
        }
      });
  });

  test('the join page says before joining whether the call may be recorded', async () => {
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
    await withPages('recording-notice', { en: { locale: 'en-GB' }, fr: { locale: 'fr-FR', ...phone } }, async ({ en, fr }) => {
      const link = daemon.ctlJson(['appointment', 'create', '--customer-name', 'Nora Notice']).join_url;
      const possible = {
        en: 'Recording: the specialist may record this call. You will see it on your screen while it is recorded.',
        fr: 'Enregistrement : le spécialiste peut enregistrer cet appel. Vous le verrez à l’écran pendant l’enregistrement.',
      };
      for (const [language, page] of [['en', en], ['fr', fr]]) {
        for (const [size, viewport] of [['1366x768', { width: 1366, height: 768 }], ['390x844', { width: 390, height: 844 }]]) {
          await page.setViewportSize(viewport);
          await page.goto(link);
          await page.waitForSelector('#consent:not([hidden])');
          assert.equal(await page.textContent('#recording-notice'), possible[language]);
          const fit = await cutOff(page, ['#recording-notice', '#consent']);
          assert.deepEqual(fit, { sideways: false, cut: [] }, `${size} ${language}`);
          await screenshot(page, `recording-notice-possible-${size}-${language}`, { fullPage: true });
        }
      }
      await fr.setViewportSize({ width: 390, height: 844 });
      await daemon.reconfigure(requireConsent);
      try {
        await fr.goto(link);
        await fr.waitForSelector('#consent:not([hidden])');
        assert.equal(await fr.textContent('#recording-notice'),
          'Enregistrement : le spécialiste peut vous demander d’enregistrer cet appel. Rien n’est enregistré sans votre accord.');
        const { sideways, cut } = await cutOff(fr, ['#recording-notice', '#consent']);
        assert.deepEqual({ sideways, cut }, { sideways: false, cut: [] });
        await screenshot(fr, 'recording-notice-390x844-fr', { fullPage: true });
      } finally {
        await daemon.reconfigure([]);
      }
      await daemon.reconfigure([['queues:', 'recording:\n  mode: "off"\nqueues:']]);
      try {
        await en.reload();
        await en.waitForSelector('#consent:not([hidden])');
        assert.ok(await en.isHidden('#recording-notice'), 'a server that never records says nothing');
      } finally {
        await daemon.reconfigure([]);
      }
    });
  });

  test('where consent is required, a refusal records nothing and is audited', async () => {
    await daemon.reconfigure(requireConsent);
    try {
      await withPages('recording-refused', { specialist: { locale: 'en-GB' }, customer: { locale: 'en-GB' } },
        async ({ specialist, customer }) => {
          const appointment = await inCall(specialist, customer, 'Rita Refuser');
          await specialist.click('#record');
          await customer.waitForSelector('#recording-consent:not([hidden])');
          assert.equal(await customer.textContent('#recording-question'), words.en.question);
          await eventually('the specialist sees the question waiting', async () => {
            assert.equal(await specialist.textContent('#recording-note'), words.en.waiting);
          });
          assert.ok(await customer.isHidden('#recording-note'), 'nothing records while the customer is asked');
          await customer.click('#recording-refuse');
          await customer.waitForSelector('#recording-consent', { state: 'hidden' });
          await eventually('the specialist sees the refusal', async () => {
            assert.equal(await specialist.textContent('#recording-note'), words.en.refused);
          });
          assert.deepEqual(recordings(appointment.id), []);
          const audit = daemon.ctlJson(['audit', 'list', '--object-id', String(appointment.id)]).map((e) => e.action);
          assert.ok(audit.includes('recording.consent_refused'), audit.join(' '));
          assert.ok(!audit.includes('recording.started'), audit.join(' '));
          assert.equal(await specialist.getAttribute('#record', 'aria-pressed'), 'false');
        });
    } finally {
      await daemon.reconfigure([]);
    }
  });

  for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']]) {
    for (const [size, device] of Object.entries(devices)) {
      test(`the question, the indicator and the button fit, ${size} ${language}`, async () => {
        await daemon.reconfigure(requireConsent);
        try {
          const context = { locale, ...device };
          await withPages(`recording-${size}-${language}`, { specialist: context, customer: context },
            async ({ specialist, customer }) => {
              const w = words[language];
              const appointment = await inCall(specialist, customer, w.name);
              await specialist.click('#record');
              await customer.waitForSelector('#recording-consent:not([hidden])');
              assert.equal(await customer.textContent('#recording-question'), w.question);
              assert.equal(await customer.textContent('#recording-allow'), w.allow);
              assert.equal(await customer.textContent('#recording-refuse'), w.refuse);
              await eventually('the specialist sees the question waiting', async () => {
                assert.equal(await specialist.textContent('#recording-note'), w.waiting);
              });
              await fits(customer, '#recording-consent', `join ${size} ${language}`);
              await noViolations(customer, `the recording question ${size} ${language}`);
              await screenshot(customer, `recording-question-${size}-${language}`);
              await customer.click('#recording-allow');
              await customer.waitForSelector('#recording-note:not([hidden])');
              await specialist.waitForSelector('#record[aria-pressed=true]');
              await eventually('the note says who records', async () => {
                assert.equal(await customer.textContent('#recording-note'), w.note);
                assert.equal(await specialist.textContent('#recording-note'), w.note);
              });
              assert.equal(await specialist.textContent('#record'), w.stop);
              for (const [role, page] of [['console', specialist], ['join', customer]]) {
                await fits(page, '#recording-note', `${role} ${size} ${language}`);
                await noViolations(page, `the call recording, ${role} ${size} ${language}`);
                await screenshot(page, `recording-${role}-${size}-${language}`);
              }
              await specialist.click('#record');
              await specialist.waitForSelector('#record[aria-pressed=false]');
              assert.equal(await specialist.textContent('#record'), w.record);

              // Back in the console, the appointment lists its two files, each playable.
              await specialist.click('#hang-up');
              const button = specialist.locator(`tr[data-appointment="${appointment.id}"] button.recordings`);
              await button.waitFor();
              assert.equal(await button.textContent(), w.recordings);
              await button.click();
              await specialist.waitForSelector('#recordings-dialog[open]');
              await eventually('both players know their length', async () => {
                const lengths = await specialist.$$eval('#recordings-list video', (videos) => videos.map((v) => v.duration));
                assert.equal(lengths.length, 2);
                assert.ok(lengths.every((d) => d > 0), JSON.stringify(lengths));
              });
              assert.match(await specialist.textContent('#recordings-title'), new RegExp(w.name));
              const { sideways, cut } = await cutOff(specialist, ['#recordings-dialog', '#recordings-list li']);
              assert.deepEqual({ sideways, cut }, { sideways: false, cut: [] }, `recordings ${size} ${language}`);
              await noViolations(specialist, `the recordings dialog ${size} ${language}`);
              await screenshot(specialist, `recordings-dialog-${size}-${language}`);
            });
        } finally {
          await daemon.reconfigure([]);
        }
      });
    }
  }
});
