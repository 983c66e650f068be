// The customer's preview before joining: the microphone's level, a test sound, joining with the
// microphone or camera off, and what the page says when the browser will not give the devices.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { cutOff, daemon, screenshot, seesVideo, signIn, withPages } from './pages.mjs';

const devices = {
  '1366x768': { viewport: { width: 1366, height: 768 } },
  '390x844': { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

/** A link for a customer of Alice's, opened up to the preview. */
async function atPreview(customer, name) {
  const appointment = daemon.ctlJson(['appointment', 'create', '--customer-name', name, '--specialist', 'alice']);
  await customer.goto(appointment.join_url);
  await customer.check('#accept');
  await customer.click('#continue');
  await customer.waitForSelector('#preview:not([hidden])');
  return appointment;
}

/** The highest level the preview's meter shows within `ms`. */
function peakLevel(page, ms) {
  return page.evaluate((ms) => new Promise((resolve) => {
    let peak = 0;
    const tick = setInterval(() => { peak = Math.max(peak, document.querySelector('#mic-level').value); }, 20);
    setTimeout(() => { clearInterval(tick); resolve(peak); }, ms);
  }), ms);
}

describe('the preview before joining', () => {
  test('the microphone level moves, a test sound plays, and the customer joins with the microphone and camera off', async () => {
    await withPages('prejoin', { specialist: devices['1366x768'], customer: { locale: 'en-GB', ...devices['1366x768'] } },
      async ({ specialist, customer }) => {
        await signIn(specialist);
        const appointment = await atPreview(customer, 'Ada Lovelace');
        assert.equal(await customer.evaluate(() => document.activeElement.textContent), 'Check your camera and microphone',
          'the focus is on the new screen\'s heading');
        // Chromium's fake microphone beeps: the meter follows it, and falls silent when muted.
        assert.ok(await peakLevel(customer, 2500) > 0.05, 'the meter moves with the microphone');
        await customer.click('#speaker-test');
        assert.equal(await customer.textContent('#speaker-note'), 'Playing… Can you hear two notes?');
        await customer.waitForFunction(() => document.querySelector('#speaker-note').textContent.startsWith('If you heard nothing'));
        assert.ok(!(await customer.isDisabled('#speaker-test')), 'the sound can be played again');
        await customer.check('#join-muted');
        await customer.check('#join-camera-off');
        await customer.waitForFunction(() => document.querySelector('#mic-level').value === 0);
        assert.equal(await peakLevel(customer, 1500), 0, 'a muted microphone shows no level');
        await customer.click('#join');
        await specialist.click(`tr[data-appointment="${appointment.id}"] button.join`);
        // The specialist sees at once that the customer is muted with the camera off.
        await specialist.waitForSelector('#remote-muted:not([hidden])', { timeout: 5000 });
        await specialist.waitForSelector('#remote-avatar:not([hidden])', { timeout: 5000 });
        assert.equal(await customer.textContent('#mute'), 'Unmute');
        assert.equal(await customer.textContent('#camera'), 'Camera on');
        assert.equal(await customer.evaluate(() => document.activeElement.id), 'call-heading');
        // Turning them on works as from within the call.
        await customer.click('#mute');
        await customer.click('#camera');
        await specialist.waitForSelector('#remote-muted[hidden]', { state: 'attached', timeout: 5000 });
        await seesVideo(specialist, 'specialist');
      });
  });

  test('the preview fits a desktop and a phone, in English and French', async () => {
    for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']]) {
      for (const [size, device] of Object.entries(devices)) {
        await withPages(`prejoin-${size}-${language}`, { customer: { locale, ...device } }, async ({ customer }) => {
          await atPreview(customer, 'Ada Lovelace');
          await customer.waitForFunction(() => document.querySelector('#preview-video').videoWidth > 0);
          await customer.click('#speaker-test');
          const { sideways, cut } = await cutOff(customer, ['#preview label', '#preview button', '#preview meter', '#speaker-note']);
          assert.deepEqual(cut, [], `${size} ${language}`);
          assert.ok(!sideways, `${size} ${language}: the page scrolls sideways`);
          if (size === '1366x768') {
            const bottom = await customer.evaluate(() => document.querySelector('#join').getBoundingClientRect().bottom);
            assert.ok(bottom <= 768, `${language}: the join button is below the fold (${bottom})`);
          }
          await screenshot(customer, `prejoin-${size}-${language}`, { fullPage: true });
        });
      }
    }
  });
});

describe('devices the browser will not give', () => {
  // getUserMedia as a browser answers when the user (or a policy) blocked the site, or when
  // there is no such device: the page must say what to do in that browser.
  const refuse = (name, onlyVideo = false) => ({ name, onlyVideo });
  const failing = ({ name, onlyVideo }) => {
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      if (!onlyVideo || constraints.video) throw new DOMException('refused', name);
      return original(constraints);
    };
  };
  const agents = {
    chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    safari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    ios: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  };
  const blocked = {
    chrome: /^Your browser blocks .* camera icon at the right of the address bar/,
    firefox: /^Firefox blocks .* crossed-out camera icon at the left of the address bar/,
    safari: /^Safari blocks .* “Settings for This Website”/,
    ios: /Tap “aA” in the address bar.*Settings › Safari › Camera/,
    android: /Tap the icon at the left of the address, then “Permissions”/,
  };

  test('a blocked camera is explained for the browser in use, with no empty choices, and Try again works', async () => {
    for (const [family, userAgent] of Object.entries(agents)) {
      await withPages(`blocked-${family}`, { customer: { locale: 'en-GB', userAgent, ...devices['390x844'] } }, async ({ customer }) => {
        await customer.addInitScript(failing, refuse('NotAllowedError'));
        await atPreview(customer, 'Ada Lovelace');
        await customer.waitForSelector('#preview-error:not([hidden])');
        assert.match(await customer.textContent('#preview-error'), blocked[family], family);
        assert.ok(await customer.isHidden('#preview-devices'), `${family}: no empty drop-downs`);
        assert.equal(await customer.textContent('#join'), 'Try again');
        if (family === 'ios') await screenshot(customer, 'blocked-ios-390x844-en', { fullPage: true });
      });
    }
    // Once the user allowed access, Try again opens the devices.
    await withPages('blocked-then-allowed', { customer: { locale: 'fr-FR', userAgent: agents.firefox, ...devices['1366x768'] } }, async ({ customer }) => {
      await customer.addInitScript(failing, refuse('NotAllowedError'));
      await atPreview(customer, 'Ada Lovelace');
      await customer.waitForSelector('#preview-error:not([hidden])');
      assert.match(await customer.textContent('#preview-error'), /^Firefox bloque la caméra ou le micro\. .*icône de caméra barrée/);
      await screenshot(customer, 'blocked-firefox-1366x768-fr', { fullPage: true });
      await customer.evaluate(() => { delete navigator.mediaDevices.getUserMedia; });  // the prototype's again
      await customer.click('#join');
      await customer.waitForFunction(() => document.querySelector('#preview-video').videoWidth > 0);
      assert.ok(await customer.isHidden('#preview-error'));
      assert.equal(await customer.textContent('#join'), 'Rejoindre l’appel');
    });
  });

  test('no device at all, or one another app holds, says so; without a camera the customer joins with sound only', async () => {
    await withPages('no-devices', { customer: { locale: 'en-GB' } }, async ({ customer }) => {
      await customer.addInitScript(failing, refuse('NotFoundError'));
      await atPreview(customer, 'Ada Lovelace');
      await customer.waitForSelector('#preview-error:not([hidden])');
      assert.match(await customer.textContent('#preview-error'), /^No camera or microphone was found\./);
    });
    await withPages('busy-devices', { customer: { locale: 'en-GB' } }, async ({ customer }) => {
      await customer.addInitScript(failing, refuse('NotReadableError'));
      await atPreview(customer, 'Ada Lovelace');
      await customer.waitForSelector('#preview-error:not([hidden])');
      assert.match(await customer.textContent('#preview-error'), /^Another app is using your camera or microphone\./);
    });
    await withPages('no-camera', { specialist: {}, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      await signIn(specialist);
      await customer.addInitScript(failing, refuse('NotFoundError', true));
      const appointment = await atPreview(customer, 'Ada Lovelace');
      await customer.waitForSelector('#preview-note:not([hidden])');
      assert.equal(await customer.textContent('#preview-note'), 'No camera found: you will join with sound only.');
      assert.ok(await customer.isHidden('#camera-label'), 'no camera to choose');
      assert.ok(await customer.isHidden('#join-camera-off-label'));
      await customer.click('#join');
      await specialist.click(`tr[data-appointment="${appointment.id}"] button.join`);
      await specialist.waitForSelector('#remote-avatar:not([hidden])', { timeout: 10000 });
      assert.ok(await customer.isDisabled('#camera'), 'no camera to turn on');
      assert.ok(await specialist.isHidden('#remote-muted'), 'the customer can be heard');
    });
  });
});
