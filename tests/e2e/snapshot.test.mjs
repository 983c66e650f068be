// Photos in a call from the console: the specialist's photo button, the customer's browser
// answering with a still from its camera (Chromium's fake camera), and the server's own still
// decoded from the forwarded video when the browser cannot; each read back over REST and
// decoded by GStreamer's jpegdec. On both sizes, in English and French.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cutOff, daemon, eventually, inCall, noViolations, screenshot, withPages } from './pages.mjs';

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const desktop = { viewport: { width: 1366, height: 768 } };

/** An appointment's photos, as the REST API lists them (over the control socket). */
function snapshots(id) {
  return JSON.parse(String(execFileSync('curl', ['-sS', '--unix-socket', daemon.socket,
    `http://localhost/api/v1/appointments/${id}/snapshots`]))).items;
}

/** The photo's bytes decoded by jpegdec to raw RGB: its size, which proves every pixel decoded. */
function decode(snapshotId) {
  const dir = mkdtempSync(join(tmpdir(), 'assist-snapshot-'));
  try {
    const jpeg = join(dir, 'photo.jpg');
    const rgb = join(dir, 'photo.rgb');
    writeFileSync(jpeg, execFileSync('curl', ['-sS', '--fail', '--unix-socket', daemon.socket,
      `http://localhost/api/v1/snapshots/${snapshotId}/content`], { maxBuffer: 1 << 26 }));
    const info = String(execFileSync('gst-discoverer-1.0', ['-v', jpeg]));
    const [, width, height] = info.match(/Width: (\d+)\s+Height: (\d+)/) ?? [];
    execFileSync('gst-launch-1.0', ['-q', 'filesrc', `location=${jpeg}`, '!', 'jpegdec', '!', 'videoconvert', '!',
      'video/x-raw,format=RGB', '!', 'filesink', `location=${rgb}`]);
    return { width: Number(width), height: Number(height), rgbBytes: statSync(rgb).size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The photo strip and note fit the page and leave the self view and the controls clear. */
async function fits(page, what) {
  const { sideways, cut } = await cutOff(page, ['#photos', '#photo-note', '.controls', '.top']);
  assert.deepEqual(cut, [], `${what}: cut off`);
  assert.ok(!sideways, `${what}: the page scrolls sideways`);
  const overlap = await page.evaluate(() => {
    const box = (q) => document.querySelector(q).getBoundingClientRect();
    const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return meets(box('#photos'), box('#self-view')) || meets(box('.top'), box('.controls'));
  });
  assert.equal(overlap, false, `${what}: the photos overlap the video or the controls`);
}

/**
 * After the call: the specialist leaves, opens the appointment's photos from the list, sees each
 * loaded with its description, and keeps screenshots of the dialog at both sizes.
 */
async function photosAfterTheCall(specialist, appointment, w, language) {
  await specialist.click('#hang-up');
  const button = `tr[data-appointment="${appointment.id}"] button.photos`;
  await specialist.waitForSelector(button);
  assert.equal(await specialist.textContent(button), w.button);
  for (const viewport of [desktop.viewport, phone.viewport]) {
    await specialist.setViewportSize(viewport);
    // Queried and measured in one go: the list may be drawn again (the call's end) between two steps.
    const outside = await specialist.evaluate(() => [...document.querySelectorAll('td.actions button')].filter((b) => {
      const own = b.getBoundingClientRect(), card = b.closest('.card');
      const style = getComputedStyle(card), box = card.getBoundingClientRect();
      return own.right > box.right - parseFloat(style.paddingRight) + 1 || own.left < box.left;
    }).map((b) => b.textContent));
    assert.deepEqual(outside, [], `the appointment's buttons stay inside their card at ${viewport.width}px`);
    const unlike = await specialist.evaluate((selector) => {
      const b = document.querySelector(selector);
      const look = (e) => { const c = getComputedStyle(e); return [c.display, c.padding, c.fontSize, c.borderWidth].join(' '); };
      return look(b) === look(b.closest('td').querySelector('button')) ? '' : `${look(b)} ≠ ${look(b.closest('td').querySelector('button'))}`;
    }, button);
    assert.equal(unlike, '', `the photos button looks like the row's other buttons at ${viewport.width}px`);
  }
  await specialist.click(button);
  await specialist.waitForSelector('#photos-dialog[open] #photos-list li img');
  await eventually('the photo is shown', async () => {
    assert.ok(await specialist.$eval('#photos-list img', (img) => img.complete && img.naturalWidth > 0));
  });
  assert.equal(await specialist.textContent('#photos-title'), w.title);
  assert.equal(await specialist.getAttribute('#photos-list img', 'alt'), w.alt);
  assert.match(await specialist.textContent('#photos-list p'), w.facts);
  await noViolations(specialist, `the photos dialog ${language}`);
  for (const [size, viewport] of [['1366x768', desktop.viewport], ['390x844', phone.viewport]]) {
    await specialist.setViewportSize(viewport);
    const { sideways, cut } = await cutOff(specialist, ['#photos-dialog', '#photos-list li', '#photos-close']);
    assert.deepEqual({ sideways, cut }, { sideways: false, cut: [] }, `${size} ${language}`);
    await screenshot(specialist, `snapshot-photos-dialog-${size}-${language}`);
  }
}

/** Each page at the other size, checked for fit and kept as screenshots (the strip and the note). */
async function swapSizes(specialist, customer, specialistLanguage, customerLanguage) {
  const wide = specialist.viewportSize().width > 500;
  await specialist.setViewportSize(wide ? phone.viewport : desktop.viewport);
  await customer.setViewportSize(wide ? desktop.viewport : phone.viewport);
  const [console, join] = wide ? ['390x844', '1366x768'] : ['1366x768', '390x844'];
  await fits(specialist, `console ${console} ${specialistLanguage}`);
  await fits(customer, `join ${join} ${customerLanguage}`);
  await screenshot(specialist, `snapshot-console-${console}-${specialistLanguage}`);
  await screenshot(customer, `snapshot-join-${join}-${customerLanguage}`);
}

/** The width and height of the customer's camera as its page sends it. */
const cameraSize = (page) => page.evaluate(() => {
  const { width, height } = window.assistCall.local.getVideoTracks()[0].getSettings();
  return { width, height };
});

describe('photos in a call', () => {
  test('the customer’s browser sends a full-resolution JPEG of its camera; both sides see it taken', async () => {
    await withPages('snapshot-device', { specialist: { locale: 'en-GB', ...desktop }, customer: { locale: 'fr-FR', ...phone } },
      async ({ specialist, customer }) => {
        const appointment = await inCall(specialist, customer, 'Paula Photo');
        await specialist.waitForSelector('#photo:not([hidden])');
        assert.equal(await specialist.textContent('#photo'), 'Photo');
        assert.ok(await customer.isHidden('#photo'), 'only staff take photos');
        const camera = await cameraSize(customer);

        await specialist.click('#photo');
        await specialist.waitForSelector('#photos li img');
        await eventually('the customer is told', async () => {
          assert.equal(await customer.textContent('#photo-note'), 'Le spécialiste a pris une photo avec votre caméra');
        });
        const [row] = snapshots(appointment.id);
        assert.equal(row.source, 'device');
        assert.equal(row.media_type, 'image/jpeg');
        assert.equal(row.participant.role, 'customer');
        assert.equal(row.participant.name, 'Paula Photo');
        assert.ok(row.width >= camera.width && row.height >= camera.height,
          `the photo (${row.width}x${row.height}) is smaller than the camera (${camera.width}x${camera.height})`);
        const decoded = decode(row.id);
        assert.deepEqual({ width: decoded.width, height: decoded.height }, { width: row.width, height: row.height });
        assert.equal(decoded.rgbBytes, row.width * row.height * 3);

        const thumbnail = await specialist.$eval('#photos img', (img) => ({ loaded: img.naturalWidth, alt: img.alt }));
        assert.equal(thumbnail.loaded, row.width, 'the console shows the photo');
        assert.equal(thumbnail.alt, `Photo 1: ${row.width} × ${row.height}, from the customer’s camera`);
        assert.equal(await specialist.textContent('#photo-note'), 'Photo taken');
        await fits(specialist, 'console 1366x768 en');
        await fits(customer, 'join 390x844 fr');
        await noViolations(specialist, 'the photo strip');
        await screenshot(specialist, 'snapshot-console-1366x768-en');
        await screenshot(customer, 'snapshot-join-390x844-fr');
        await swapSizes(specialist, customer, 'en', 'fr');
        const audit = daemon.ctlJson(['audit', 'list', '--object-id', String(appointment.id)]).map((e) => e.action);
        assert.ok(audit.includes('snapshot.taken'), audit.join(' '));
        await photosAfterTheCall(specialist, appointment, {
          button: 'Photos (1)', title: 'Photos of the call with Paula Photo', alt: 'Photo 1 of Paula Photo’s camera',
          facts: new RegExp(`${row.width} × ${row.height} · taken by the customer’s device$`),
        }, 'en');
      });
  });

  test('when the customer’s browser cannot take it, the server decodes a frame of the video', async () => {
    await withPages('snapshot-server', { specialist: { locale: 'fr-FR', ...phone }, customer: { locale: 'en-GB', ...desktop } },
      async ({ specialist, customer }) => {
        const appointment = await inCall(specialist, customer, 'Serge Serveur');
        // A browser with neither ImageCapture nor a canvas that encodes.
        await customer.evaluate(() => {
          delete window.ImageCapture;
          HTMLCanvasElement.prototype.toBlob = function (callback) { callback(null); };
        });
        await specialist.click('#photo');
        await specialist.waitForSelector('#photos li img');
        await eventually('the customer is told', async () => {
          assert.equal(await customer.textContent('#photo-note'), 'The specialist took a photo with your camera');
        });
        const [row] = snapshots(appointment.id);
        assert.equal(row.source, 'server');
        assert.equal(row.participant.name, 'Serge Serveur');
        // What the specialist receives of the customer's camera, decoded by assistd.
        assert.deepEqual({ width: row.width, height: row.height }, { width: 640, height: 480 });
        const decoded = decode(row.id);
        assert.equal(decoded.rgbBytes, 640 * 480 * 3);
        const alt = await specialist.$eval('#photos img', (img) => img.naturalWidth > 0 && img.alt);
        assert.equal(alt, 'Photo 1 : 640 × 480, de la vidéo');
        await fits(specialist, 'console 390x844 fr');
        await fits(customer, 'join 1366x768 en');
        await noViolations(customer, 'the photo note');
        await screenshot(specialist, 'snapshot-console-390x844-fr');
        await screenshot(customer, 'snapshot-join-1366x768-en');
        await swapSizes(specialist, customer, 'fr', 'en');
        await photosAfterTheCall(specialist, appointment, {
          button: 'Photos (1)', title: 'Photos de l’appel avec Serge Serveur', alt: 'Photo 1 de la caméra de Serge Serveur',
          facts: /640 × 480 · prise dans la vidéo$/,
        }, 'fr');
      });
  });
});
