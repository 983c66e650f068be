"""`assistctl snapshot list|download` on real pictures: a JPEG and a PNG made by GStreamer, sent
over HTTPS as staff (API key) and the customer's page (join token) send them
(POST /api/v1/appointments/{id}/snapshots), then listed as a table, JSON and CSV, and downloaded:
checked against their SHA-256, never over a file without --force, written whole or not at all."""

import hashlib
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

from call_helpers import CallTestMixin
from harness import ASSISTCTL, DaemonTestCase, write_png

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
NOT_FOUND = 65  # the CLI's exit status for every 404 (EX_DATAERR)
BAD_DATA = 65  # also what a download that fails its SHA-256 check exits with
CANNOT_CREATE = 73  # EX_CANTCREAT
TABLE_HEADER = ["ID", "TAKEN", "SOURCE", "SIZE", "BYTES", "WHO"]
CSV_HEADER = ["id", "appointment_id", "source", "media_type", "width", "height", "size", "sha256", "taken_at",
              "participant.name", "participant.role"]


def gst_image(path, encoder, width, height, pattern):
    """One frame of GStreamer's test picture, encoded as a camera's still would be; its bytes."""
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=1", "pattern=" + pattern, "!",
                    "video/x-raw,width=%d,height=%d" % (width, height), "!", "videoconvert", "!", encoder, "!",
                    "filesink", "location=" + path], check=True, capture_output=True, timeout=60)
    with open(path, "rb") as f:
        return f.read()


def human_size(size):
    """As the table shows sizes: 512 B, 11.8 KiB, 3.4 MiB."""
    if size < 1024:
        return "%d B" % size
    value, unit = size / 1024, 0
    while value >= 1024 and unit < 3:
        value, unit = value / 1024, unit + 1
    return "%.1f %s" % (value, ["KiB", "MiB", "GiB", "TiB"][unit])


class SnapshotCli(CallTestMixin, DaemonTestCase):
    # (appointment id, API key, {"jpeg": (snapshot as the upload answered, bytes), "png": …}),
    # made once for the class by pictures().
    taken = None

    def scratch(self):
        path = tempfile.mkdtemp(prefix="assist-snap-")
        self.addCleanup(shutil.rmtree, path, ignore_errors=True)
        return path

    def upload(self, appointment_id, data, media_type, token):
        return self.daemon.https("POST", "/api/v1/appointments/%d/snapshots" % appointment_id, data,
                                 key=token, headers={"Content-Type": media_type})

    def pictures(self):
        cls = type(self)
        if cls.taken is None:
            appointment_id, customer, _ = self.appointment()
            key = self.daemon.ctl_json("apikey", "create", "--name", "snapshot-cli")["key"]
            where = self.scratch()
            jpeg = gst_image(os.path.join(where, "still.jpg"), "jpegenc", 320, 240, "smpte")
            png = gst_image(os.path.join(where, "still.png"), "pngenc", 160, 120, "ball")
            status, jpeg_row = self.upload(appointment_id, jpeg, "image/jpeg", key)
            self.assertEqual(status, 201, jpeg_row)
            status, png_row = self.upload(appointment_id, png, "image/png", customer)
            self.assertEqual(status, 201, png_row)
            cls.taken = (appointment_id, key, {"jpeg": (jpeg_row, jpeg), "png": (png_row, png)})
        return cls.taken

    def ctl_in(self, cwd, *args):
        """assistctl run in `cwd`, its output as bytes (a picture on standard output is binary)."""
        return subprocess.run([ASSISTCTL, "--socket", self.daemon.socket] + list(args), cwd=cwd,
                              capture_output=True, timeout=60)

    # ---- list ----

    def test_list_shows_the_pictures_as_they_were_stored(self):
        appointment_id, _, taken = self.pictures()
        (jpeg_row, jpeg), (png_row, png) = taken["jpeg"], taken["png"]
        rows = self.daemon.ctl_json("snapshot", "list", str(appointment_id))
        self.assertEqual(rows, [jpeg_row, png_row])  # oldest first
        for row, data, media_type, size in ((jpeg_row, jpeg, "image/jpeg", (320, 240)),
                                            (png_row, png, "image/png", (160, 120))):
            self.assertEqual(row["appointment_id"], appointment_id)
            self.assertEqual(row["source"], "device")
            self.assertEqual(row["media_type"], media_type)
            self.assertEqual((row["width"], row["height"]), size)
            self.assertEqual(row["size"], len(data))
            self.assertEqual(row["sha256"], hashlib.sha256(data).hexdigest())
            self.assertRegex(row["taken_at"], ISO)
            self.assertEqual(row["content_url"], "/api/v1/snapshots/%d/content" % row["id"])
        # Sent with the customer's join token: the customer's camera.
        self.assertEqual((png_row["participant"]["role"], png_row["participant"]["name"]), ("customer", "Caller"))

        table = self.daemon.ctl("snapshot", "list", str(appointment_id))
        self.assertEqual(table.returncode, 0, table.stderr)
        lines = table.stdout.splitlines()
        self.assertEqual(lines[0].split(), TABLE_HEADER)
        self.assertEqual(len(lines), 3, table.stdout)
        by_id = {int(line.split()[0]): line for line in lines[1:]}
        jpeg_line, png_line = by_id[jpeg_row["id"]], by_id[png_row["id"]]
        for line, row in ((jpeg_line, jpeg_row), (png_line, png_row)):
            self.assertEqual(line.split()[1:3], [row["taken_at"], "device"], line)
            self.assertIn(" %dx%d " % (row["width"], row["height"]), line)
            self.assertIn(" " + human_size(row["size"]) + " ", line)
        self.assertTrue(png_line.rstrip().endswith(" Caller"), png_line)

        csv = self.daemon.ctl("snapshot", "list", str(appointment_id), "-o", "csv")
        self.assertEqual(csv.returncode, 0, csv.stderr)
        header, *records = csv.stdout.splitlines()
        self.assertEqual(header.split(","), CSV_HEADER)
        self.assertEqual(len(records), 2, csv.stdout)
        png_record = dict(zip(CSV_HEADER, next(r for r in records if r.startswith("%d," % png_row["id"])).split(",")))
        self.assertEqual(png_record["sha256"], png_row["sha256"])
        self.assertEqual(png_record["size"], str(len(png)))
        self.assertEqual((png_record["width"], png_record["height"]), ("160", "120"))
        self.assertEqual((png_record["participant.name"], png_record["participant.role"]), ("Caller", "customer"))

    def test_list_of_an_appointment_without_snapshots_or_unknown(self):
        quiet, _, _ = self.appointment()
        self.assertEqual(self.daemon.ctl_json("snapshot", "list", str(quiet)), [])
        table = self.daemon.ctl("snapshot", "list", str(quiet))
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertEqual([line.split() for line in table.stdout.splitlines()], [TABLE_HEADER])
        unknown = self.daemon.ctl("snapshot", "list", "999999")
        self.assertEqual(unknown.returncode, NOT_FOUND, unknown.stderr)
        self.assertIn("appointment_not_found", unknown.stderr)

    def test_anything_but_a_picture_is_refused(self):
        key = self.pictures()[1]
        appointment_id, _, _ = self.appointment()
        status, body = self.upload(appointment_id, b"not a picture at all\n", "image/jpeg", key)
        self.assertEqual((status, body["code"]), (415, "snapshot_not_image"), body)
        self.assertEqual(self.daemon.ctl_json("snapshot", "list", str(appointment_id)), [])

    # ---- download ----

    def test_download_writes_the_verified_picture_and_never_replaces_a_file_without_force(self):
        row, jpeg = self.pictures()[2]["jpeg"]
        where = self.scratch()
        name = "snapshot-%d.jpg" % row["id"]
        done = self.ctl_in(where, "snapshot", "download", str(row["id"]))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, b"")
        self.assertEqual(done.stderr.decode(),
                         "snapshot %d: %d bytes written to %s, SHA-256 verified\n" % (row["id"], len(jpeg), name))
        path = os.path.join(where, name)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), jpeg)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(os.listdir(where), [name])  # no part file left

        # The second time the file is there: kept, and the refusal says how to replace it.
        with open(path, "wb") as f:
            f.write(b"the operator's annotated copy")
        again = self.ctl_in(where, "snapshot", "download", str(row["id"]))
        self.assertEqual(again.returncode, CANNOT_CREATE, again.stderr)
        self.assertIn(b"already exists", again.stderr)
        self.assertIn(b"--force", again.stderr)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"the operator's annotated copy")
        self.assertEqual(os.listdir(where), [name])

        forced = self.ctl_in(where, "-q", "snapshot", "download", str(row["id"]), "--force")
        self.assertEqual((forced.returncode, forced.stderr), (0, b""))
        with open(path, "rb") as f:
            self.assertEqual(f.read(), jpeg)

        # A part file left behind is not overwritten by accident either.
        other = os.path.join(where, "other.jpg")
        with open(other + ".part", "wb") as f:
            f.write(b"half")
        stale = self.ctl_in(where, "snapshot", "download", str(row["id"]), "--to", other)
        self.assertEqual(stale.returncode, CANNOT_CREATE, stale.stderr)
        self.assertIn(b"--force", stale.stderr)
        self.assertFalse(os.path.exists(other))

    def test_download_names_a_png_after_its_type_into_a_directory_or_to_standard_output(self):
        row, png = self.pictures()[2]["png"]
        inside = self.scratch()
        into = self.ctl_in(self.scratch(), "-q", "snapshot", "download", str(row["id"]), "--to", inside)
        self.assertEqual(into.returncode, 0, into.stderr)
        self.assertEqual(os.listdir(inside), ["snapshot-%d.png" % row["id"]])
        with open(os.path.join(inside, "snapshot-%d.png" % row["id"]), "rb") as f:
            self.assertEqual(f.read(), png)

        named = os.path.join(inside, "ana.png")
        to_file = self.ctl_in(inside, "-q", "snapshot", "download", str(row["id"]), "--to", named)
        self.assertEqual(to_file.returncode, 0, to_file.stderr)
        with open(named, "rb") as f:
            self.assertEqual(f.read(), png)

        out = self.ctl_in(self.scratch(), "snapshot", "download", str(row["id"]), "--to", "-")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, png)
        self.assertIn(b"written to standard output, SHA-256 verified", out.stderr)

    def test_download_of_an_unknown_snapshot(self):
        where = self.scratch()
        missing = self.ctl_in(where, "snapshot", "download", "999999")
        self.assertEqual(missing.returncode, NOT_FOUND, missing.stderr)
        self.assertIn(b"snapshot_not_found", missing.stderr)
        self.assertEqual(os.listdir(where), [])
        usage = self.ctl_in(where, "snapshot", "download", "seven")
        self.assertEqual(usage.returncode, 64, usage.stderr)

    def test_a_picture_that_does_not_match_its_sha256_is_not_kept(self):
        # A picture of its own, in an appointment of its own: its stored file is spoilt below.
        appointment_id, _, _ = self.appointment()
        picture = write_png(os.path.join(self.scratch(), "red.png"), width=8, height=8, rgb=(200, 10, 10))
        status, row = self.upload(appointment_id, picture, "image/png", self.pictures()[1])
        self.assertEqual(status, 201, row)
        stored = [os.path.join(root, name) for root, _, names in os.walk(os.path.join(self.daemon.dir, "data", "snapshots"))
                  for name in names if name == row["sha256"]]
        self.assertEqual(len(stored), 1, stored)
        with open(stored[0], "wb") as f:
            f.write(b"\0" * len(picture))

        where = self.scratch()
        spoilt = self.ctl_in(where, "snapshot", "download", str(row["id"]))
        self.assertEqual(spoilt.returncode, BAD_DATA, spoilt.stderr)
        self.assertIn(b"SHA-256", spoilt.stderr)
        self.assertIn(row["sha256"].encode(), spoilt.stderr)
        self.assertEqual(os.listdir(where), [])  # neither the file nor its part


if __name__ == "__main__":
    unittest.main()
