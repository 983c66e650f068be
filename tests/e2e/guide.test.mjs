// Remote guidance between two Chromium pages: staff's pointer and drawing land on the same spot
// of the customer's picture at two different screen sizes (read back from the customer's canvas
// at the fractions of the picture, letterboxing left out), undo takes a stroke back on both
// sides, the customer draws too, a freeze-frame shows both sides the customer's full-resolution
// still, and the drawing saved on it is a photo; the customer's position, shared through
// Chromium's geolocation or refused, is stored. Screenshots of both pages at both sizes, in
// English and French.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { cutOff, daemon, eventually, inCall, noViolations, screenshot, withPages } from './pages.mjs';

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const desktop = { viewport: { width: 1366, height: 768 } };
const pointerRed = [255, 23, 68];
const red = [229, 57, 53];
const blue = [30, 136, 229];

/** What the REST API says (over the control socket). */
function rest(path) {
  return JSON.parse(String(execFileSync('curl', ['-sS', '--unix-socket', daemon.socket, `http://localhost${path}`])));
}

/**
 * Where fraction (x, y) of the customer's picture is on `page`, worked out here from the
 * element's box and its picture's size (object-fit: contain): {x, y} in the viewport, and the
 * colour the drawing canvas has there.
 */
function spot(page, x, y) {
  return page.evaluate(([fx, fy]) => {
    const frozen = document.getElementById('guide-frozen');
    const picture = !frozen.hidden ? frozen
      : window.assistCall.role === 'customer' ? document.getElementById('self-view') : document.querySelector('#remotes video');
    const width = picture.videoWidth ?? picture.naturalWidth;
    const height = picture.videoHeight ?? picture.naturalHeight;
    const shown = picture.getBoundingClientRect();
    const scale = Math.min(shown.width / width, shown.height / height);
    const px = shown.left + (shown.width - width * scale) / 2 + fx * width * scale;
    const py = shown.top + (shown.height - height * scale) / 2 + fy * height * scale;
    const canvas = document.getElementById('guide-canvas');
    const origin = canvas.getBoundingClientRect();
    const ratio = canvas.width / origin.width;
    const [r, g, b, a] = canvas.getContext('2d')
      .getImageData(Math.round((px - origin.left) * ratio), Math.round((py - origin.top) * ratio), 1, 1).data;
    return { x: px, y: py, colour: [r, g, b], alpha: a };
  }, [x, y]);
}

/** How many pixels of the drawing canvas of `page` are painted between two fractions of the picture. */
async function inked(page, from, to) {
  const a = await spot(page, ...from);
  const b = await spot(page, ...to);
  return page.evaluate(([a, b]) => {
    const canvas = document.getElementById('guide-canvas');
    const origin = canvas.getBoundingClientRect();
    const ratio = canvas.width / origin.width;
    const x = Math.round((a.x - origin.left) * ratio);
    const y = Math.round((a.y - origin.top) * ratio);
    const data = canvas.getContext('2d').getImageData(x, y, Math.round((b.x - a.x) * ratio), Math.round((b.y - a.y) * ratio)).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) painted += data[i] > 0;
    return painted;
  }, [a, b]);
}

const near = (colour, wanted) => colour.every((c, i) => Math.abs(c - wanted[i]) < 40);

/** The canvas of `page` shows `wanted` at fraction (x, y) of the picture. */
async function shows(page, x, y, wanted, what) {
  await eventually(what, async () => {
    const { colour, alpha } = await spot(page, x, y);
    assert.ok(alpha > 150 && near(colour, wanted), `${what}: ${colour} alpha ${alpha}`);
  }, 10000);
}

async function blank(page, x, y, what) {
  await eventually(what, async () => {
    const { alpha } = await spot(page, x, y);
    assert.equal(alpha, 0, what);
  }, 10000);
}

/** Staff drag from one fraction of the customer's picture to another with the tool chosen. */
async function drag(page, from, to) {
  const a = await spot(page, ...from);
  const b = await spot(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

/** The tool bar, the notes and the controls fit; nothing runs off the page. */
async function fits(page, what) {
  const { sideways, cut } = await cutOff(page, ['#guide-tools', '.tool-group', '.controls', '.top', '#locations']);
  assert.deepEqual({ sideways, cut }, { sideways: false, cut: [] }, what);
  const overlap = await page.evaluate(() => {
    const box = (q) => document.querySelector(q).getBoundingClientRect();
    const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const tools = document.getElementById('guide-tools');
    return meets(box('.top'), box('.stage')) || (!tools.hidden && (meets(box('#guide-tools'), box('.controls')) ||
      meets(box('#guide-tools'), box('.stage'))));
  });
  assert.equal(overlap, false, `${what}: the tool bar overlaps the video or the controls`);
}

async function sizes(what, specialist, customer, language, swap) {
  if (swap) {
    const wide = specialist.viewportSize().width > 500;
    await specialist.setViewportSize(wide ? phone.viewport : desktop.viewport);
    await customer.setViewportSize(wide ? desktop.viewport : phone.viewport);
  }
  const name = (page) => (page.viewportSize().width > 500 ? '1366x768' : '390x844');
  await fits(specialist, `console ${name(specialist)} ${language.specialist}`);
  await fits(customer, `join ${name(customer)} ${language.customer}`);
  await screenshot(specialist, `guide-${what}-console-${name(specialist)}-${language.specialist}`);
  await screenshot(customer, `guide-${what}-join-${name(customer)}-${language.customer}`);
}

describe('remote guidance', () => {
  test('pointer, strokes and undo land on the same spot of the picture at two screen sizes', async () => {
    await withPages('guide-draw', { specialist: { locale: 'en-GB', ...desktop }, customer: { locale: 'fr-FR', ...phone } },
      async ({ specialist, customer }) => {
        await inCall(specialist, customer, 'Dora Dessin');
        await specialist.click('#guide');
        await specialist.waitForSelector('#guide-tools:not([hidden])');
        assert.equal(await specialist.textContent('#guide'), 'Guide');
        assert.equal(await customer.textContent('#guide'), 'Outils');
        assert.ok(await customer.isHidden('#guide-pointer'), 'only staff point');
        assert.ok(await customer.isHidden('#guide-freeze'), 'only staff freeze');

        // The pointer, at two fractions of the picture.
        await specialist.click('#guide-pointer');
        for (const [x, y] of [[0.3, 0.4], [0.75, 0.2]]) {
          const at = await spot(specialist, x, y);
          await specialist.mouse.move(at.x - 3, at.y, { steps: 2 });
          await specialist.mouse.move(at.x, at.y);
          await shows(customer, x, y, pointerRed, `the pointer at ${x}, ${y} on the customer's phone`);
        }
        assert.ok(await customer.$eval('#call', (c) => c.classList.contains('guided')),
          'the customer sees their own camera large while pointed at');

        // A circle centred on (0.5, 0.5) through (0.6, 0.5).
        await specialist.click('#guide-circle');
        await drag(specialist, [0.5, 0.5], [0.6, 0.5]);
        for (const page of [customer, specialist]) {
          await shows(page, 0.6, 0.5, red, 'the circle passes through (0.6, 0.5)');
          await blank(page, 0.5, 0.5, 'the circle is hollow');
        }
        await sizes('draw', specialist, customer, { specialist: 'en', customer: 'fr' }, false);
        await noViolations(specialist, 'the guide tool bar');
        // The other way round: the specialist on a phone, the customer on a wide screen.
        await sizes('draw', specialist, customer, { specialist: 'en', customer: 'fr' }, true);
        for (const page of [customer, specialist]) await shows(page, 0.6, 0.5, red, 'the circle after the resize');
        await specialist.click('#guide-pointer');
        const at = await spot(specialist, 0.2, 0.7);
        await specialist.mouse.move(at.x - 3, at.y, { steps: 2 });
        await specialist.mouse.move(at.x, at.y);
        await shows(customer, 0.2, 0.7, pointerRed, 'the pointer on the customer’s wide screen');

        // The customer draws in blue; staff's undo takes back staff's circle only, on both sides.
        await customer.click('#guide');
        await customer.click('#guide-freehand');
        await customer.click('#guide-colour-blue');
        await drag(customer, [0.1, 0.9], [0.3, 0.9]);
        await shows(specialist, 0.3, 0.9, blue, 'the customer’s stroke reaches staff');
        await sizes('draw-tools', specialist, customer, { specialist: 'en', customer: 'fr' }, false);
        await sizes('draw-tools', specialist, customer, { specialist: 'en', customer: 'fr' }, true);
        await noViolations(customer, 'the customer’s tool bar');
        await specialist.click('#guide-undo');
        for (const page of [customer, specialist]) {
          await blank(page, 0.6, 0.5, 'the circle is undone');
          await shows(page, 0.3, 0.9, blue, 'the customer’s stroke stays');
        }

        // Text with markup is painted as text.
        await specialist.click('#guide-text');
        await specialist.fill('#guide-words', '<b>nut</b><img src=x onerror=alert(1)>');
        const word = await spot(specialist, 0.4, 0.3);
        await specialist.mouse.click(word.x, word.y);
        await eventually('the text reaches the customer', async () => {
          assert.ok(await inked(customer, [0.4, 0.3], [0.6, 0.4]) > 20, 'no text painted');
        }, 10000);
        assert.equal(await customer.evaluate(() => document.querySelectorAll('#call b, #call img:not(#guide-frozen)').length), 0,
          'markup stays text');
        await screenshot(customer, 'guide-text-join-390x844-fr');
      });
  });

  test('a freeze-frame shows both sides the customer’s full-resolution still; the drawing on it is saved as a photo', async () => {
    await withPages('guide-freeze', { specialist: { locale: 'fr-FR', ...phone }, customer: { locale: 'en-GB', ...desktop } },
      async ({ specialist, customer }) => {
        const appointment = await inCall(specialist, customer, 'Felix Freeze');
        await specialist.click('#guide');
        await specialist.click('#guide-freeze');
        for (const page of [specialist, customer]) {
          await page.waitForSelector('#guide-frozen:not([hidden])');
          assert.ok(await page.$eval('#guide-frozen', (img) => img.naturalWidth >= 640 && img.complete));
        }
        assert.equal(await customer.textContent('#guide-note'), 'The specialist froze your picture to draw on it');
        assert.equal(await specialist.textContent('#guide-freeze'), 'Revenir au direct');
        const [still] = rest(`/api/v1/appointments/${appointment.id}/snapshots`).items;
        assert.equal(still.source, 'device');
        assert.equal(await customer.$eval('#guide-frozen', (img) => img.naturalWidth), still.width);

        await specialist.click('#guide-rectangle');
        await drag(specialist, [0.2, 0.2], [0.8, 0.8]);
        await shows(customer, 0.2, 0.5, red, 'the rectangle on the frozen still');
        await sizes('freeze', specialist, customer, { specialist: 'fr', customer: 'en' }, false);
        await sizes('freeze', specialist, customer, { specialist: 'fr', customer: 'en' }, true);
        await noViolations(customer, 'the frozen picture');

        await specialist.click('#guide-save');
        await eventually('the drawing is saved as a photo', async () => {
          const photos = rest(`/api/v1/appointments/${appointment.id}/snapshots`).items;
          assert.equal(photos.length, 2);
          assert.deepEqual([photos[1].width, photos[1].height], [still.width, still.height]);
          assert.notEqual(photos[1].sha256, still.sha256);
          assert.equal(photos[1].annotates, still.id, 'the drawing names the still it was made on');
          assert.equal(still.annotates, null);
        });
        await specialist.waitForSelector('#photos li img');  // shown with the call's photos

        await specialist.click('#guide-freeze');
        for (const page of [specialist, customer]) {
          await page.waitForSelector('#guide-frozen', { state: 'hidden' });
          await blank(page, 0.2, 0.5, 'back to live, the drawing is gone');
        }

        // A second call from the same console page: one tool bar, one canvas, no leftovers.
        await specialist.click('#hang-up');
        await specialist.click(`tr[data-appointment="${appointment.id}"] button.join`);
        await specialist.waitForSelector('#call:not([hidden]) #guide');
        const counts = await specialist.evaluate(() => ['#guide', '#guide-tools', '#guide-canvas', '#guide-frozen',
          '#guide-note', '#camera-note', '#camera-flip', '#locate', '#locations', '#location-question']
          .map((q) => `${q} ${document.querySelectorAll(q).length}`));
        assert.deepEqual(counts, counts.map((c) => c.replace(/\d+$/, '1')));
        assert.ok(await specialist.$eval('#guide-tools', (e) => e.hidden), 'the new call starts with the tools closed');
      });
  });

  test('the customer’s position is stored when they share it, and their refusal when they do not', async () => {
    await daemon.reconfigure([['queues:', 'locations:\n  map_url: "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}"\nqueues:']]);
    await withPages('guide-location', {
      specialist: { locale: 'en-GB', ...desktop },
      customer: { locale: 'fr-FR', ...phone, permissions: ['geolocation', 'camera', 'microphone'], geolocation: { latitude: 45.764043, longitude: 4.835659, accuracy: 18 } },
    }, async ({ specialist, customer }) => {
      const appointment = await inCall(specialist, customer, 'Louise Lyon');
      await specialist.click('#guide');
      await specialist.fill('#location-reason', 'pour envoyer la dépanneuse <b>vite</b>');
      await specialist.click('#locate');
      await customer.waitForSelector('#location-question:not([hidden])');
      assert.equal(await customer.textContent('#location-question-text'),
        'Alice Martin demande où vous êtes : « pour envoyer la dépanneuse <b>vite</b> ». Partager votre position ?');
      assert.equal(await customer.locator('#location-question b').count(), 0, 'the reason is text');
      await sizes('location', specialist, customer, { specialist: 'en', customer: 'fr' }, false);
      await customer.getByText('Partager ma position').click();
      await specialist.waitForSelector('#locations li[data-status=shared]');
      assert.equal(await specialist.textContent('#locations li span'), 'Louise Lyon: 45.76404, 4.83566 (within 18 m)');
      assert.equal(await specialist.getAttribute('#locations li a', 'href'),
        'https://www.openstreetmap.org/?mlat=45.764043&mlon=4.835659');
      await eventually('the customer is told', async () => {
        assert.ok((await customer.textContent('.top')).includes('Votre position a été partagée'));
      });
      await sizes('location', specialist, customer, { specialist: 'en', customer: 'fr' }, true);

      // Refused by the customer, then by the browser.
      await specialist.fill('#location-reason', '');
      await specialist.click('#locate');
      await customer.waitForSelector('#location-question:not([hidden])');
      assert.equal(await customer.textContent('#location-question-text'),
        'Alice Martin demande où vous êtes. Partager votre position ?');
      await customer.getByText('Ne pas partager').click();
      await specialist.waitForSelector('#locations li[data-status=denied]');
      // Camera and microphone stay granted (Chromium offers host candidates only then).
      await customer.context().clearPermissions();
      await customer.context().grantPermissions(['camera', 'microphone']);
      await specialist.click('#locate');
      await customer.getByText('Partager ma position').click();
      await eventually('the browser’s refusal is stored', async () => {
        assert.equal(await specialist.locator('#locations li[data-status=denied]').count(), 2);
      });
      const rows = rest(`/api/v1/appointments/${appointment.id}/locations`).items;
      assert.deepEqual(rows.map((r) => r.status), ['shared', 'denied', 'denied']);
      assert.equal(rows[0].latitude, 45.764043);
      assert.equal(rows[0].longitude, 4.835659);
      assert.equal(rows[0].accuracy, 18);
      assert.equal(rows[0].name, 'Louise Lyon');
      assert.equal(rows[0].requested_by, 'user:alice');
      assert.equal(rows[1].latitude, null);
      await noViolations(specialist, 'the locations list');
    });
  });
});
