// The console's waiting list: who waits, with their reason, their queue and how long (counted
// live); a new arrival chimes and raises a notification, and the console asks for permission to
// notify only once; Decline with a message reaches the customer's page; Admit brings both into
// the call; Admit next says when nobody waits. Screenshots on a phone and a desktop, in English
// and French, go to the artifacts.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  cutOff, entersQueue, eventually, queueServedByAlice, screenshot, seesVideo, signIn, withPages,
} from './pages.mjs';

const desktop = { width: 1366, height: 768 };
const phone = { width: 390, height: 844 };

/**
 * Records the console's alerts instead of playing and showing them: the chime's tones, the
 * notifications, and how often it asked for permission (which the stand-in refuses).
 */
async function recordAlerts(page, permission) {
  await page.context().addInitScript((permission) => {
    const alerts = { tones: 0, notifications: [], asked: 0 };
    window.alerts = alerts;
    const createOscillator = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
      alerts.tones += 1;
      return createOscillator.call(this);
    };
    window.Notification = class {
      static permission = permission;
      static async requestPermission() {
        alerts.asked += 1;
        return 'denied';
      }
      constructor(title, options) {
        alerts.notifications.push({ title, body: options?.body ?? '' });
      }
      close() {}
    };
  }, permission);
}

const alerts = (page) => page.evaluate(() => window.alerts);

describe('the console\'s waiting list', () => {
  test('a customer who arrives is listed live, with a chime and a notification; decline with a message reaches them; admit starts the call', async () => {
    queueServedByAlice('Help desk', 'help-desk');
    await withPages('waiting-list', { specialist: {}, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      await recordAlerts(specialist, 'granted');
      await signIn(specialist);
      const next = specialist.locator('#admit-next button[data-queue="help-desk"]');
      await eventually('the Admit next button', async () => assert.equal(await next.textContent(), 'Admit next: Help desk (0)'));
      assert.ok(await specialist.isVisible('#waiting-empty'), 'says nobody waits');
      await next.click();
      await specialist.waitForSelector('#waiting-status:text("Nobody is waiting in Help desk.")');

      await entersQueue(customer, 'help-desk', 'Grace Hopper', 'The printer is on fire');
      const row = specialist.locator('#waiting-list li', { hasText: 'Grace Hopper' });
      await row.waitFor();
      assert.equal(await row.locator('.waiting-reason').textContent(), 'The printer is on fire');
      assert.equal(await row.locator('.state').textContent(), 'Help desk');
      assert.ok(await specialist.isHidden('#waiting-empty'));
      assert.equal(await next.textContent(), 'Admit next: Help desk (1)');
      const waited = await row.locator('.waited').textContent();
      assert.match(waited, /^Waiting for \d+:\d\d$/);
      await eventually('the time waited counts up', async () =>
        assert.notEqual(await row.locator('.waited').textContent(), waited), 5000);
      const heard = await alerts(specialist);
      assert.equal(heard.tones, 2, 'the chime, two tones');
      assert.deepEqual(heard.notifications,
        [{ title: 'A customer is waiting', body: 'Grace Hopper · Help desk · The printer is on fire' }]);
      assert.equal(heard.asked, 0, 'no prompt: notifications were allowed already');

      // Decline, with a message the customer reads.
      await row.locator('button.decline').click();
      await specialist.waitForSelector('#decline-dialog[open]');
      assert.equal(await specialist.textContent('#decline-title'), 'Decline Grace Hopper');
      assert.equal(await specialist.evaluate(() => document.activeElement?.id), 'decline-message');
      await specialist.keyboard.type('Please call 112 instead');
      await specialist.click('#decline-form button[type=submit]');
      await customer.waitForSelector('#notice:not([hidden])');
      assert.equal(await customer.textContent('#notice-title'), 'The specialist cannot take your call');
      assert.equal(await customer.textContent('#notice-text'), 'Please call 112 instead');
      await row.waitFor({ state: 'detached' });
      assert.ok(await specialist.isHidden('#decline-dialog'), 'the dialog closed');

      // Back in the line, and admitted this time: both are in the call.
      await entersQueue(customer, 'help-desk', 'Grace Hopper');
      await row.waitFor();
      assert.equal((await alerts(specialist)).notifications.length, 2, 'the new arrival was notified');
      await row.locator('button.admit').click();
      await seesVideo(customer, 'customer');
      await seesVideo(specialist, 'specialist');
    });
  });

  test('the console asks once for permission to notify, and not again after a no', async () => {
    await withPages('notify-permission', { specialist: {} }, async ({ specialist }) => {
      await recordAlerts(specialist, 'default');
      await signIn(specialist);
      await specialist.waitForFunction(() => window.alerts.asked === 1);
      assert.equal(await specialist.evaluate(() => localStorage.getItem('assist.notifications')), 'denied');
      await specialist.reload();
      await specialist.waitForSelector('#live[data-state=in_call]');
      assert.equal((await alerts(specialist)).asked, 0, 'asked again after a reload');
    });
  });

  test('the list fits a phone and a desktop, in English and French', async () => {
    queueServedByAlice('Assistance dépannage', 'layout-line');
    const consoles = {
      phoneEn: { viewport: phone, locale: 'en-GB' }, phoneFr: { viewport: phone, locale: 'fr-FR' },
      desktopEn: { viewport: desktop, locale: 'en-GB' }, desktopFr: { viewport: desktop, locale: 'fr-FR' },
    };
    const pages = { first: { locale: 'fr-FR' }, second: { locale: 'en-GB' }, ...consoles };
    await withPages('waiting-layout', pages, async (opened) => {
      await entersQueue(opened.first, 'layout-line', 'Marie-Hélène Desjardins-Beauregard',
        'Ma voiture ne démarre plus depuis ce matin et un voyant orange clignote sur le tableau de bord');
      await entersQueue(opened.second, 'layout-line', 'Bo Li');
      for (const name of Object.keys(consoles)) {
        const page = opened[name];
        await signIn(page);
        await eventually(`${name} lists both`, async () =>
          assert.equal(await page.locator('#waiting-list li').count(), 2));
        const fit = await cutOff(page, ['.bar', '.card', '#waiting-list li', '#waiting-list button', '#admit-next button',
          '.waiting-who', '.waiting-reason']);
        assert.deepEqual(fit, { sideways: false, cut: [] }, name);
        await screenshot(page, `console-waiting-${name.replace(/(En|Fr)$/, (l) => `-${l.toLowerCase()}`)}`, { fullPage: true });
      }
      // The decline dialog on a phone, in French.
      await opened.phoneFr.locator('#waiting-list li button.decline').first().click();
      await opened.phoneFr.waitForSelector('#decline-dialog[open]');
      assert.equal(await opened.phoneFr.textContent('#decline-form button[type=submit]'), 'Refuser');
      const fit = await cutOff(opened.phoneFr, ['#decline-dialog', '#decline-dialog button', '#decline-dialog label']);
      assert.deepEqual(fit, { sideways: false, cut: [] }, 'the dialog on a phone');
      await screenshot(opened.phoneFr, 'console-decline-phone-fr');
      await opened.phoneFr.keyboard.press('Escape');
      await opened.phoneFr.waitForSelector('#decline-dialog', { state: 'hidden' });
    });
  });
});
