// WCAG 2.1 AA on every screen of both pages, as axe-core (npm) judges it: no serious or critical
// violation, in English and French. Also the keyboard: the customer joins and hangs up, and
// the specialist joins a call, with the keyboard alone.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { daemon, entersQueue, noViolations, queueServedByAlice, seesVideo, signIn, withPages } from './pages.mjs';

/** Presses Tab until the element matching `selector` has the focus (at most 40 times). */
async function tabTo(page, selector) {
  for (let i = 0; i < 40; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reaches ${selector}`);
}

describe('accessibility', () => {
  for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']]) {
    test(`every screen of the customer page and the console, ${language}`, async () => {
      queueServedByAlice(`Help ${language}`, `help-${language}`);
      await withPages(`axe-${language}`, { specialist: { locale }, customer: { locale } }, async ({ specialist, customer }) => {
        await customer.goto(`${daemon.url}/j/not-a-real-token-at-all-000000000`);
        await customer.waitForSelector('#notice:not([hidden])');
        await noViolations(customer, 'an unknown link');
        await customer.goto(`${daemon.url}/q/help-${language}`);
        await customer.waitForSelector('#name');
        await noViolations(customer, 'the queue page');

        await signIn(specialist);
        await noViolations(specialist, 'the console');
        await specialist.click('#settings');
        await specialist.waitForSelector('#settings-dialog[open]');
        await noViolations(specialist, 'the settings dialog');
        await specialist.keyboard.press('Escape');
        await specialist.waitForSelector('#settings-dialog:not([open])', { state: 'attached' });
        await entersQueue(customer, `help-${language}`, 'Ada Lovelace', 'A flat tyre');
        await noViolations(customer, 'the waiting room');
        await specialist.waitForSelector('#waiting-list li');
        await noViolations(specialist, 'the console with someone waiting');

        await specialist.click(`#admit-next button[data-queue="help-${language}"]`);
        await seesVideo(customer, 'customer');
        await seesVideo(specialist, 'specialist');
        await customer.waitForSelector('#own-quality:not([hidden])');
        await noViolations(customer, 'the call, customer');
        await noViolations(specialist, 'the call, specialist');
        await specialist.click('#chat-toggle');
        await specialist.fill('#chat-input', 'Hello');
        await specialist.press('#chat-input', 'Enter');
        await specialist.waitForSelector('#chat-messages li');
        await noViolations(specialist, 'the call with the chat open');
        await customer.click('#hang-up');
        await customer.waitForSelector('#notice:not([hidden])');
        await noViolations(customer, 'after hanging up');
      });
    });
  }

  test('a new customer consents, previews and joins, and a specialist joins, with the keyboard alone', async () => {
    await withPages('axe-keyboard', { specialist: { locale: 'en-GB' }, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      const appointment = daemon.ctlJson(['appointment', 'create', '--customer-name', 'Ada Lovelace', '--specialist', 'alice']);
      await customer.goto(appointment.join_url);
      await customer.waitForSelector('#consent:not([hidden])');
      await noViolations(customer, 'consent');
      await tabTo(customer, '#accept');
      await customer.keyboard.press('Space');
      await tabTo(customer, '#continue');
      await customer.keyboard.press('Enter');
      await customer.waitForSelector('#preview:not([hidden])');
      assert.equal(await customer.evaluate(() => document.activeElement.textContent), 'Check your camera and microphone');
      await customer.waitForFunction(() => document.querySelector('#preview-video').videoWidth > 0);
      await noViolations(customer, 'preview');
      await tabTo(customer, '#join');
      await customer.keyboard.press('Enter');
      // No specialist yet: the waiting room, its heading focused.
      await customer.waitForSelector('#waiting:not([hidden])');
      assert.equal(await customer.evaluate(() => document.activeElement.textContent), 'You are in the waiting room');

      await specialist.goto(`${daemon.url}/console`);
      await specialist.waitForSelector('#sign-in:not([hidden])');
      await noViolations(specialist, 'sign-in');
      await tabTo(specialist, '#username');
      await specialist.keyboard.type('alice');
      await specialist.keyboard.press('Tab');
      await specialist.keyboard.type('correct horse battery');
      await specialist.keyboard.press('Enter');
      await specialist.waitForSelector('#dashboard:not([hidden])');
      await tabTo(specialist, `tr[data-appointment="${appointment.id}"] button.join`);
      await specialist.keyboard.press('Enter');
      await seesVideo(specialist, 'specialist');
      await seesVideo(customer, 'customer');
      assert.equal(await customer.evaluate(() => document.activeElement.id), 'call-heading');

      // In the call: mute with the keyboard, then hang up.
      await tabTo(customer, '#mute');
      await customer.keyboard.press('Enter');
      await specialist.waitForSelector('#remote-muted:not([hidden])');
      await tabTo(customer, '#hang-up');
      await customer.keyboard.press('Enter');
      await customer.waitForSelector('#notice:not([hidden])');
      assert.equal(await customer.evaluate(() => document.activeElement.id), 'notice-title');
    });
  });
});
