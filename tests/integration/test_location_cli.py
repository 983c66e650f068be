"""`assistctl appointment locations` on positions made the way a call makes them: a customer and a
specialist on raw WebSockets in an admitted appointment; the specialist sends location_request, the
customer answers once with a position and once with "denied" (as their page does). The daemon has
locations.map_url set, so a shared position has a map link. Listed as a table, JSON and CSV; an
appointment without locations says so; an unknown one, or another specialist's, exits 65 like every
404; a format the CLI does not know is a usage error."""

import csv
import io
import json
import os
import re
import subprocess
import time
import unittest

from call_helpers import CallTestMixin
from harness import ASSISTCTL, DaemonTestCase, wait_for

MAP_YAML = 'locations:\n  map_url: "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}"\n'
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
NOT_FOUND = 65  # the CLI's exit status for every 404 (EX_DATAERR), as `snapshot list` of an unknown id
USAGE = 64  # EX_USAGE
TABLE_HEADER = ["ID", "RECORDED", "STATUS", "LATITUDE", "LONGITUDE", "ACCURACY (m)", "MAP"]
CSV_HEADER = ["id", "appointment_id", "name", "requested_by", "status", "recorded_at", "latitude", "longitude",
              "accuracy", "captured_at", "map_url"]
LATITUDE, LONGITUDE, ACCURACY = 48.85837, 2.294481, 12.5
MAP_URL = "https://www.openstreetmap.org/?mlat=48.858370&mlon=2.294481"


def cells(line):
    """A table line's cells: columns are two or more spaces apart ("ACCURACY (m)" holds one)."""
    return re.split(r" {2,}", line.rstrip())


class LocationCli(CallTestMixin, DaemonTestCase):
    extra_yaml = MAP_YAML
    # (appointment id, captured_at in ms as the customer sent it, [the two location messages the
    # specialist received]), made once for the class by located().
    answers = None

    def ask(self, customer, specialist, reason):
        """The specialist asks; returns the request id the customer was given."""
        asked = len([m for _, m in list(customer.messages) if m["type"] == "location_request"])
        specialist.ws.send(json.dumps({"type": "location_request", "reason": reason}))
        wait_for(lambda: len([m for _, m in list(customer.messages) if m["type"] == "location_request"]) > asked,
                 "the customer to be asked where they are", timeout=10)
        request = [m for _, m in list(customer.messages) if m["type"] == "location_request"][-1]
        self.assertEqual(request.get("reason"), reason, request)
        return request["request"]

    def answered(self, specialist, request):
        """The location message the specialist received for this request (the answer as stored)."""
        def told():
            return next((m for _, m in list(specialist.messages) if m["type"] == "location"
                         and m.get("request") == request), None)
        wait_for(lambda: told() is not None, "the specialist to be told the answer to " + request, timeout=10)
        return told()

    def located(self):
        cls = type(self)
        if cls.answers is None:
            appointment_id, customer_token, specialist_token = self.appointment()
            customer = self.member(customer_token)
            specialist = self.member(specialist_token)
            captured_ms = int(time.time() * 1000) - 4000
            shared = self.ask(customer, specialist, "to send the tow truck")
            customer.ws.send(json.dumps({"type": "location", "request": shared, "latitude": LATITUDE,
                                         "longitude": LONGITUDE, "accuracy": ACCURACY, "captured_at": captured_ms}))
            first = self.answered(specialist, shared)
            refused = self.ask(customer, specialist, "once more, please")
            self.assertNotEqual(refused, shared)
            customer.ws.send(json.dumps({"type": "location", "request": refused, "error": "denied"}))
            second = self.answered(specialist, refused)
            errors = [m for member in (customer, specialist) for _, m in list(member.messages) if m["type"] == "error"]
            self.assertEqual(errors, [])
            cls.answers = (appointment_id, captured_ms, [first, second])
        return cls.answers

    def ctl_ok(self, *args):
        result = self.daemon.ctl(*args)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return result.stdout

    def ctl_csv(self, *args):
        """assistctl's CSV as it wrote it, line ends too (text mode would turn CR LF into LF)."""
        result = subprocess.run([ASSISTCTL, "--socket", self.daemon.socket] + list(args) + ["-o", "csv"],
                                capture_output=True, timeout=60)
        self.assertEqual((result.returncode, result.stderr), (0, b""))
        return result.stdout.decode()

    def test_json_gives_the_daemons_items_as_the_call_was_told_them(self):
        appointment_id, captured_ms, told = self.located()
        rows = self.daemon.ctl_json("appointment", "locations", str(appointment_id))
        self.assertEqual(len(rows), 2, rows)
        shared, denied = rows  # oldest first
        self.assertLess(shared["id"], denied["id"])
        for row in rows:
            self.assertRegex(row["recorded_at"], ISO)
            self.assertIsInstance(row["requested_by"], str)
            self.assertNotEqual(row["requested_by"], "")
        self.assertEqual(shared, {
            "id": shared["id"], "appointment_id": appointment_id, "name": "Caller",
            "requested_by": shared["requested_by"], "status": "shared", "recorded_at": shared["recorded_at"],
            "latitude": LATITUDE, "longitude": LONGITUDE, "accuracy": ACCURACY,
            "captured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(captured_ms // 1000)),
            "map_url": MAP_URL})
        self.assertEqual(denied, {
            "id": denied["id"], "appointment_id": appointment_id, "name": "Caller",
            "requested_by": shared["requested_by"], "status": "denied", "recorded_at": denied["recorded_at"],
            "latitude": None, "longitude": None, "accuracy": None, "captured_at": None, "map_url": None})
        # What the call was told is what the list shows.
        for row, message in zip(rows, told):
            self.assertEqual(row, {k: v for k, v in message.items() if k not in ("type", "request")})
        # The same items, however -o is placed.
        before = json.loads(self.ctl_ok("-o", "json", "appointment", "locations", str(appointment_id)))
        self.assertEqual(before, rows)

    def test_table_shows_one_aligned_line_per_answer(self):
        appointment_id, _, _ = self.located()
        rows = self.daemon.ctl_json("appointment", "locations", str(appointment_id))
        lines = self.ctl_ok("appointment", "locations", str(appointment_id)).splitlines()
        self.assertEqual(len(lines), 3, lines)
        self.assertEqual(cells(lines[0]), TABLE_HEADER)
        self.assertEqual(cells(lines[1]), [str(rows[0]["id"]), rows[0]["recorded_at"], "shared", "48.858370",
                                           "2.294481", "12.5", MAP_URL])
        # No position: the position and map columns are empty.
        self.assertEqual(cells(lines[2]), [str(rows[1]["id"]), rows[1]["recorded_at"], "denied"])
        for heading in ("RECORDED", "STATUS", "LATITUDE", "MAP"):
            column = lines[0].index(heading)
            self.assertNotEqual(lines[1][column], " ", heading)
            self.assertEqual(lines[1][column - 1], " ", heading)
        self.assertEqual(lines[2][lines[0].index("STATUS"):].rstrip(), "denied")

    def test_csv_gives_the_raw_fields(self):
        appointment_id, captured_ms, _ = self.located()
        rows = self.daemon.ctl_json("appointment", "locations", str(appointment_id))
        out = self.ctl_csv("appointment", "locations", str(appointment_id))
        self.assertEqual(out.count("\r\n"), 3, repr(out))
        self.assertEqual(out.count("\n"), 3, repr(out))
        header, *records = list(csv.reader(io.StringIO(out, newline="")))
        self.assertEqual(header, CSV_HEADER)
        self.assertEqual(records, [
            [str(rows[0]["id"]), str(appointment_id), "Caller", rows[0]["requested_by"], "shared",
             rows[0]["recorded_at"], "48.85837", "2.294481", "12.5",
             time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(captured_ms // 1000)), MAP_URL],
            [str(rows[1]["id"]), str(appointment_id), "Caller", rows[0]["requested_by"], "denied",
             rows[1]["recorded_at"], "", "", "", "", ""]])

    def test_an_appointment_without_locations_says_so(self):
        appointment_id, _, _ = self.appointment()
        self.assertEqual(self.ctl_ok("appointment", "locations", str(appointment_id)),
                         "appointment %d has no locations: none was asked for in its calls, or the customer "
                         "never answered\n" % appointment_id)
        self.assertEqual(self.daemon.ctl_json("appointment", "locations", str(appointment_id)), [])
        self.assertEqual(self.ctl_csv("appointment", "locations", str(appointment_id)),
                         ",".join(CSV_HEADER) + "\r\n")

    def test_an_unknown_appointment_exits_65_as_every_404(self):
        missing = self.daemon.ctl("appointment", "locations", "999999")
        self.assertEqual((missing.returncode, missing.stdout), (NOT_FOUND, ""), missing.stderr)
        self.assertRegex(missing.stderr, r"^assistctl: .+ \(appointment_not_found\)\n$")
        # Word for word what `appointment show` says of it.
        self.assertEqual(missing.stderr, self.daemon.ctl("appointment", "show", "999999").stderr)

    def test_another_specialists_appointment_looks_missing_over_https(self):
        appointment_id, _, _ = self.located()  # no specialist: only admins and supervisors see it
        d = self.daemon
        self.assertEqual(d.ctl("user", "add", "loc-spec", "--role", "specialist").returncode, 0)
        key = d.ctl_json("apikey", "create", "--name", "loc-spec", "--user", "loc-spec")["key"]
        env = dict(os.environ, ASSIST_API_KEY=key)

        def remote(*args):
            return subprocess.run([ASSISTCTL, "--url", d.public_url, "--ca-file", d.cert] + list(args),
                                  capture_output=True, text=True, timeout=60, env=env)
        foreign = remote("appointment", "locations", str(appointment_id))
        self.assertEqual((foreign.returncode, foreign.stdout), (NOT_FOUND, ""), foreign.stderr)
        self.assertIn("(appointment_not_found)", foreign.stderr)
        # Word for word what `appointment show` says of it.
        self.assertEqual(foreign.stderr, remote("appointment", "show", str(appointment_id)).stderr)
        own = remote("-o", "json", "appointment", "create", "--customer-name", "Their customer")
        self.assertEqual(own.returncode, 0, own.stderr)
        mine = remote("appointment", "locations", str(json.loads(own.stdout)["id"]), "-o", "json")
        self.assertEqual((mine.returncode, mine.stdout.strip()), (0, "[]"), mine.stderr)

    def test_a_format_or_id_the_cli_does_not_know_is_a_usage_error(self):
        for args in (["appointment", "locations", "1", "-o", "xml"], ["appointment", "locations", "seven"],
                     ["appointment", "locations"]):
            wrong = self.daemon.ctl(*args)
            self.assertEqual((wrong.returncode, wrong.stdout), (USAGE, ""), (args, wrong.stderr))
            self.assertNotEqual(wrong.stderr, "", args)
        self.assertIn("xml", self.daemon.ctl("appointment", "locations", "1", "-o", "xml").stderr)

    def test_help_teaches_the_statuses_and_formats(self):
        text = self.ctl_ok("appointment", "locations", "--help")
        for word in ("shared", "denied", "unavailable", "timeout", "unsupported", "locations.map_url",
                     "-o json", "ACCURACY (m)", "appointment_not_found"):
            self.assertIn(word, text)


if __name__ == "__main__":
    unittest.main()
