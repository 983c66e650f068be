// Staff steering the customer's camera, with Chromium's fake cameras: what the customer's
// page reports is what its camera can do (several cameras, no torch, no zoom of its own), the console
// greys out the torch and says why, a switch brings video from the other camera within 3 seconds
// and tells the customer, a digital zoom is labelled as such, each control is audited, and a
// customer who does not allow control is not steered.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { daemon, eventually, fakeCamera, inCall, received, screenshot, withPages } from './pages.mjs';

// Chromium's second fake camera is a depth camera (16-bit grey) that no encoder takes; the
// customer starts on the third, and the switch goes round to the first.
fakeCamera({ devices: 'device-count=3' });

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const desktop = { viewport: { width: 1366, height: 768 } };

const sentCamera = (page) => page.evaluate(() => window.assistCall.local.getVideoTracks()[0].getSettings().deviceId);

describe('camera control', () => {
  test('the console shows what the customer’s camera can do; a switch and a zoom reach it and are shown to the customer', async () => {
    await withPages('camera', { specialist: { locale: 'en-GB', ...desktop }, customer: { locale: 'fr-FR', ...phone } },
      async ({ specialist, customer }) => {
        const appointment = await inCall(specialist, customer, 'Camille Caméra', 'fake_device_2');
        // What Chromium's fake camera offers, as the page itself reads it.
        const truth = await customer.evaluate(async () => {
          const track = window.assistCall.local.getVideoTracks()[0];
          const can = track.getCapabilities();
          const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
          return { torch: Boolean(can.torch), zoom: Boolean(can.zoom), cameras: cameras.length };
        });
        assert.deepEqual(truth, { torch: false, zoom: false, cameras: 3 });

        await specialist.click('#guide');
        await eventually('the customer’s camera is reported', async () => {
          assert.equal(await specialist.isEnabled('#camera-flip'), true);
        });
        assert.equal(await specialist.isEnabled('#camera-torch'), false, 'no torch: greyed out');
        assert.equal(await specialist.textContent('#camera-why'), 'No flashlight on this camera.');
        assert.equal(await specialist.textContent('#camera-zoom'), 'Zoom 1×');
        assert.equal(await specialist.isEnabled('#camera-zoom-in'), true, 'a digital zoom is always possible');
        await screenshot(specialist, 'camera-console-1366x768-en');

        // Switch: a new track from the other camera, and video again within 3 seconds.
        const before = await sentCamera(customer);
        await customer.evaluate(() => { window.cameraBefore = window.assistCall.local.getVideoTracks()[0]; });
        await specialist.click('#camera-flip');
        const clicked = Date.now();
        await eventually('the customer sends the other camera', async () => {
          assert.notEqual(await sentCamera(customer), before);
        }, 3000);
        const frames = (await received(specialist, 'camera')).framesDecoded;
        await eventually('video from the other camera reaches the specialist', async () => {
          assert.ok((await received(specialist, 'camera')).framesDecoded > frames + 5);
        }, Math.max(0, 3000 - (Date.now() - clicked)));
        await eventually('the customer is told', async () => {
          assert.equal(await customer.textContent('#camera-note'), 'Alice Martin a changé votre caméra');
        });
        assert.equal(await customer.evaluate(() => window.cameraBefore.readyState), 'ended', 'the old camera is stopped');

        // Zoom: digital, said so on both sides.
        await specialist.click('#camera-zoom-in');
        await eventually('the zoom is applied', async () => {
          assert.equal(await specialist.textContent('#camera-zoom'), 'Zoom 1.5× (digital)');
        });
        assert.equal(await customer.textContent('#camera-note'), 'Alice Martin a zoomé votre caméra à 1,5× (numérique)');
        await screenshot(customer, 'camera-join-390x844-fr');
        await specialist.setViewportSize(phone.viewport);
        await screenshot(specialist, 'camera-console-390x844-en');
        const audit = daemon.ctlJson(['audit', 'list', '--object-id', String(appointment.id)]).map((e) => e.action);
        assert.ok(audit.includes('camera.flip') && audit.includes('camera.zoom'), audit.join(' '));

        // The customer withdraws their consent: staff see why, and nothing is steered.
        await customer.click('#guide');
        await customer.uncheck('#camera-allow');
        await eventually('staff see the refusal', async () => {
          assert.equal(await specialist.textContent('#camera-why'), 'The customer does not allow camera control.');
        });
        assert.equal(await specialist.isEnabled('#camera-flip'), false);
        await specialist.evaluate(() => {
          window.cameraProblems = [];
          window.assistCall.addEventListener('problem', (e) => window.cameraProblems.push(e.detail.code));
          window.assistCall.send({ type: 'camera_control', action: 'flip' });
        });
        await eventually('the server refuses', async () => {
          assert.deepEqual(await specialist.evaluate(() => window.cameraProblems), ['control_refused']);
        });
        await customer.setViewportSize(desktop.viewport);
        await screenshot(customer, 'camera-join-1366x768-fr');
      });
  });
});
