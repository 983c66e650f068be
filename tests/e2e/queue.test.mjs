// A queue's entry page /q/<slug> and the waiting room behind it: customers enter from the page
// and see their place change live; the estimate is "unknown" until the line has history; a
// queue that takes nobody now says when it opens next in the customer's language; an unknown
// slug is a 404 page; the form shows the server's word on a field. Screenshots of the form, the
// closed page and the 404 on a phone and a desktop, in English and French, go to the artifacts.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  cutOff, daemon, entersQueue, queueServedByAlice, screenshot, seesVideo, signIn, withPages,
} from './pages.mjs';

const desktop = { width: 1366, height: 768 };
const phone = { width: 390, height: 844 };
const frenchWeekday = /\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) à \d\d:\d\d\b/;

/** How the page should write `iso` in French, in the queue's time zone. */
function inFrench(iso, timeZone) {
  return new Intl.DateTimeFormat('fr-FR', {
    weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone,
  }).format(new Date(iso));
}

/** A weekday three days from now (in UTC), as opening hours name it: outside those hours now. */
function threeDaysOn() {
  return new Date(Date.now() + 3 * 86400 * 1000).toUTCString().slice(0, 3).toLowerCase();
}

/** The staff side of a call with nobody else in it: join from the console's session, end it for all. */
async function handleEmptyCall(console_, appointmentId) {
  await console_.evaluate(async (id) => {
    const { protocolVersion } = await import('/web/protocol.js');
    const url = new URL('/ws/v1', location.href);
    url.protocol = 'wss:';
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      setTimeout(() => reject(new Error('the call did not end')), 10000);
      socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', version: protocolVersion, appointment_id: id }));
      socket.onmessage = (event) => {
        const m = JSON.parse(event.data);
        if (m.type === 'welcome') socket.send(JSON.stringify({ type: 'end' }));
        if (m.type === 'ended') resolve(undefined);
        if (m.type === 'error') reject(new Error(m.message));
      };
    });
  }, appointmentId);
}

describe('the waiting line behind a queue link', () => {
  test('two customers wait in one queue; when the first is taken the second goes from 2 to 1 without a reload', async () => {
    queueServedByAlice('Roadside help', 'roadside');
    const pages = { specialist: {}, first: { locale: 'en-GB' }, second: { locale: 'en-GB' } };
    await withPages('queue-line', pages, async ({ specialist, first, second }) => {
      await signIn(specialist);
      await entersQueue(first, 'roadside', 'First Customer', 'My car will not start');
      await first.waitForSelector('#waiting-position:text("You are next in line.")');
      await entersQueue(second, 'roadside', 'Second Customer');
      await second.waitForSelector('#waiting-position:text("You are number 2 in line.")');
      await second.evaluate(() => { window.sameDocument = true; });

      await specialist.locator('#waiting-list li', { hasText: 'Second Customer' }).waitFor();
      await specialist.click('#admit-next button[data-queue="roadside"]');
      await second.waitForSelector('#waiting-position:text("You are next in line.")');
      assert.equal(await second.evaluate(() => window.sameDocument), true, 'the page was reloaded');
      assert.ok(await second.isHidden('#call'), 'the second customer is still waiting');
      await seesVideo(first, 'first customer');
      await seesVideo(specialist, 'specialist');
      const taken = daemon.ctlJson(['appointment', 'list']).find((a) => a.customer_name === 'First Customer');
      assert.equal(taken.reason, 'My car will not start');
    });
  });

  test('the estimate is unknown before the line has handled calls, and a duration after three', async () => {
    queueServedByAlice('Estimates', 'estimates');
    await withPages('queue-estimate', { specialist: {}, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      await signIn(specialist);
      await entersQueue(customer, 'estimates', 'Patient Customer');
      const estimate = customer.locator('#waiting-estimate');
      await customer.waitForSelector('#waiting-estimate:text("Estimated wait: unknown for now.")');
      for (let n = 1; n <= 3; n += 1) {
        const handled = daemon.ctlJson(['appointment', 'create', '--customer-name', `Handled ${n}`, '--queue', 'estimates']);
        await handleEmptyCall(specialist, handled.id);
        assert.equal(daemon.ctlJson(['appointment', 'show', String(handled.id)]).state, 'ended');
        if (n < 3) assert.equal(await estimate.textContent(), 'Estimated wait: unknown for now.', `after ${n} call(s)`);
      }
      await customer.waitForFunction(() =>
        /^Estimated wait: about \d+ min\.$/.test(document.querySelector('#waiting-estimate')?.textContent ?? ''));
      assert.equal(await customer.textContent('#waiting-position'), 'You are next in line.');
    });
  });
});

describe('a queue that takes nobody now', () => {
  test('a closed queue and one outside its hours give their next opening in French to a French browser', async () => {
    daemon.ctlJson(['queue', 'create', 'Dépannage', '--slug', 'ferme', '--hours', 'mon-sun 09:00-17:00',
      '--timezone', 'Europe/Paris']);
    daemon.ctl(['queue', 'close', 'ferme', '--message', 'Fermé pour inventaire']);
    daemon.ctlJson(['queue', 'create', 'Night line', '--slug', 'later', '--hours', `${threeDaysOn()} 09:00-17:00`,
      '--timezone', 'America/New_York']);
    const closed = daemon.ctlJson(['queue', 'show', 'ferme']);
    const later = daemon.ctlJson(['queue', 'show', 'later']);
    assert.equal(closed.status.state, 'closed');
    assert.equal(later.status.state, 'outside_hours');
    await withPages('queue-closed', { fr: { locale: 'fr-FR' }, en: { locale: 'en-US' } }, async ({ fr, en }) => {
      const response = await fr.goto(`${daemon.url}/q/ferme`);
      assert.equal(response.status(), 200);
      await fr.waitForSelector('#notice:not([hidden])');
      assert.ok(await fr.isHidden('#entry-form'), 'no form for a closed queue');
      assert.equal(await fr.textContent('#notice-queue'), 'Dépannage');
      assert.equal(await fr.textContent('#notice-title'), 'Cette file est fermée pour le moment');
      const text = await fr.textContent('#notice-text');
      assert.equal(text, `Elle rouvre le ${inFrench(closed.status.next_opening, 'Europe/Paris')}.`);
      assert.match(text, frenchWeekday);

      await fr.goto(`${daemon.url}/q/later`);
      assert.equal(await fr.textContent('#notice-title'), 'Cette file est fermée à cette heure-ci');
      assert.equal(await fr.textContent('#notice-text'),
        `Elle rouvre le ${inFrench(later.status.next_opening, 'America/New_York')}.`);
      assert.match(await fr.textContent('#notice-text'), /à 09:00 UTC−[45]\.$/, 'nine in the morning in New York');
      await fr.click('#language');
      assert.match(await fr.textContent('#notice-text'), /^It opens again on [A-Z][a-z]+day, /);

      await en.goto(`${daemon.url}/q/later`);
      assert.equal(await en.textContent('#notice-title'), 'This line is closed at this time');
      assert.match(await en.textContent('#notice-text'), /^It opens again on [A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2} at 9:00\sAM E[SD]T\.$/);
    });
  });

  test('a queue that fills up while the customer writes says so when they send the form', async () => {
    daemon.ctlJson(['queue', 'create', 'Small line', '--slug', 'small', '--max-waiting', '1']);
    await withPages('queue-full', { customer: { locale: 'en-GB' } }, async ({ customer }) => {
      await customer.goto(`${daemon.url}/q/small`);
      await customer.fill('#name', 'Too Late');
      daemon.ctlJson(['appointment', 'create', '--customer-name', 'Quicker', '--queue', 'small']);
      await customer.click('#enter');
      await customer.waitForSelector('#notice:not([hidden])');
      assert.equal(await customer.textContent('#notice-title'), 'This line is full right now');
      assert.equal(await customer.textContent('#notice-text'),
        'Many people are waiting already. Please try again in a few minutes.');
      assert.ok(await customer.isVisible('#notice-action'), 'a way to try again');
    });
  });

  test('an unknown queue is a 404 page in the customer\'s language', async () => {
    await withPages('queue-unknown', { fr: { locale: 'fr-FR' }, en: { locale: 'en-US' } }, async ({ fr, en }) => {
      let response = await fr.goto(`${daemon.url}/q/nulle-part`);
      assert.equal(response.status(), 404);
      assert.equal(await fr.textContent('#notice-title'), 'Cette file d’attente n’existe pas');
      assert.ok(await fr.isHidden('#notice-action'));
      response = await en.goto(`${daemon.url}/q/Nowhere_At_All`);
      assert.equal(response.status(), 404);
      assert.equal(await en.textContent('#notice-title'), 'This waiting line does not exist');
    });
  });
});

describe('the entry form', () => {
  test('shows the server\'s word on a field, with the keyboard alone', async () => {
    daemon.ctlJson(['queue', 'create', 'Form line', '--slug', 'form-line']);
    await withPages('queue-form', { customer: { locale: 'en-GB' } }, async ({ customer }) => {
      await customer.goto(`${daemon.url}/q/form-line`);
      assert.equal(await customer.evaluate(() => document.activeElement?.id), 'name', 'the name field has the focus');
      assert.equal(await customer.textContent('label[for=name]'), 'Your name');
      // Nothing typed: the server's missing_field on customer_name shows at the name.
      await customer.keyboard.press('Enter');
      await customer.waitForSelector('#name-error:not([hidden])');
      assert.equal(await customer.textContent('#name-error'), 'Please fill this in.');
      assert.equal(await customer.getAttribute('#name', 'aria-invalid'), 'true');
      // A phone number without its country code: invalid_phone, at the phone.
      await customer.keyboard.type('Ada Lovelace');
      await customer.keyboard.press('Tab');
      await customer.keyboard.type('06 12 34 56 78');
      await customer.keyboard.press('Enter');
      await customer.waitForSelector('#phone-error:not([hidden])');
      assert.ok(await customer.isHidden('#name-error'), 'the name is fine now');
      assert.match(await customer.textContent('#phone-error'), /^Enter the number with its country code/);
      assert.equal(await customer.evaluate(() => document.activeElement?.id), 'phone');
      // In French too, after a switch; then a good number goes through, spaces and all.
      await customer.click('#language');
      assert.match(await customer.textContent('#phone-error'), /^Saisissez le numéro avec l’indicatif du pays/);
      await customer.fill('#phone', '+33 6 12 34 56 78');
      await customer.click('#enter');
      await customer.waitForURL(/\/j\//);
      const entered = daemon.ctlJson(['appointment', 'list']).find((a) => a.customer_name === 'Ada Lovelace');
      assert.deepEqual([entered.customer_phone, entered.locale, entered.queue], ['+33612345678', 'fr', 'Form line']);
    });
  });
});

describe('the entry form, for an address that entered too often', () => {
  test('says to wait a few minutes, in English and French, and keeps what was typed', async () => {
    daemon.ctlJson(['queue', 'create', 'Busy line', '--slug', 'busy-line']);
    await withPages('queue-too-often', { customer: { locale: 'en-GB' } }, async ({ customer }) => {
      await customer.goto(`${daemon.url}/q/busy-line`);
      await customer.fill('#name', 'Ada Lovelace');
      await customer.click('#enter');
      await customer.waitForURL(/\/j\//);
    });
    // Every page here enters from 127.0.0.1, which has just entered once at least.
    await daemon.reconfigure([['entries_per_address: 100000', 'entries_per_address: 1']]);
    try {
      await withPages('queue-too-often', { customer: { locale: 'en-GB' } }, async ({ customer }) => {
        await customer.goto(`${daemon.url}/q/busy-line`);
        await customer.fill('#name', 'Grace Hopper');
        await customer.click('#enter');
        await customer.waitForSelector('#entry-error:not([hidden])');
        assert.match(await customer.textContent('#entry-error'), /^You have joined a line several times in a short while/);
        assert.equal(await customer.inputValue('#name'), 'Grace Hopper');
        assert.ok(!(await customer.isDisabled('#enter')), 'the button works again');
        await customer.click('#language');
        assert.match(await customer.textContent('#entry-error'), /^Vous avez rejoint une file plusieurs fois/);
        assert.ok(!daemon.ctlJson(['appointment', 'list']).some((a) => a.customer_name === 'Grace Hopper'));
      });
    } finally {
      await daemon.reconfigure([]);
    }
  });
});

describe('the entry page\'s layout', () => {
  test('the form, the closed page and the 404 fit a phone and a desktop, in English and French', async () => {
    daemon.ctlJson(['queue', 'create', 'Assistance dépannage routière', '--slug', 'layout',
      '--description', 'Broken down on the road? A specialist looks at your car with you over video.']);
    daemon.ctlJson(['queue', 'create', 'Closed layout', '--slug', 'closed-layout', '--hours', 'mon-fri 08:30-18:00',
      '--timezone', 'Europe/Paris']);
    daemon.ctl(['queue', 'close', 'closed-layout']);
    const screens = { form: 'layout', closed: 'closed-layout', unknown: 'does-not-exist' };
    for (const [size, viewport] of Object.entries({ phone, desktop })) {
      for (const locale of ['en-GB', 'fr-FR']) {
        await withPages(`queue-layout-${size}-${locale}`, { customer: { locale, viewport } }, async ({ customer }) => {
          for (const [screen, slug] of Object.entries(screens)) {
            await customer.goto(`${daemon.url}/q/${slug}`);
            await customer.waitForSelector(screen === 'form' ? '#entry:not([hidden])' : '#notice:not([hidden])');
            const fit = await cutOff(customer, ['.bar', '.card', 'label', 'input', 'textarea', 'button', 'h1', 'p']);
            assert.deepEqual(fit, { sideways: false, cut: [] }, `${screen} ${size} ${locale}`);
            await screenshot(customer, `queue-${screen}-${size}-${locale.slice(0, 2)}`, { fullPage: true });
          }
        });
      }
    }
  });
});
