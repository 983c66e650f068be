// A specialist in the console and a customer on /j/<token>, in headless Chromium with a fake
// camera, microphone and screen, in a call through a real assistd. Screenshots of both pages
// and the daemon's log are kept when a test fails (pages.mjs).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  cutOff, daemon, eventually, inCall, peerConnections, received, rowState, screenshot, seesVideo, signIn, stats,
  withPages,
} from './pages.mjs';

/** Audio energy received over two seconds. */
async function audioEnergyOver(page, ms = 2000) {
  const before = await received(page, 'microphone');
  await new Promise((r) => setTimeout(r, ms));
  const later = await received(page, 'microphone');
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

/** The ICE credentials of the page's offer, and those of its selected candidate pair. */
function iceUfrags(page) {
  return page.evaluate(async () => {
    const pc = window.assistCall.pc;
    const offered = pc.localDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1];
    const report = await pc.getStats();
    let selected = '';
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        selected = report.get(report.get(s.selectedCandidatePairId).localCandidateId).usernameFragment;
      }
    });
    return { offered, selected };
  });
}

/** The size of the video the page shows in `selector`, once it plays. */
async function shownSize(page, selector) {
  const size = await page.waitForFunction((s) => {
    const v = document.querySelector(s);
    return v && !v.hidden && v.videoWidth > 0 && `${v.videoWidth}x${v.videoHeight}`;
  }, selector);
  return size.jsonValue();
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
      // Media flowed at the first attempt, each page on one connection: nobody had to leave
      // and join again to get it.
      const left = daemon.log().split('\n').filter((line) => line.includes('SIGNAL_LEFT'));
      assert.deepEqual(left, [], 'someone had to leave and join again to get media');
      assert.equal(await peerConnections(customer), 1, 'RTCPeerConnections on the customer page');
      assert.equal(await peerConnections(specialist), 1, 'RTCPeerConnections on the console');
      assert.equal((await stats(customer)).connection, 'connected');

      // An ICE restart keeps the call on the same connection, on both sides.
      const offers = daemon.log().split('\n').filter((line) => line.includes('MEDIA_OFFER')).length;
      const first = await iceUfrags(customer);
      await customer.evaluate(() => window.assistCall.restartIce());
      await customer.waitForSelector('#call-status[data-status="call.connected"]');
      await eventually('the restarted ICE carries the call', async () => {
        const now = await iceUfrags(customer);
        assert.notEqual(now.offered, first.offered, 'the offer kept its ICE credentials');
        assert.equal(now.selected, now.offered, 'the call is not on the new candidates');
      });
      await seesVideo(customer, 'customer after an ICE restart');
      await seesVideo(specialist, 'specialist after the customer restarted ICE');
      assert.equal(await peerConnections(customer), 1, 'the ICE restart made a new connection');
      assert.equal(daemon.log().split('\n').filter((line) => line.includes('MEDIA_OFFER')).length, offers,
        'the server made a new connection for the ICE restart');

      // Audio flows both ways; muting the customer silences what the specialist receives.
      await eventually('specialist hears the customer', async () => assert.ok(await audioEnergyOver(specialist) > 0));
      await eventually('customer hears the specialist', async () => assert.ok(await audioEnergyOver(customer) > 0));
      const speaking = await audioEnergyOver(specialist);
      assert.equal(await specialist.textContent('#remote-name'), 'Ada Lovelace');
      assert.ok(await specialist.isHidden('#remote-muted'), 'a muted badge before anyone muted');
      await customer.click('#mute');
      assert.equal(await customer.getAttribute('#mute', 'aria-pressed'), 'true');
      // The specialist is told within 2 s, with a badge beside the name.
      await specialist.waitForSelector('#remote-muted:not([hidden])', { timeout: 2000 });
      assert.equal(await specialist.textContent('#remote-muted'), 'Muted');
      await eventually('the muted customer is silent', async () => {
        const muted = await audioEnergyOver(specialist);
        assert.ok(muted < speaking / 100, `energy ${muted} while muted, ${speaking} before`);
      });
      await customer.click('#mute');
      await specialist.waitForSelector('#remote-muted', { state: 'hidden', timeout: 2000 });

      // Turning the customer's camera off sends black frames, and the specialist sees the
      // customer's name in their place; then the picture again.
      assert.ok(await remoteBrightness(specialist) > 30, 'the fake camera\'s picture is bright');
      assert.ok(await specialist.isHidden('#remote-avatar'), 'an avatar over a working camera');
      await customer.click('#camera');
      assert.equal(await customer.getAttribute('#camera', 'aria-pressed'), 'true');
      await eventually('the specialist sees black', async () => assert.ok(await remoteBrightness(specialist) < 5));
      await specialist.waitForSelector('#remote-avatar:not([hidden])', { timeout: 2000 });
      assert.equal(await specialist.textContent('#remote-avatar-name'), 'Ada Lovelace turned the camera off');
      assert.equal(await specialist.textContent('#remote-initials'), 'AL');
      await customer.click('#camera');
      await specialist.waitForSelector('#remote-avatar', { state: 'hidden', timeout: 2000 });
      await eventually('the picture comes back', async () => assert.ok(await remoteBrightness(specialist) > 30));

      // A reload of the customer page joins the same call again, on one new connection.
      await customer.reload();
      await customer.waitForSelector('#call:not([hidden])');
      await seesVideo(customer, 'customer after reload');
      await seesVideo(specialist, 'specialist after the customer reloaded');
      assert.equal(daemon.ctlJson(['appointment', 'show', String(id)]).state, 'in_call');
      assert.equal(await peerConnections(customer), 1, 'RTCPeerConnections on the reloaded page');
      assert.equal(await peerConnections(specialist), 1, 'RTCPeerConnections on the console');

      // A lost signalling connection (a network blip) heals by itself: the page joins again,
      // with a new connection in place of the old one.
      await customer.evaluate(() => window.assistCall.socket.close());
      await customer.waitForSelector('#call-status[data-status="call.connected"]');
      await seesVideo(customer, 'customer after a lost connection');
      await seesVideo(specialist, 'specialist after the customer lost its connection');
      assert.equal(await peerConnections(customer), 2, 'one connection before the blip, one after');
      assert.equal(await customer.evaluate(() => window.assistCall.pc.connectionState), 'connected');
      assert.equal(await peerConnections(specialist), 1, 'RTCPeerConnections on the console');

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

describe('what each side shows of the other', () => {
  test('the name, a muted badge and the name in place of a camera that is off, on a desktop and a phone, in English and French', async () => {
    const words = {
      en: { name: 'Ada Lovelace', muted: 'Muted', off: 'Ada Lovelace turned the camera off', staff: 'Alice Martin',
            selfOff: 'Your camera is off', own: /^Your connection: (good|fair|poor)$/, partner: /^(Good|Fair|Poor) connection$/,
            figures: /^Round trip \d+ ms · [\d.]+ % lost · [\d,]+ kb\/s received$/ },
      fr: { name: 'Jeanne Durand', muted: 'Micro coupé', off: 'Jeanne Durand a coupé sa caméra', staff: 'Alice Martin',
            selfOff: 'Votre caméra est coupée', own: /^Votre connexion : (bonne|moyenne|faible)$/, partner: /^(Bonne connexion|Connexion moyenne|Connexion faible)$/,
            figures: /^Aller-retour \d+ ms · [\d,]+ % perdus · [\d\s]+ kb\/s reçus$/ },
    };
    const devices = {
      '1366x768': { viewport: { width: 1366, height: 768 } },
      '390x844': { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    };
    for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']]) {
      for (const [size, device] of Object.entries(devices)) {
        const context = { locale, ...device };
        await withPages(`partner-${size}-${language}`, { specialist: context, customer: context }, async ({ specialist, customer }) => {
          const w = words[language];
          if (device.isMobile) {  // as a phone's browser: no screen sharing
            for (const page of [specialist, customer]) {
              await page.addInitScript(() => { delete MediaDevices.prototype.getDisplayMedia; });
            }
          }
          await inCall(specialist, customer, w.name);
          assert.equal(await customer.textContent('#remote-name'), w.staff, 'the customer sees who serves them');
          // The other side's whole picture is in the window, and the call screen covers the page's header.
          for (const [role, page] of [['console', specialist], ['join', customer]]) {
            const fit = await page.evaluate(() => {
              const r = document.querySelector('#remotes video').getBoundingClientRect();
              const top = document.elementFromPoint(innerWidth / 2, 2);
              return { inside: r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1,
                height: r.height, header: !document.querySelector('#call').contains(top) };
            });
            assert.deepEqual({ inside: fit.inside, header: fit.header }, { inside: true, header: false },
              `${role} ${size} ${language}: ${JSON.stringify(fit)}`);
            assert.ok(fit.height > 200, `${role} ${size} ${language}: the picture is ${fit.height} px high`);
          }
          // Each side grades its own connection (the figures on a tap) and sees the other's grade,
          // the one the other page last measured.
          for (const [role, page] of [['console', specialist], ['join', customer]]) {
            await page.waitForSelector('#own-quality:not([hidden])');
            assert.match(await page.textContent('#own-quality'), w.own, role);
            assert.match(await page.getAttribute('#own-quality', 'title'), w.figures, role);
            await page.click('#own-quality');
            assert.match(await page.textContent('#quality-figures'), w.figures, role);
            assert.equal(await page.getAttribute('#own-quality', 'aria-expanded'), 'true', role);
          }
          await eventually('the console shows the grade the customer page measured', async () => {
            const measured = await customer.evaluate(() => window.assistCall.quality);
            const shown = await specialist.getAttribute('#remote-quality', 'data-grade');
            assert.ok(measured && measured === shown, `measured ${measured}, shown ${shown}`);
          });
          assert.match(await specialist.textContent('#remote-quality'), w.partner);
          await customer.click('#mute');
          await customer.click('#camera');
          await specialist.waitForSelector('#remote-avatar:not([hidden])', { timeout: 2000 });
          await specialist.waitForSelector('#remote-muted:not([hidden])', { timeout: 2000 });
          assert.equal(await specialist.textContent('#remote-muted'), w.muted);
          assert.equal(await specialist.textContent('#remote-avatar-name'), w.off);
          assert.equal(await customer.textContent('#self-off:not([hidden])'), w.selfOff, 'the customer sees its camera is off');
          for (const [role, page] of [['console', specialist], ['join', customer]]) {
            const { sideways, cut } = await cutOff(page, ['#remote-label', '.controls', '#self-view', '.top']);
            assert.deepEqual(cut, [], `${role} ${size} ${language}: cut off`);
            assert.ok(!sideways, `${role} ${size} ${language}: the page scrolls sideways`);
            const overlap = await page.evaluate(() => {
              const box = (s) => document.querySelector(s).getBoundingClientRect();
              const [label, self, controls] = [box('#remote-label'), box('#self-view'), box('.controls')];
              const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
              return { labelSelf: meets(label, self), controlsSelf: meets(controls, self) };
            });
            assert.deepEqual(overlap, { labelSelf: false, controlsSelf: false }, `${role} ${size} ${language}`);
            await screenshot(page, `partner-${role}-${size}-${language}`);
          }
        });
      }
    }
  });
});

describe('whether the other side is still there', () => {
  // A page that unloads closes its DTLS, and the server once let that end-of-stream reach the
  // other side's connection: from then on each new page's packets were refused and it went
  // unseen. It showed at the 1st to 5th reload, so eight in a row.
  test('the specialist sees the customer after each of eight reloads in a row', async () => {
    await withPages('reloads', { specialist: {}, customer: {} }, async ({ specialist, customer }) => {
      await inCall(specialist, customer, 'Ada Lovelace');
      for (let i = 1; i <= 8; i++) {
        await customer.reload();
        await customer.waitForSelector('#call:not([hidden])');
        await seesVideo(customer, `customer after reload ${i}`);
        await seesVideo(specialist, `specialist after reload ${i}`);
      }
    });
  });

  test('a customer whose connection dropped is shown reconnecting, counting; one who hangs up, as gone', async () => {
    const desktop = { locale: 'en-GB', viewport: { width: 1366, height: 768 } };
    await withPages('partner-presence', { specialist: desktop, customer: desktop }, async ({ specialist, customer }) => {
      const appointment = await inCall(specialist, customer, 'Ada Lovelace');
      await specialist.waitForSelector('#call-status[data-status="call.connected"]');
      // Both count the call's length.
      for (const page of [specialist, customer]) {
        await page.waitForFunction(() => /^0:0[1-9]$/.test(document.querySelector('#call-timer').textContent));
        assert.match(await page.getAttribute('#call-timer', 'aria-label'), /^Call time 0:0\d$/);
      }
      // The customer's network goes: its socket closes and, for now, it cannot join again.
      await customer.evaluate(() => {
        const session = window.assistCall;
        session.connect = () => {};
        session.socket.close();
      });
      await specialist.waitForSelector('#call-status[data-status="call.partner_reconnecting"]', { timeout: 5000 });
      assert.match(await specialist.textContent('#call-status'), /^Ada Lovelace lost the connection\. Reconnecting… 0:0\d$/);
      await specialist.waitForFunction(() => /… 0:0[3-9]$/.test(document.querySelector('#call-status').textContent),
        null, { timeout: 10000 });
      await screenshot(specialist, 'partner-reconnecting-console-1366x768-en');
      // The network is back: the page joins again by itself.
      await customer.evaluate(() => {
        const session = window.assistCall;
        delete session.connect;
        session.connect();
      });
      await specialist.waitForSelector('#call-status[data-status="call.connected"]', { timeout: 10000 });
      await seesVideo(specialist, 'specialist after the customer came back');
      // Hanging up is not a lost connection: the specialist reads at once that the customer left.
      await customer.click('#hang-up');
      await specialist.waitForSelector('#call-status[data-status="call.partner_left"]', { timeout: 2000 });
      assert.equal(await specialist.textContent('#call-status'), 'Ada Lovelace left the call');
      assert.ok(daemon.log().includes('reason="hung up"'), 'the leave is recorded as a hang-up');
      // Once the specialist hangs up too, the console says nobody is there, not "waiting".
      await specialist.click('#hang-up');
      await rowState(specialist, appointment.id).filter({ hasText: 'nobody connected' }).waitFor({ timeout: 10000 });
    });
  });
});

describe('sharing a screen', () => {
  test('each side sees the other\'s screen on its own track, and the camera again when sharing stops', async () => {
    await withPages('screen', { specialist: {}, customer: { locale: 'en-GB' } }, async ({ specialist, customer }) => {
      await inCall(specialist, customer, 'Hedy Lamarr');
      assert.ok(await customer.isHidden('#remote-screen'), 'a screen tile before anyone shares');

      // The specialist shares: the customer gets a large screen tile next to the camera.
      await specialist.click('#share');
      await specialist.waitForSelector('#sharing-note:not([hidden])');
      assert.equal(await specialist.textContent('#share'), 'Stop sharing');
      await seesVideo(customer, 'customer, the specialist\'s screen', 'screen', '1280x720');
      assert.equal(await shownSize(customer, '#remote-screen'), '1280x720');
      await seesVideo(customer, 'customer, the specialist\'s camera while sharing');
      assert.equal(await shownSize(customer, '#remotes video'), '640x480');
      assert.ok(await customer.locator('#call.presenting').isVisible());

      // Stopping restores the camera view.
      await specialist.click('#share');
      await specialist.waitForSelector('#sharing-note', { state: 'hidden' });
      await customer.waitForSelector('#remote-screen', { state: 'hidden' });
      assert.equal(await customer.locator('#call.presenting').count(), 0);
      await seesVideo(customer, 'customer, the specialist\'s camera after sharing');
      assert.equal(await shownSize(customer, '#remotes video'), '640x480');

      // The customer shares; the browser's own "stop sharing" (the track ends) stops it too.
      await customer.click('#share');
      await customer.waitForSelector('#sharing-note:not([hidden])');
      await seesVideo(specialist, 'specialist, the customer\'s screen', 'screen', '1280x720');
      assert.equal(await shownSize(specialist, '#remote-screen'), '1280x720');
      await customer.evaluate(() => window.assistCall.screenTrack.dispatchEvent(new Event('ended')));
      await customer.waitForSelector('#sharing-note', { state: 'hidden' });
      await specialist.waitForSelector('#remote-screen', { state: 'hidden' });
      assert.equal(await customer.evaluate(() => window.assistCall.transceivers.screen.sender.track), null);
      await seesVideo(specialist, 'specialist, the customer\'s camera after sharing');

      // All of it on the one connection each page made.
      assert.equal(await peerConnections(customer), 1, 'RTCPeerConnections on the customer page');
      assert.equal(await peerConnections(specialist), 1, 'RTCPeerConnections on the console');
      await specialist.click('#end-all');
      await customer.waitForSelector('#notice:not([hidden])');
    });
  });
  test('a browser that cannot share a screen (a phone) shows no share button', async () => {
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' };
    await withPages('no-share', { specialist: {}, customer: phone }, async ({ specialist, customer }) => {
      // As on Android and iOS browsers: no getDisplayMedia at all.
      await customer.addInitScript(() => { delete MediaDevices.prototype.getDisplayMedia; });
      await inCall(specialist, customer, 'Grace Hopper');
      assert.ok(await customer.isHidden('#share'), 'the phone shows a share button');
      assert.ok(await specialist.isVisible('#share'), 'the desktop lost its share button');
    });
  });
});

describe('a network outage', () => {
  // nft rules are only harmless in the network namespace tests/e2e/run makes; elsewhere this
  // test does not run.
  const inNamespace = process.env.ASSIST_E2E_IN_NETNS === '1' && process.getuid?.() === 0;

  const skip = !inNamespace && 'needs the network namespace of tests/e2e/run';
  test('when the customer\'s UDP is blocked the page restarts ICE on its connection, and says so', { skip }, async () => {
    await withPages('outage', { specialist: {}, customer: { locale: 'fr-FR' } }, async ({ specialist, customer }) => {
      await inCall(specialist, customer, 'Katherine Johnson');
      await customer.evaluate(() => {
        window.statuses = [];
        window.assistCall.addEventListener('status', (e) => window.statuses.push(e.detail));
      });
      // The UDP port the customer's connection uses now: its packets, and only those, are
      // dropped (the signalling, over TCP, and the specialist's media go on).
      const port = await customer.evaluate(async () => {
        const report = await window.assistCall.pc.getStats();
        let pair;
        report.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
        return report.get(pair.localCandidateId).port;
      });
      const nft = (...args) => execFileSync('nft', args);
      nft('add', 'table', 'inet', 'outage');
      nft('add', 'chain', 'inet', 'outage', 'out', '{ type filter hook output priority 0; }');
      nft('add', 'rule', 'inet', 'outage', 'out', 'udp', 'sport', String(port), 'drop');
      nft('add', 'rule', 'inet', 'outage', 'out', 'udp', 'dport', String(port), 'drop');
      try {
        // Chromium notices after a few seconds; the page waits a few more before restarting.
        await customer.waitForFunction(() => window.statuses.includes('restarting'), null, { timeout: 20000 });
        assert.equal(await customer.textContent('#call-status'), 'Reconnexion de la vidéo…');
        await customer.waitForFunction(() => window.assistCall.restarting, null, { timeout: 10000 });
      } finally {
        nft('delete', 'table', 'inet', 'outage');
      }
      await customer.waitForSelector('#call-status[data-status="call.connected"]');
      for (const [who, page] of [['customer', customer], ['specialist', specialist]]) {
        await eventually(`${who} receives video again`, async () => {
          const before = (await stats(page)).inbound.find((i) => i.track === 'camera').packetsReceived;
          await new Promise((r) => setTimeout(r, 1000));
          const later = (await stats(page)).inbound.find((i) => i.track === 'camera').packetsReceived;
          assert.ok(later > before + 20, `packets stopped at ${later}`);
        });
      }
      assert.equal(await peerConnections(customer), 1, 'the page made a new connection');
      assert.ok(!(await customer.evaluate(() => window.statuses)).includes('reconnecting'), 'the page joined again');
      assert.match(daemon.log(), /MEDIA_RENEGOTIATE peer=\S+ ice_restart=true/);
      // Packets lost in the outage need a keyframe, which the browsers ask for with a PLI that
      // assistd passes on to the sender.
      for (const [who, page] of [['customer', customer], ['specialist', specialist]]) {
        await eventually(`${who} decodes video again`, async () => {
          const before = await received(page, 'camera');
          await new Promise((r) => setTimeout(r, 1000));
          const later = await received(page, 'camera');
          assert.ok(later.framesDecoded > before.framesDecoded + 5, `frames stopped at ${later.framesDecoded}`);
        }, 15000);
      }
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

  test('a cancelled appointment and a link opened too early say so; a page opened early opens when the time comes', async () => {
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
      // Meanwhile the customer can test the device and the network, in a tab of its own.
      assert.equal(await customer.textContent('#notice-action'), 'Test my device and connection now');
      const [test] = await Promise.all([customer.context().waitForEvent('page'), customer.click('#notice-action')]);
      await test.waitForSelector('#check-start');
      assert.equal(new URL(test.url()).pathname, '/test');
      await test.close();
      // Left open, the page goes on by itself when the link starts to work (15 minutes ahead).
      const soon = new Date(Date.now() + (15 * 60 + 5) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const nearly = daemon.ctlJson(['appointment', 'create', '--customer-name', 'Ada Byron', '--at', soon]);
      response = await customer.goto(nearly.join_url);
      assert.equal(response.status(), 403);
      await customer.waitForSelector('#consent:not([hidden])', { timeout: 20000 });
      assert.equal(await customer.textContent('#greeting'), 'Hello Ada Byron');
    });
  });
});
