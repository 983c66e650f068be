// Recording a call from the console (recording.mode on_demand, the default): the specialist's
// record button, the indicator both sides see, and the files assistd writes from what Chromium
// sends, read back by GStreamer's gst-discoverer-1.0. On both sizes, in English and French.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cutOff, daemon, eventually, inCall, screenshot, withPages } from './pages.mjs';

const words = {
  en: { name: 'Rita Hayworth', record: 'Record', stop: 'Stop recording',
        note: 'This call is being recorded (started by Alice Martin)' },
  fr: { name: 'Renée Durand', record: 'Enregistrer', stop: 'Arrêter l’enregistrement',
        note: 'Cet appel est enregistré (à la demande de Alice Martin)' },
};
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
        await new Promise((r) => setTimeout(r, 8000));
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
          assert.ok(Math.abs(duration - seconds) < 1.5, `${row.participant.role}: ${duration} s of ${seconds} s\n${text}`);
        }
      });
  });

  for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']]) {
    for (const [size, device] of Object.entries(devices)) {
      test(`the indicator and the button fit, ${size} ${language}`, async () => {
        const context = { locale, ...device };
        await withPages(`recording-${size}-${language}`, { specialist: context, customer: context },
          async ({ specialist, customer }) => {
            const w = words[language];
            await inCall(specialist, customer, w.name);
            await specialist.click('#record');
            await customer.waitForSelector('#recording-note:not([hidden])');
            await specialist.waitForSelector('#record[aria-pressed=true]');
            assert.equal(await customer.textContent('#recording-note'), w.note);
            assert.equal(await specialist.textContent('#record'), w.stop);
            for (const [role, page] of [['console', specialist], ['join', customer]]) {
              const { sideways, cut } = await cutOff(page, ['#recording-note', '.controls', '.top', '#self-view']);
              assert.deepEqual(cut, [], `${role} ${size} ${language}: cut off`);
              assert.ok(!sideways, `${role} ${size} ${language}: the page scrolls sideways`);
              const overlap = await page.evaluate(() => {
                const box = (s) => document.querySelector(s).getBoundingClientRect();
                const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
                return meets(box('#recording-note'), box('#self-view')) || meets(box('.controls'), box('#self-view'));
              });
              assert.equal(overlap, false, `${role} ${size} ${language}: overlaps the self view`);
              await screenshot(page, `recording-${role}-${size}-${language}`);
            }
            await specialist.click('#record');
            await specialist.waitForSelector('#record[aria-pressed=false]');
            assert.equal(await specialist.textContent('#record'), w.record);
          });
      });
    }
  }
});
