"""The network test's echo (/ws/v1/echo) with a WebRTC stack we did not write: aiortc offers as
it does (its own ICE credentials on every m-line, candidates in the SDP) and must decode its own
video and audio coming back through assistd. The budget holds: one test over
diagnostics.max_tests is refused with echo_busy, a test is ended at diagnostics.max_duration,
and the answer asks for video under diagnostics.max_kbps."""

import json
import os
import subprocess

from call_helpers import ICE_YAML, TOOLS, CallTestMixin
from harness import DaemonTestCase, wait_for

AIORTC = os.path.join(TOOLS, "assist-aiortc")


class Echo(CallTestMixin, DaemonTestCase):
    extra_yaml = ICE_YAML + "diagnostics:\n  max_tests: 1\n  max_kbps: 900\n  max_duration: 10s\n"

    def echo(self, seconds):
        process = subprocess.Popen([AIORTC, "--echo", "--url", self.ws_url + "/echo", "--ca-file", self.daemon.cert,
                                    "--loopback", "--seconds", str(seconds)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(self.kill_peer, process)
        return process

    @staticmethod
    def report_of(process):
        out, err = process.communicate(timeout=60)
        lines = out.strip().splitlines()
        assert lines, "assist-aiortc printed no report (exit %d):\n%s" % (process.returncode, err[-3000:])
        return json.loads(lines[-1])

    def test_aiortc_gets_its_own_media_back_within_the_budget(self):
        first = self.echo(14)
        wait_for(lambda: "DIAG_ECHO_STARTED" in self.daemon.log_text(), "the first test started")
        # One at a time here: a second test is told to come back later, and no room is made for it.
        second = self.report_of(self.echo(3))
        self.assertEqual(second["errors"], ["echo_busy"], second)
        self.assertTrue(second["closed"], second)
        self.assertIsNone(second["echo"], second)
        self.assertIsNone(second["offer"], "the refused test offered")

        report = self.report_of(first)
        self.assertEqual(report["echo"], {"max_kbps": 900, "seconds": 10, "ice_servers": []})
        received = report["received"]
        self.assertGreater(received["video_frames"], 50, received)
        self.assertGreater(received["audio_frames"], 50, received)
        self.assertEqual(received["video_size"], [640, 480])  # aiortc's own picture
        video = report["answer"][report["answer"].index("m=video"):]
        self.assertIn("b=AS:900\r\n", video)
        # 10 s in, the server ends it; its room goes with it.
        self.assertEqual(report["errors"], ["echo_time_up"], report)
        self.assertTrue(report["closed"], report)
        log = self.daemon.log_text()
        self.assertIn("reason=time_up", log)
        self.assertIn("DIAG_ECHO_REFUSED", log)

        # The slot is free again.
        self.assertIsNotNone(self.report_of(self.echo(2))["echo"])
