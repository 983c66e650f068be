"""Calls with a WebRTC stack that is neither a browser nor GStreamer: aiortc (Debian's
python3-aiortc), offering exactly as it does — its own ICE credentials and candidates on every
m-line of a BUNDLE group, VP8 and H.264 both offered, no trickle — with another aiortc or with
assist-peer (GStreamer's webrtcbin). Each side must decode the other's video and audio."""

import json
import os
import subprocess

from call_helpers import ICE_YAML, TOOLS, CallTestMixin
from harness import DaemonTestCase

AIORTC = os.path.join(TOOLS, "assist-aiortc")


class Interop(CallTestMixin, DaemonTestCase):
    extra_yaml = ICE_YAML

    def aiortc(self, token, *args):
        process = subprocess.Popen([AIORTC, "--url", self.ws_url, "--token=" + token, "--ca-file", self.daemon.cert,
                                    "--loopback", "--seconds", "8", "--expect-media"] + list(args),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(self.kill_peer, process)
        return process

    def aiortc_report(self, process):
        out, err = process.communicate(timeout=60)
        lines = out.strip().splitlines()
        self.assertTrue(lines, "assist-aiortc printed no report (exit %d):\n%s" % (process.returncode, err[-3000:]))
        return process.returncode, json.loads(lines[-1])

    def assert_decoded(self, code, report, size=(640, 480)):
        received = report["received"]
        self.assertEqual(report["errors"], [], report["errors"])
        self.assertEqual(code, 0, received)
        self.assertGreater(received["video_frames"], 10, received)
        self.assertGreater(received["audio_frames"], 10, received)
        self.assertEqual(received["video_size"], list(size))  # what the other side sends

    @staticmethod
    def video_codec(sdp):
        """The one video codec an answer chose."""
        in_video = False
        for line in sdp.splitlines():
            if line.startswith("m="):
                in_video = line.startswith("m=video")
            elif in_video and line.startswith("a=rtpmap:"):
                return line.split(" ", 1)[1].split("/")[0].upper()
        return None

    def test_two_aiortc_participants_see_and_hear_each_other(self):
        appointment_id, customer, specialist = self.appointment()
        a, b = self.aiortc(customer), self.aiortc(specialist)
        (code_a, report_a), (code_b, report_b) = self.aiortc_report(a), self.aiortc_report(b)
        # The offers were aiortc's own: one set of ICE credentials per m-line.
        ufrags = [line for line in report_a["offer"].splitlines() if line.startswith("a=ice-ufrag:")]
        self.assertEqual(len(ufrags), 2)
        self.assertNotEqual(ufrags[0], ufrags[1])
        self.assert_decoded(code_a, report_a)
        self.assert_decoded(code_b, report_b)
        self.assertEqual(self.video_codec(report_a["answer"]), "VP8")

    def assert_peer_decoded(self, process):
        code, report = self.report(process)
        self.assertEqual(code, 0, report)
        self.assertEqual(report["errors"], [], report)
        received = report["received"]["remote"]
        self.assertGreater(received["video_frames"], 10, report)
        self.assertGreater(received["audio_buffers"], 10, report)
        return report

    def test_aiortc_and_assist_peer_see_and_hear_each_other(self):
        appointment_id, customer, specialist = self.appointment()
        a = self.aiortc(customer)
        b = self.peer(specialist, "--seconds", "8", "--expect-media")
        code_a, report_a = self.aiortc_report(a)
        self.assert_decoded(code_a, report_a, size=(320, 240))  # assist-peer's test picture
        report_b = self.assert_peer_decoded(b)
        self.assertEqual(report_b["video_size"], [640, 480])  # aiortc's

    def test_aiortc_and_assist_peer_in_h264(self):
        # aiortc 1.4's H.264 encoder ignores keyframe requests (it makes keyframes only when it
        # starts or its bitrate moves by 10 %), so a receiver must be connected before aiortc
        # sends its first frame: assist-peer joins first. Its own encoder answers them.
        appointment_id, customer, specialist = self.appointment()
        b = self.peer(specialist, "--seconds", "10", "--expect-media", "--codec", "h264")
        self.wait_media(appointment_id, 1)
        a = self.aiortc(customer, "--codec", "h264")
        code_a, report_a = self.aiortc_report(a)
        self.assertEqual(self.video_codec(report_a["answer"]), "H264")
        self.assert_decoded(code_a, report_a, size=(320, 240))
        self.assert_peer_decoded(b)
