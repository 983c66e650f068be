"""`assistctl recording list|show|download|delete` on a real recording: a daemon with
recording.mode always, two assist-peer participants in a call, one file each. download writes
FILE.part, checks its SHA-256 against the recording's and renames it; it never replaces a file
without --force; --to - is standard output; --resume continues a part file."""

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

from call_helpers import ICE_YAML, CallTestMixin
from harness import ASSISTCTL, DaemonTestCase, wait_for

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
RECORDING_YAML = ICE_YAML + "recording:\n  mode: always\n"
NOT_FOUND = 65  # the CLI's exit status for every 404 (EX_DATAERR), as `appointment show` of an unknown id
CANNOT_CREATE = 73  # EX_CANTCREAT


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class RecordedCall(CallTestMixin):
    """One call per test class, recorded: (appointment id, the two rows of `recording list -o json`)."""

    recorded = None

    def recorded_call(self):
        cls = type(self)
        if cls.recorded is None:
            appointment_id, customer, specialist = self.appointment()
            peers = [self.peer(token, "--seconds", "6") for token in (customer, specialist)]
            for process in peers:
                code, report = self.report(process)
                self.assertEqual(code, 0, report)
                self.assertEqual(report["errors"], [], report)
            rows = []

            def complete():
                rows[:] = self.daemon.ctl_json("recording", "list", str(appointment_id))
                return len(rows) == 2 and all(r["state"] == "complete" for r in rows)
            try:
                wait_for(complete, "both recordings to be complete", timeout=30)
            except AssertionError:
                raise AssertionError("recordings never all complete: %s" % rows) from None
            cls.recorded = (appointment_id, rows)
        return cls.recorded

    def row(self, role):
        return next(r for r in self.recorded_call()[1] if r["participant"]["role"] == role)

    def recordings_dir(self, appointment_id):
        return os.path.join(self.daemon.dir, "data", "recordings", str(appointment_id))

    def files_by_sha(self, appointment_id):
        """{sha256: path} of the files the daemon keeps for this appointment."""
        out = {}
        for root, _, names in os.walk(self.recordings_dir(appointment_id)):
            for name in names:
                path = os.path.join(root, name)
                out[sha256_of(path)] = path
        return out

    def ctl_in(self, cwd, *args):
        """assistctl run in `cwd`, its output as bytes (a recording on standard output is binary)."""
        return subprocess.run([ASSISTCTL, "--socket", self.daemon.socket] + list(args), cwd=cwd,
                              capture_output=True, timeout=120)

    def scratch(self):
        path = tempfile.mkdtemp(prefix="assist-rec-")
        self.addCleanup(shutil.rmtree, path, ignore_errors=True)
        return path


class RecordingCli(RecordedCall, DaemonTestCase):
    extra_yaml = RECORDING_YAML

    def test_list_shows_one_complete_recording_per_participant(self):
        appointment_id, rows = self.recorded_call()
        self.assertEqual(sorted(r["participant"]["role"] for r in rows), ["customer", "specialist"])
        for r in rows:
            self.assertEqual(r["appointment_id"], appointment_id)
            self.assertEqual(r["state"], "complete")
            self.assertIn(r["media_type"], ("video/webm", "video/x-matroska"))
            self.assertRegex(r["started_at"], ISO)
            self.assertRegex(r["ended_at"], ISO)
            self.assertGreater(r["size"], 0)
            self.assertGreater(r["duration_ms"], 0)
            self.assertRegex(r["sha256"], r"^[0-9a-f]{64}$")
            self.assertIsNone(r["error"])
            self.assertEqual(r["content_url"], "/api/v1/recordings/%d/content" % r["id"])
        self.assertEqual(self.row("customer")["participant"]["name"], "Caller")
        # Each file the daemon keeps is one of the rows.
        self.assertEqual(set(self.files_by_sha(appointment_id)), {r["sha256"] for r in rows})

        table = self.daemon.ctl("recording", "list", str(appointment_id))
        self.assertEqual(table.returncode, 0, table.stderr)
        lines = table.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["ID", "PARTICIPANT", "ROLE", "STATE", "STARTED", "DURATION", "SIZE"])
        self.assertEqual(len(lines), 3, table.stdout)
        customer = next(line for line in lines[1:] if " customer " in line)
        self.assertTrue(customer.startswith(str(self.row("customer")["id"]) + " "), customer)
        self.assertIn("complete", customer)

        csv = self.daemon.ctl("recording", "list", str(appointment_id), "-o", "csv")
        self.assertEqual(csv.returncode, 0, csv.stderr)
        header, *records = csv.stdout.splitlines()
        self.assertEqual(header.split(",")[:6], ["id", "appointment_id", "participant.id", "participant.name",
                                                 "participant.role", "state"])
        self.assertEqual(len(records), 2)
        self.assertIn(str(self.row("specialist")["size"]), csv.stdout)

    def test_list_of_an_appointment_without_recordings_or_unknown(self):
        quiet, _, _ = self.appointment(admitted=False)
        self.assertEqual(self.daemon.ctl_json("recording", "list", str(quiet)), [])
        unknown = self.daemon.ctl("recording", "list", "999999")
        self.assertEqual(unknown.returncode, NOT_FOUND, unknown.stderr)

    def test_show(self):
        row = self.row("customer")
        self.assertEqual(self.daemon.ctl_json("recording", "show", str(row["id"])), row)
        table = self.daemon.ctl("recording", "show", str(row["id"]))
        self.assertEqual(table.returncode, 0, table.stderr)
        fields = dict(line.split(":", 1) for line in table.stdout.splitlines())
        self.assertEqual(fields["sha256"].strip(), row["sha256"])
        self.assertEqual(fields["role"].strip(), "customer")
        self.assertEqual(fields["participant"].strip(), "Caller")
        self.assertEqual(fields["size"].strip(), str(row["size"]))

    def test_download_writes_the_verified_file(self):
        row = self.row("customer")
        where = self.scratch()
        target = os.path.join(where, "call.webm")
        done = self.ctl_in(where, "recording", "download", str(row["id"]), "--to", target)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, b"")
        self.assertIn(b"SHA-256 verified", done.stderr)
        self.assertEqual(os.path.getsize(target), row["size"])
        self.assertEqual(sha256_of(target), row["sha256"])
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o600)
        self.assertEqual(os.listdir(where), ["call.webm"])  # no part file left

        # Without --to: recording-ID and the extension of its media type, in the current directory.
        default = self.ctl_in(where, "-q", "recording", "download", str(row["id"]))
        self.assertEqual(default.returncode, 0, default.stderr)
        self.assertEqual(default.stderr, b"")
        extension = ".webm" if row["media_type"] == "video/webm" else ".mkv"
        self.assertEqual(sha256_of(os.path.join(where, "recording-%d%s" % (row["id"], extension))), row["sha256"])

        # A directory as --to: the default name inside it.
        inside = self.scratch()
        into = self.ctl_in(where, "-q", "recording", "download", str(row["id"]), "--to", inside)
        self.assertEqual(into.returncode, 0, into.stderr)
        self.assertEqual(os.listdir(inside), ["recording-%d%s" % (row["id"], extension)])

    def test_download_never_replaces_a_file_without_force(self):
        row = self.row("specialist")
        where = self.scratch()
        target = os.path.join(where, "kept.webm")
        with open(target, "w") as f:
            f.write("the operator's own file")
        refused = self.ctl_in(where, "recording", "download", str(row["id"]), "--to", target)
        self.assertEqual(refused.returncode, CANNOT_CREATE, refused.stderr)
        self.assertIn(b"already exists", refused.stderr)
        self.assertIn(b"--force", refused.stderr)
        with open(target) as f:
            self.assertEqual(f.read(), "the operator's own file")
        self.assertEqual(os.listdir(where), ["kept.webm"])

        forced = self.ctl_in(where, "recording", "download", str(row["id"]), "--to", target, "--force")
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertEqual(sha256_of(target), row["sha256"])

    def test_download_to_standard_output(self):
        row = self.row("specialist")
        out = self.ctl_in(self.scratch(), "recording", "download", str(row["id"]), "--to", "-")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(len(out.stdout), row["size"])
        self.assertEqual(hashlib.sha256(out.stdout).hexdigest(), row["sha256"])

    def test_resume_continues_a_part_file_and_a_bad_one_is_refused(self):
        row = self.row("customer")
        with open(self.files_by_sha(row["appointment_id"])[row["sha256"]], "rb") as f:
            content = f.read()
        where = self.scratch()
        target = os.path.join(where, "resumed.webm")
        part = target + ".part"
        with open(part, "wb") as f:
            f.write(content[:len(content) // 2])

        # A part file left behind is not overwritten by accident either.
        refused = self.ctl_in(where, "recording", "download", str(row["id"]), "--to", target)
        self.assertEqual(refused.returncode, CANNOT_CREATE, refused.stderr)
        self.assertIn(b"--resume", refused.stderr)
        self.assertEqual(os.path.getsize(part), len(content) // 2)

        downloads = len(self.events(row["appointment_id"], "recording.downloaded"))
        resumed = self.ctl_in(where, "recording", "download", str(row["id"]), "--to", target, "--resume")
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        self.assertEqual(sha256_of(target), row["sha256"])
        self.assertFalse(os.path.exists(part))
        # Only the rest was asked for: the daemon audits a download from the first byte, not a range further on.
        self.assertEqual(len(self.events(row["appointment_id"], "recording.downloaded")), downloads)

        # A part file that is not the recording's beginning: the whole fails its SHA-256 check (65),
        # nothing is written under the name asked for and the part file is removed.
        bad = os.path.join(where, "bad.webm")
        with open(bad + ".part", "wb") as f:
            f.write(b"\0" * 100)
        mismatch = self.ctl_in(where, "recording", "download", str(row["id"]), "--to", bad, "--resume")
        self.assertEqual(mismatch.returncode, 65, mismatch.stderr)
        self.assertIn(b"SHA-256", mismatch.stderr)
        self.assertIn(row["sha256"].encode(), mismatch.stderr)
        self.assertFalse(os.path.exists(bad))
        self.assertFalse(os.path.exists(bad + ".part"))

    def test_download_of_an_unknown_recording(self):
        where = self.scratch()
        missing = self.ctl_in(where, "recording", "download", "999999")
        self.assertEqual(missing.returncode, NOT_FOUND, missing.stderr)
        self.assertIn(b"recording_not_found", missing.stderr)
        self.assertEqual(os.listdir(where), [])
        shown = self.daemon.ctl("recording", "show", "999999")
        self.assertEqual(shown.returncode, NOT_FOUND, shown.stderr)


class RecordingDelete(RecordedCall, DaemonTestCase):
    """Deleting changes what the other tests look at, so it has a call of its own."""

    extra_yaml = RECORDING_YAML

    def test_delete_removes_the_file_and_is_audited(self):
        appointment_id, rows = self.recorded_call()
        row = self.row("specialist")
        path = self.files_by_sha(appointment_id)[row["sha256"]]

        deleted = self.daemon.ctl("-q", "recording", "delete", str(row["id"]))
        self.assertEqual(deleted.returncode, 0, deleted.stderr)
        self.assertEqual((deleted.stdout, deleted.stderr), ("", ""))

        shown = self.daemon.ctl("recording", "show", str(row["id"]))
        self.assertEqual(shown.returncode, NOT_FOUND, shown.stderr)
        self.assertIn("recording_not_found", shown.stderr)
        self.assertFalse(os.path.exists(path))
        self.assertEqual(set(self.files_by_sha(appointment_id)), {self.row("customer")["sha256"]})
        remaining = self.daemon.ctl_json("recording", "list", str(appointment_id))
        self.assertEqual([r["id"] for r in remaining], [self.row("customer")["id"]])

        events = self.daemon.ctl_json("audit", "list", "--action", "recording.deleted")
        self.assertEqual(len(events), 1, events)
        self.assertEqual(events[0]["object_id"], str(appointment_id))
        self.assertEqual(json.loads(events[0]["details"])["recording_id"], row["id"])

        again = self.daemon.ctl("recording", "delete", str(row["id"]))
        self.assertEqual(again.returncode, NOT_FOUND, again.stderr)
        # Without -q the deletion is confirmed on standard error.
        told = self.daemon.ctl("recording", "delete", str(self.row("customer")["id"]))
        self.assertEqual(told.returncode, 0, told.stderr)
        self.assertEqual(told.stderr, "recording %d deleted\n" % self.row("customer")["id"])
        self.assertEqual(self.files_by_sha(appointment_id), {})


if __name__ == "__main__":
    unittest.main()
