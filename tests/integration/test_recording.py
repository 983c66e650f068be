"""Call recording through assistd's own pipelines: two synthetic participants (assist-peer) hold
a call that records (recording.mode: always); each participant's media becomes a file of its
own, listed over REST and downloadable, that GStreamer's own gst-discoverer-1.0 reads as VP8 video
and Opus audio lasting as long as the call. A kill -9 mid-recording leaves a file that plays up to
the kill and is listed as interrupted after the restart."""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from call_helpers import ICE_YAML, CallTestMixin
from harness import ASSISTCTL, Daemon, DaemonTestCase, wait_for

RECORDING_YAML = ICE_YAML + "recording:\n  mode: always\n"
AV_OFFSET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "av_offset")


def discover(path):
    """(duration in seconds, [stream descriptions]) as gst-discoverer-1.0 reports the file."""
    out = subprocess.run(["gst-discoverer-1.0", path], capture_output=True, text=True, timeout=60).stdout
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", out)
    seconds = int(duration.group(1)) * 3600 + int(duration.group(2)) * 60 + float(duration.group(3)) if duration else 0
    streams = re.findall(r"^\s+(video|audio) #\d+: (.+)$", out, re.M)
    return seconds, streams, out


def last_picture_seconds(path):
    """The time of the last video frame a player would read from the file (demuxed, not decoded)."""
    script = (
        "import sys, gi\n"
        "gi.require_version('Gst', '1.0')\n"
        "from gi.repository import Gst\n"
        "Gst.init(None)\n"
        "p = Gst.parse_launch('filesrc name=f ! matroskademux ! video/x-vp8 ! fakesink name=s sync=false')\n"
        "p.get_by_name('f').set_property('location', sys.argv[1])\n"
        "last = [0]\n"
        "def seen(pad, info):\n"
        "    last[0] = max(last[0], info.get_buffer().pts)\n"
        "    return Gst.PadProbeReturn.OK\n"
        "p.get_by_name('s').get_static_pad('sink').add_probe(Gst.PadProbeType.BUFFER, seen)\n"
        "p.set_state(Gst.State.PLAYING)\n"
        "p.get_bus().timed_pop_filtered(30 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)\n"
        "p.set_state(Gst.State.NULL)\n"
        "print(last[0] / Gst.SECOND)\n")
    out = subprocess.run(["/usr/bin/python3", "-c", script, path], capture_output=True, text=True, timeout=60)
    return float(out.stdout.strip() or 0)


def picture_halves(path, at_seconds):
    """The brightest pixel of the left and of the right half of the picture at `at_seconds`
    (decoded to grey levels 0..255)."""
    script = (
        "import sys, gi\n"
        "gi.require_version('Gst', '1.0')\n"
        "from gi.repository import Gst\n"
        "Gst.init(None)\n"
        "p = Gst.parse_launch('filesrc name=f ! matroskademux ! vp8dec ! videoconvert '\n"
        "                     '! video/x-raw,format=GRAY8 ! appsink name=s sync=false')\n"
        "p.get_by_name('f').set_property('location', sys.argv[1])\n"
        "p.set_state(Gst.State.PAUSED)\n"
        "p.get_state(10 * Gst.SECOND)\n"
        "p.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE, int(float(sys.argv[2]) * Gst.SECOND))\n"
        "p.set_state(Gst.State.PLAYING)\n"
        "sample = p.get_by_name('s').emit('try-pull-sample', 10 * Gst.SECOND)\n"
        "s = sample.get_caps().get_structure(0)\n"
        "w, h = s.get_value('width'), s.get_value('height')\n"
        "ok, info = sample.get_buffer().map(Gst.MapFlags.READ)\n"
        "data = bytes(info.data)\n"
        "stride = (w + 3) // 4 * 4\n"
        "left = max(max(data[y * stride:y * stride + w // 2]) for y in range(h))\n"
        "right = max(max(data[y * stride + w // 2:y * stride + w]) for y in range(h))\n"
        "print(w, h, left, right)\n"
        "p.set_state(Gst.State.NULL)\n")
    out = subprocess.run(["/usr/bin/python3", "-c", script, path, str(at_seconds)], capture_output=True, text=True,
                         timeout=60)
    return [int(v) for v in out.stdout.split()] if out.returncode == 0 else out.stderr


class RecordingApi:
    """Reads recordings over REST with an API key."""

    def recordings(self, daemon, appointment_id):
        status, body = daemon.https("GET", "/api/v1/appointments/%d/recordings" % appointment_id, key=self.key)
        self.assertEqual(status, 200, body)
        return body["items"]

    def content(self, daemon, recording_id, headers=None):
        """(status, headers, bytes) of the recording's file."""
        conn = daemon.connection()
        try:
            h = {"Authorization": "Bearer " + self.key}
            h.update(headers or {})
            conn.request("GET", "/api/v1/recordings/%d/content" % recording_id, headers=h)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def saved(self, data, suffix=".webm"):
        fd, path = tempfile.mkstemp(suffix=suffix)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        self.addCleanup(os.remove, path)
        return path


class Recording(RecordingApi, CallTestMixin, DaemonTestCase):
    extra_yaml = RECORDING_YAML

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls.daemon.ctl_json("apikey", "create", "--name", "recordings")["key"]

    def test_a_recorded_call_gives_each_participant_a_playable_file(self):
        seconds = 20
        appointment_id, customer, specialist = self.appointment()
        a = self.peer(customer, "--seconds", str(seconds), "--expect-media")
        b = self.peer(specialist, "--seconds", str(seconds), "--expect-media")
        for process in (a, b):
            code, report = self.report(process)
            self.assertEqual(code, 0, report)
        wait_for(lambda: len(self.recordings(self.daemon, appointment_id)) == 2 and
                 all(r["state"] == "complete" for r in self.recordings(self.daemon, appointment_id)),
                 "both recordings to be complete")
        rows = self.recordings(self.daemon, appointment_id)
        self.assertEqual(sorted(r["participant"]["role"] for r in rows), ["customer", "specialist"])
        for row in rows:
            status, headers, data = self.content(self.daemon, row["id"])
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "video/webm")
            self.assertEqual(len(data), row["size"])
            self.assertEqual(hashlib.sha256(data).hexdigest(), row["sha256"])
            duration, streams, text = discover(self.saved(data))
            self.assertIn(("video", "VP8"), streams, text)
            self.assertIn(("audio", "Opus"), streams, text)
            # The participant sent media from connecting until it left, a little under its stay.
            self.assertLess(abs(duration - row["duration_ms"] / 1000), 1.0, text)
            self.assertGreater(duration, seconds - 4, text)
            self.assertLessEqual(duration, seconds + 0.5, text)
        actions = [e["action"] for e in self.daemon.ctl_json("audit", "list", "--object-id", str(appointment_id))]
        self.assertEqual(actions.count("recording.started"), 2)
        self.assertEqual(actions.count("recording.stopped"), 2)
        self.assertIn("recording.downloaded", actions)

        # One side-by-side file of both, for a reviewer.
        composed = os.path.join(tempfile.mkdtemp(), "composed.webm")
        self.addCleanup(shutil.rmtree, os.path.dirname(composed))
        result = subprocess.run([ASSISTCTL, "--socket", self.daemon.socket, "recording", "compose",
                                 str(appointment_id), "--to", composed], capture_output=True, text=True, timeout=600)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("composing: ", result.stderr)
        self.assertIn("(100%)", result.stderr)
        self.assertFalse(os.path.exists(composed + ".part"))
        duration, streams, text = discover(composed)
        self.assertIn(("video", "VP8"), streams, text)
        self.assertIn(("audio", "Opus"), streams, text)
        longest = max(r["duration_ms"] for r in rows) / 1000
        self.assertLess(abs(duration - longest), 1.0, text)
        width, height, left, right = picture_halves(composed, duration / 2)
        self.assertEqual((width, height), (1280, 480))
        # Each participant's camera shows a white ball on black: both halves have it.
        self.assertGreater(left, 200, "the customer's side is dark")
        self.assertGreater(right, 200, "the specialist's side is dark")

    def test_sound_and_picture_stay_within_100_ms_of_each_other(self):
        # The customer's picture flashes white as its sound beeps, at the start of every second.
        appointment_id, customer, specialist = self.appointment()
        a = self.peer(customer, "--seconds", "12", "--flash-beep", "--expect-media")
        b = self.peer(specialist, "--seconds", "12")
        code, report = self.report(a)
        self.assertEqual(code, 0, report)
        self.report(b)
        wait_for(lambda: all(r["state"] == "complete" for r in self.recordings(self.daemon, appointment_id)),
                 "the recordings to be complete")
        row = next(r for r in self.recordings(self.daemon, appointment_id) if r["participant"]["role"] == "customer")
        path = self.saved(self.content(self.daemon, row["id"])[2])
        out = subprocess.run(["/usr/bin/python3", AV_OFFSET, path], capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        found = json.loads(out.stdout)
        self.assertGreaterEqual(len(found["offsets_ms"]), 8, found)
        self.assertLess(max(abs(v) for v in found["offsets_ms"]), 100, found)

    def test_a_participant_who_leaves_and_comes_back_gets_a_second_file(self):
        appointment_id, customer, specialist = self.appointment()
        b = self.peer(specialist, "--seconds", "16")
        first = self.peer(customer, "--seconds", "5", "--expect-media")
        code, report = self.report(first)
        self.assertEqual(code, 0, report)
        second = self.peer(customer, "--seconds", "5", "--expect-media")
        code, report = self.report(second)
        self.assertEqual(code, 0, report)
        self.report(b)
        wait_for(lambda: len(self.recordings(self.daemon, appointment_id)) == 3 and
                 all(r["state"] == "complete" for r in self.recordings(self.daemon, appointment_id)),
                 "three complete recordings")
        rows = self.recordings(self.daemon, appointment_id)
        customers = [r for r in rows if r["participant"]["role"] == "customer"]
        self.assertEqual(len(customers), 2, rows)
        self.assertNotEqual(customers[0]["participant"]["id"], customers[1]["participant"]["id"])
        self.assertLess(customers[0]["started_at_ms"], customers[1]["started_at_ms"])
        for row in customers:
            duration, streams, text = discover(self.saved(self.content(self.daemon, row["id"])[2]))
            self.assertIn(("video", "VP8"), streams, text)
            # Each stayed 5 s, less its connection's set-up (slow under ASan with another test beside it).
            self.assertGreater(duration, 1.5, text)
            self.assertLess(duration, 6, text)

    def test_a_recording_being_written_is_served_up_to_what_it_holds(self):
        appointment_id, customer, specialist = self.appointment()
        self.peer(customer, "--seconds", "12")
        self.peer(specialist, "--seconds", "12")
        wait_for(lambda: any(r["state"] == "recording" for r in self.recordings(self.daemon, appointment_id)),
                 "a recording to start")
        row = next(r for r in self.recordings(self.daemon, appointment_id) if r["state"] == "recording")
        wait_for(lambda: self.content(self.daemon, row["id"])[0] == 200 and
                 len(self.content(self.daemon, row["id"])[2]) > 20000, "the file to grow")
        status, headers, data = self.content(self.daemon, row["id"])
        self.assertEqual(status, 200)
        self.assertEqual(int(headers["Content-Length"]), len(data))
        status, headers, tail = self.content(self.daemon, row["id"], {"Range": "bytes=0-99"})
        self.assertEqual(status, 206)
        self.assertEqual(tail, data[:100])
        # A player asks for several ranges at once; each download is audited on its own.
        answers = []
        threads = [threading.Thread(target=lambda: answers.append(self.content(self.daemon, row["id"])[0]))
                   for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(answers, [200] * 8)
        # Nobody may delete it while it is written.
        deleted = self.daemon.https("DELETE", "/api/v1/recordings/%d" % row["id"], key=self.key)
        self.assertEqual(deleted[0], 409, deleted)

    def test_strangers_learn_nothing(self):
        status, body = self.daemon.https("GET", "/api/v1/recordings/999999", key=self.key)
        self.assertEqual(status, 404)
        self.assertEqual(body["code"], "recording_not_found")
        status, _ = self.daemon.https("GET", "/api/v1/recordings/1/content")
        self.assertEqual(status, 401)


class InterruptedRecording(RecordingApi, CallTestMixin, unittest.TestCase):
    """kill -9 of assistd 10 s into a recording."""

    def test_the_partial_file_plays_and_is_listed_interrupted(self):
        self.daemon = Daemon(RECORDING_YAML).start()
        self.addCleanup(self.daemon.close)
        self.key = self.daemon.ctl_json("apikey", "create", "--name", "recordings")["key"]
        appointment_id, customer, specialist = self.appointment()
        self.peer(customer, "--seconds", "40")
        self.peer(specialist, "--seconds", "40")
        wait_for(lambda: len(self.recordings(self.daemon, appointment_id)) == 2, "both recordings to start")
        time.sleep(10)
        self.daemon.process.send_signal(signal.SIGKILL)
        self.daemon.process.wait()
        self.daemon.start()
        self.assertIn("RECORDINGS_INTERRUPTED recordings=2", self.daemon.log_text())
        rows = self.recordings(self.daemon, appointment_id)
        self.assertEqual([r["state"] for r in rows], ["interrupted", "interrupted"])
        for row in rows:
            status, _, data = self.content(self.daemon, row["id"])
            self.assertEqual(status, 200)
            self.assertEqual(len(data), row["size"])
            self.assertEqual(hashlib.sha256(data).hexdigest(), row["sha256"])
            path = self.saved(data)
            _, streams, text = discover(path)
            self.assertIn(("video", "VP8"), streams, text)
            self.assertIn(("audio", "Opus"), streams, text)
            # It plays up to the kill: its last picture is from about 10 s in. (The length a
            # player shows is estimated from the last cluster, which a kill may leave unfinished.)
            self.assertGreater(last_picture_seconds(path), 8, text)
            self.assertLess(last_picture_seconds(path), 12, text)
        actions = [e["action"] for e in self.daemon.ctl_json("audit", "list", "--object-id", str(appointment_id))]
        self.assertEqual(actions.count("recording.interrupted"), 2)

    def test_a_stopping_daemon_closes_its_recordings_as_complete(self):
        self.daemon = Daemon(RECORDING_YAML).start()
        self.addCleanup(self.daemon.close)
        self.key = self.daemon.ctl_json("apikey", "create", "--name", "recordings")["key"]
        appointment_id, customer, specialist = self.appointment()
        self.peer(customer, "--seconds", "40")
        self.peer(specialist, "--seconds", "40")
        wait_for(lambda: len(self.recordings(self.daemon, appointment_id)) == 2, "both recordings to start")
        time.sleep(4)
        self.daemon.stop()
        self.assertEqual(self.daemon.process.returncode, 0)
        self.assertNotIn("RECORDINGS_LEFT_OPEN", self.daemon.log_text())
        self.daemon.start()
        self.assertNotIn("RECORDINGS_INTERRUPTED", self.daemon.log_text())
        rows = self.recordings(self.daemon, appointment_id)
        self.assertEqual([r["state"] for r in rows], ["complete", "complete"])
        for row in rows:
            status, _, data = self.content(self.daemon, row["id"])
            self.assertEqual(hashlib.sha256(data).hexdigest(), row["sha256"])
            self.assertGreater(last_picture_seconds(self.saved(data)), 2)


class FullDisk(RecordingApi, CallTestMixin, unittest.TestCase):
    """The recordings directory is a 192 KiB tmpfs of assistd's own (a private mount namespace): two
    participants fill it in about 6 s."""

    def test_a_full_disk_fails_the_recording_and_the_call_goes_on(self):
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                'd=$(mktemp -d) && mount -t tmpfs -o size=64k probe "$d"; s=$?; umount "$d" 2>/dev/null; rmdir "$d"; exit $s'],
                               capture_output=True, text=True)
        if probe.returncode != 0:
            self.skipTest("needs a mount namespace with a tmpfs of its own (root): " + probe.stderr.strip())
        self.daemon = Daemon(RECORDING_YAML)
        recordings = os.path.join(self.daemon.dir, "data", "recordings")
        self.daemon.wrapper = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                               'mkdir -p "$0" && mount -t tmpfs -o size=192k assist-full "$0" && exec "$@"', recordings]
        self.daemon.start()
        self.addCleanup(self.daemon.close)
        self.key = self.daemon.ctl_json("apikey", "create", "--name", "recordings")["key"]
        appointment_id, customer, specialist = self.appointment()
        a = self.peer(customer, "--seconds", "20", "--expect-media")
        b = self.peer(specialist, "--seconds", "20", "--expect-media")
        wait_for(lambda: any(r["state"] == "failed" for r in self.recordings(self.daemon, appointment_id)),
                 "a recording to fail", timeout=30)
        for process in (a, b):  # both stayed until the end and kept receiving media
            code, report = self.report(process)
            self.assertEqual(code, 0, report)
        rows = self.recordings(self.daemon, appointment_id)
        failed = [r for r in rows if r["state"] == "failed"]
        # The file sink says so; the muxer before it may only say its stream stopped.
        self.assertTrue(any("No space left" in r["error"] for r in failed), rows)
        self.assertNotIn("recording", [r["state"] for r in rows])
        self.assertIn("RECORDING_FAILED appointment=%d" % appointment_id, self.daemon.log_text())
        status, metrics = self.daemon.https("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertRegex(metrics, r'assist_recordings\{state="failed"\} [1-9]')
        # What it wrote up to then is kept and plays.
        status, _, data = self.content(self.daemon, failed[0]["id"])
        self.assertEqual(status, 200)
        _, streams, text = discover(self.saved(data))
        self.assertIn(("video", "VP8"), streams, text)


if __name__ == "__main__":
    unittest.main()
