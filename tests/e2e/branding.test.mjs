// The company's name, logo and colour (branding.* in assistd.yaml) on the customer pages, and
// who will see the customer on the waiting screen.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { cutOff, daemon, screenshot, withPages } from './pages.mjs';

/** PNG's CRC-32 (zlib.crc32 is too recent for Debian 12's Node.js). */
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A real 96x32 PNG of one colour, as a logo. */
function png(width = 96, height = 32, rgb = [123, 31, 162]) {
  const chunk = (kind, data) => {
    const body = Buffer.concat([Buffer.from(kind), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill(rgb).flat())]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array(height).fill(row)))), chunk('IEND', Buffer.alloc(0))]);
}

const devices = {
  '1366x768': { viewport: { width: 1366, height: 768 } },
  '390x844': { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

describe('the company on the customer pages', () => {
  before(async () => {
    const logo = join(daemon.dir, 'logo.png');
    writeFileSync(logo, png());
    await daemon.reconfigure([['queues:', `branding:\n  name: "Dupont & Fils"\n  logo: "${logo}"\n  color: "#7b1fa2"\nqueues:`]]);
  });

  test('its name, logo and colour on the join page, and who will see the customer while they wait', async () => {
    const words = {
      en: { host: 'Alice Martin from Dupont & Fils will see you.' },
      fr: { host: 'Alice Martin, de Dupont & Fils, va vous recevoir.' },
    };
    for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']]) {
      for (const [size, device] of Object.entries(devices)) {
        await withPages(`brand-${size}-${language}`, { customer: { locale, ...device } }, async ({ customer }) => {
          const appointment = daemon.ctlJson(['appointment', 'create', '--customer-name', 'Ada Lovelace', '--specialist', 'alice']);
          await customer.goto(appointment.join_url);
          await customer.waitForSelector('#consent:not([hidden])');
          assert.equal(await customer.textContent('#brand-name'), 'Dupont & Fils');
          assert.equal(await customer.title(), 'Dupont & Fils');
          await customer.waitForFunction(() => document.querySelector('.bar img.logo')?.naturalWidth === 96);
          await customer.check('#accept');
          assert.equal(await customer.evaluate(() => getComputedStyle(document.querySelector('#continue')).backgroundColor),
            'rgb(123, 31, 162)', 'buttons take the company colour');
          await customer.click('#continue');
          await customer.waitForFunction(() => document.querySelector('#preview-video')?.videoWidth > 0);
          await customer.click('#join');
          await customer.waitForSelector('#waiting:not([hidden])');
          assert.equal(await customer.textContent('#waiting-host'), words[language].host);
          // The name survives a language switch; the words around it follow.
          await customer.click('#language');
          assert.equal(await customer.textContent('#brand-name'), 'Dupont & Fils');
          assert.equal(await customer.textContent('#waiting-host'), words[language === 'en' ? 'fr' : 'en'].host);
          await customer.click('#language');
          const { sideways, cut } = await cutOff(customer, ['.bar', '#waiting h1', '#waiting-host']);
          assert.deepEqual(cut, [], `${size} ${language}`);
          assert.ok(!sideways, `${size} ${language}: the page scrolls sideways`);
          await screenshot(customer, `brand-waiting-${size}-${language}`);
        });
      }
    }
  });

  test('a queue\'s page carries the company too', async () => {
    daemon.ctlJson(['queue', 'create', 'Roadside help', '--slug', 'brand-roadside']);
    await withPages('brand-queue', { customer: { locale: 'fr-FR', ...devices['390x844'] } }, async ({ customer }) => {
      await customer.goto(`${daemon.url}/q/brand-roadside`);
      await customer.waitForSelector('#name');
      assert.equal(await customer.textContent('#brand-name'), 'Dupont & Fils');
      assert.equal(await customer.title(), 'Roadside help · Dupont & Fils');
      await customer.waitForFunction(() => document.querySelector('.bar img.logo')?.naturalWidth === 96);
      await screenshot(customer, 'brand-queue-390x844-fr');
    });
  });
});
