// The console's appointments: today, upcoming and past, a day picked, a search, all in the
// user's own time zone and language (assistctl user set), not the browser's.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { addDays, dateIn, startOfDay } from '../../daemon/web/appointment_days.js';
import { cutOff, daemon, screenshot, signIn, withPages } from './pages.mjs';

const paris = 'Europe/Paris';
const rows = (page) => page.$$eval('#appointments tr', (trs) => trs.map((tr) => tr.querySelector('td:nth-child(2)').textContent));

describe('the console\'s appointments', () => {
  test('today, upcoming, a picked day, a search and the past, in the user\'s zone and language', async () => {
    daemon.ctl(['user', 'set', 'alice', '--timezone', paris, '--language', 'fr']);
    const today = dateIn(new Date(), paris);
    const tomorrow = addDays(today);
    const lateOwl = new Date(startOfDay(tomorrow, paris).getTime() + 50 * 60000);  // 00:50 tomorrow in Paris
    daemon.ctlJson(['appointment', 'create', '--customer-name', 'Late Owl', '--specialist', 'alice',
      '--at', lateOwl.toISOString().replace(/\.\d+Z$/, 'Z')]);
    daemon.ctlJson(['appointment', 'create', '--customer-name', 'Early Bird', '--specialist', 'alice',
      '--phone', '+33612345678', '--email', 'bird@example.org']);
    // A browser in New York, in English: the console still speaks French and counts Paris days.
    const newYork = { locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 1366, height: 768 } };
    await withPages('console-days', { specialist: newYork }, async ({ specialist }) => {
      await signIn(specialist);
      await specialist.waitForSelector('#appointments tr');
      assert.equal(await specialist.textContent('#appointments-title'), 'Aujourd’hui');
      assert.equal(await specialist.textContent('#times-in'), 'Heures de Europe/Paris.');
      assert.deepEqual(await rows(specialist), ['Early Bird']);

      await specialist.click('.views button[data-view="upcoming"]');
      await specialist.waitForFunction(() => document.querySelector('#appointments-title').textContent === 'À venir');
      await specialist.waitForSelector('#appointments tr');
      assert.deepEqual(await rows(specialist), ['Late Owl']);
      assert.match(await specialist.textContent('#appointments tr td'), /00:50$/, 'its Paris time');
      assert.equal(await specialist.getAttribute('.views button[data-view="upcoming"]', 'aria-pressed'), 'true');

      await specialist.fill('#day-choice', tomorrow);
      await specialist.waitForFunction(() => !['Aujourd’hui', 'À venir'].includes(document.querySelector('#appointments-title').textContent));
      assert.match(await specialist.textContent('#appointments-title'), /^[a-z]+ \d{1,2}(er)? [a-zéû]+$/);
      assert.deepEqual(await rows(specialist), ['Late Owl']);
      assert.equal(await specialist.textContent('#appointments tr td'), '00:50');

      await specialist.click('.views button[data-view="today"]');
      await specialist.waitForFunction(() => document.querySelector('#appointments-title').textContent === 'Aujourd’hui');
      await specialist.fill('#appointment-search', '06 12 34');  // as written nationally
      assert.deepEqual(await rows(specialist), ['Early Bird']);
      await specialist.fill('#appointment-search', 'zzz');
      assert.equal(await specialist.textContent('#no-appointments'), 'Aucun rendez-vous ne correspond à « zzz ».');
      await specialist.fill('#appointment-search', '');
      await screenshot(specialist, 'console-days-1366x768-fr');
      // A refusal is said in the console's language, not in the server's words.
      await specialist.fill('#customer-name', 'Typo');
      await specialist.fill('#customer-phone', '12');
      await specialist.click('#on-demand-form button[type=submit]');
      await specialist.waitForSelector('#on-demand-error:not([hidden])');
      assert.match(await specialist.textContent('#on-demand-error'), /^Ce numéro de mobile n’est pas utilisable\./);

      // The user's own settings: English and Tokyo, kept on the server.
      await specialist.click('#settings');
      await specialist.selectOption('#settings-language', 'en');
      await specialist.selectOption('#settings-timezone', 'Asia/Tokyo');
      await specialist.click('#settings-form button[type=submit]');
      await specialist.waitForFunction(() => document.querySelector('#times-in').textContent === 'Times in Asia/Tokyo.');
      assert.equal(await specialist.textContent('#appointments-title'), 'Today');
      const alice = daemon.ctlJson(['user', 'list']).find((u) => u.username === 'alice');
      assert.deepEqual([alice.language, alice.timezone], ['en', 'Asia/Tokyo']);
    });
    daemon.ctl(['user', 'set', 'alice', '--timezone', paris, '--language', '']);

    // Three days on, both are in the past, the latest first.
    const later = { locale: 'en-GB', timezoneId: 'America/New_York', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
    await withPages('console-past', { specialist: later }, async ({ specialist }) => {
      await specialist.clock.setFixedTime(new Date(Date.now() + 3 * 86400000));
      await signIn(specialist);
      await specialist.click('.views button[data-view="past"]');
      await specialist.waitForSelector('#appointments tr');
      assert.deepEqual(await rows(specialist), ['Late Owl', 'Early Bird']);
      const { sideways, cut } = await cutOff(specialist, ['.day-controls', '.day-controls label', '.views button', '#appointments td']);
      assert.deepEqual(cut, []);
      assert.ok(!sideways, 'the console scrolls sideways');
      await screenshot(specialist, 'console-past-390x844-en', { fullPage: true });
    });
  });

  test('the lists and the settings fit a desktop and a phone, in English and French', async () => {
    const devices = {
      '1366x768': { viewport: { width: 1366, height: 768 } },
      '390x844': { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    };
    for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']]) {
      for (const [size, device] of Object.entries(devices)) {
        await withPages(`console-${size}-${language}`, { specialist: { locale, ...device } }, async ({ specialist }) => {
          await signIn(specialist);
          await specialist.click('.views button[data-view="upcoming"]');
          await specialist.waitForSelector('#appointments tr');
          const { sideways, cut } = await cutOff(specialist, ['.day-controls', '.day-controls label', '.views button', '#appointments td']);
          assert.deepEqual(cut, [], `${size} ${language}`);
          assert.ok(!sideways, `${size} ${language}: the console scrolls sideways`);
          await screenshot(specialist, `console-upcoming-${size}-${language}`, { fullPage: true });
          await specialist.click('#settings');
          await specialist.waitForSelector('#settings-dialog[open]');
          const fits = await specialist.evaluate(() => {
            const r = document.querySelector('#settings-dialog').getBoundingClientRect();
            return r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight;
          });
          assert.ok(fits, `${size} ${language}: the settings dialog is cut off`);
          await screenshot(specialist, `console-settings-${size}-${language}`);
        });
      }
    }
  });
});
