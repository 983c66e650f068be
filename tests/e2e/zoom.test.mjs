// A digital zoom sends the centre of the picture: Chromium's camera shows a test card of known
// colours (magenta all round, a yellow left half and a blue right half in the middle), and what
// the specialist receives is read back pixel by pixel, before and after a 2x zoom.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { eventually, fakeCamera, inCall, withPages } from './pages.mjs';

const width = 640;
const height = 480;
const magenta = [255, 0, 255];
const yellow = [255, 255, 0];
const blue = [0, 0, 255];

/** BT.601 limited-range Y, Cb, Cr of an RGB colour. */
function ycbcr([r, g, b]) {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  return [16 + 65.481 * R + 128.553 * G + 24.966 * B, 128 - 37.797 * R - 74.203 * G + 112 * B,
    128 + 112 * R - 93.786 * G - 18.214 * B].map(Math.round);
}

/** The colour of the test card at pixel (x, y). */
function card(x, y) {
  const middle = x >= width / 4 && x < (3 * width) / 4 && y >= height / 4 && y < (3 * height) / 4;
  if (!middle) return magenta;
  return x < width / 2 ? yellow : blue;
}

/** The test card as a Y4M file (4:2:0) of a few identical frames, which Chromium loops. */
function testCard() {
  const luma = Buffer.alloc(width * height);
  const cb = Buffer.alloc((width / 2) * (height / 2));
  const cr = Buffer.alloc((width / 2) * (height / 2));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [Y, U, V] = ycbcr(card(x, y));
      luma[y * width + x] = Y;
      if (x % 2 === 0 && y % 2 === 0) {
        cb[(y / 2) * (width / 2) + x / 2] = U;
        cr[(y / 2) * (width / 2) + x / 2] = V;
      }
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, cb, cr]);
  const path = join(mkdtempSync(join(tmpdir(), 'assist-card-')), 'card.y4m');
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
  return path;
}

fakeCamera({ videoFile: testCard() });

/** The colours the specialist's page decodes at fractions of the customer's picture. */
const colours = (page, points) => page.evaluate((at) => {
  const video = document.querySelector('#remotes video');
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const g = canvas.getContext('2d');
  g.drawImage(video, 0, 0);
  return at.map(([x, y]) => [...g.getImageData(Math.round(x * canvas.width), Math.round(y * canvas.height), 1, 1).data.slice(0, 3)]);
}, points);

const near = (colour, wanted) => colour.every((c, i) => Math.abs(c - wanted[i]) < 60);
const points = [[0.1, 0.1], [0.9, 0.9], [0.3, 0.5], [0.7, 0.5]];

describe('digital zoom', () => {
  test('at 2x the specialist receives the centre of the customer’s picture, enlarged', async () => {
    await withPages('zoom', { specialist: { locale: 'en-GB', viewport: { width: 1366, height: 768 } },
      customer: { locale: 'en-GB', viewport: { width: 1366, height: 768 } } }, async ({ specialist, customer }) => {
      await inCall(specialist, customer, 'Zoe Zoom');
      await eventually('the whole card arrives', async () => {
        const [corner, other, left, right] = await colours(specialist, points);
        assert.ok(near(corner, magenta) && near(other, magenta), `corners ${corner} ${other}`);
        assert.ok(near(left, yellow) && near(right, blue), `middle ${left} ${right}`);
      });
      await specialist.click('#guide');
      await eventually('zoom is offered', async () => assert.ok(await specialist.isEnabled('#camera-zoom-in')));
      await specialist.click('#camera-zoom-in');
      await specialist.click('#camera-zoom-in');
      await eventually('the zoom is applied', async () => {
        assert.equal(await specialist.textContent('#camera-zoom'), 'Zoom 2× (digital)');
      });
      await eventually('only the centre arrives, twice as large', async () => {
        const [corner, other, left, right] = await colours(specialist, points);
        assert.ok(near(corner, yellow), `top left ${corner}: the yellow half fills it`);
        assert.ok(near(other, blue), `bottom right ${other}: the blue half fills it`);
        assert.ok(near(left, yellow) && near(right, blue), `middle ${left} ${right}`);
      });
      const sent = await customer.evaluate(() => window.assistCall.local.getVideoTracks()[0].getSettings());
      assert.deepEqual([sent.width, sent.height], [width, height], 'sent at the camera’s own size');
    });
  });
});
