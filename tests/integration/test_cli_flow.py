"""The operator's flow through assistctl, and the same through REST with an API key."""

import csv
import io
import json
import subprocess
import unittest

from harness import ASSISTCTL, DaemonTestCase


class AssistctlFlow(DaemonTestCase):
    def test_create_list_show_cancel(self):
        d = self.daemon
        created = d.ctl_json("appointment", "create", "--customer-name", "Ada Lovelace", "--phone",
                             "+33612345678", "--email", "ada@example.org", "--locale", "fr", "--at",
                             "2099-03-01T09:30:00Z", "--duration", "45m")
        self.assertEqual(created["state"], "scheduled")
        self.assertTrue(created["join_url"].startswith(d.public_url + "/j/"), created["join_url"])
        self.assertGreaterEqual(len(created["join_url"].rsplit("/", 1)[1]), 22)  # >= 128 bits
        appointment_id = str(created["id"])

        listing = d.ctl("appointment", "list", "-o", "csv")
        self.assertEqual(listing.returncode, 0, listing.stderr)
        rows = list(csv.DictReader(io.StringIO(listing.stdout)))
        mine = [r for r in rows if r["id"] == appointment_id]
        self.assertEqual(len(mine), 1, listing.stdout)
        self.assertEqual(mine[0]["customer_name"], "Ada Lovelace")
        self.assertEqual(mine[0]["starts_at"], "2099-03-01T09:30:00Z")
        self.assertEqual(mine[0]["duration_seconds"], "2700")

        shown = d.ctl_json("appointment", "show", appointment_id)
        self.assertEqual(shown["customer_email"], "ada@example.org")
        self.assertEqual(shown["locale"], "fr")

        cancelled = d.ctl("appointment", "cancel", appointment_id, "--reason", "customer called", "-q")
        self.assertEqual(cancelled.returncode, 0, cancelled.stderr)
        self.assertEqual(cancelled.stdout, "")
        self.assertEqual(d.ctl_json("appointment", "show", appointment_id)["state"], "cancelled")

        again = d.ctl("appointment", "cancel", appointment_id)
        self.assertEqual(again.returncode, 65)
        self.assertIn("is cancelled and cannot become cancelled", again.stderr)
        self.assertIn("illegal_transition", again.stderr)

        events = d.ctl_json("audit", "list", "--object-type", "appointment", "--object-id", appointment_id)
        self.assertEqual([e["action"] for e in events],
                         ["appointment.create", "join_link.issue", "appointment.cancelled"])

    def test_same_flow_over_rest_with_an_api_key(self):
        d = self.daemon
        key = d.ctl_json("apikey", "create", "--name", "crm")["key"]
        status, body = d.https("POST", "/api/v1/appointments", {"customer_name": "Grace Hopper",
                                                                "starts_at": "2099-04-01T14:00:00+02:00"}, key=key)
        self.assertEqual(status, 201, body)
        self.assertEqual(body["starts_at"], "2099-04-01T12:00:00Z")
        path = "/api/v1/appointments/%d" % body["id"]
        status, listing = d.https("GET", "/api/v1/appointments?from=2099-04-01T00:00:00Z&to=2099-04-02T00:00:00Z",
                                  key=key)
        self.assertEqual(status, 200)
        self.assertEqual([a["id"] for a in listing["items"]], [body["id"]])
        self.assertEqual(d.https("GET", path, key=key)[1]["customer_name"], "Grace Hopper")
        self.assertEqual(d.https("POST", path + "/cancel", {}, key=key)[0], 200)
        status, problem = d.https("POST", path + "/cancel", {}, key=key)
        self.assertEqual(status, 409)
        self.assertEqual(problem["code"], "illegal_transition")
        self.assertIn(("Content-Type", "application/problem+json"), d.last_headers)

        # A revoked key stops working at once.
        keys = d.ctl_json("apikey", "list")
        key_id = [k["id"] for k in keys if k["name"] == "crm"][0]
        self.assertEqual(d.ctl("apikey", "revoke", str(key_id)).returncode, 0)
        self.assertEqual(d.https("GET", path, key=key)[0], 401)

    def test_assistctl_over_https_with_api_key(self):
        d = self.daemon
        key = d.ctl_json("apikey", "create", "--name", "remote")["key"]
        result = subprocess.run([ASSISTCTL, "--url", d.public_url, "--api-key", key, "--ca-file", d.cert,
                                 "appointment", "create", "--customer-name", "Remote", "-o", "json"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('"join_url"', result.stdout)
        denied = subprocess.run([ASSISTCTL, "--url", d.public_url, "--api-key", key + "x", "--ca-file", d.cert,
                                 "status"], capture_output=True, text=True, timeout=60)
        self.assertEqual(denied.returncode, 77, denied.stderr)

    def test_bad_input_gets_clear_errors(self):
        d = self.daemon
        bad_phone = d.ctl("appointment", "create", "--customer-name", "X", "--phone", "12345")
        self.assertEqual(bad_phone.returncode, 65)
        self.assertIn("must be an international number starting with +", bad_phone.stderr)
        past = d.ctl("appointment", "create", "--customer-name", "X", "--at", "2001-01-01T00:00:00Z")
        self.assertEqual(past.returncode, 65)
        self.assertIn("in the past", past.stderr)
        duration = d.ctl("appointment", "create", "--customer-name", "X", "--duration", "forever")
        self.assertEqual(duration.returncode, 64)
        usage = d.ctl("appointment", "frobnicate")
        self.assertEqual(usage.returncode, 64)
        missing = d.ctl("appointment", "show", "99999")
        self.assertEqual(missing.returncode, 65)
        self.assertIn("no appointment 99999", missing.stderr)

    def test_daemon_unavailable(self):
        result = subprocess.run([ASSISTCTL, "--socket", "/nonexistent/assistd.sock", "status"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 69)
        self.assertIn("cannot reach assistd", result.stderr)

    def test_users_queues_and_passwords(self):
        d = self.daemon
        add = d.ctl("user", "add", "carol", "--role", "specialist", "--password", stdin="carol's long password\n")
        self.assertEqual(add.returncode, 0, add.stderr)
        users = {u["username"]: u for u in d.ctl_json("user", "list")}
        self.assertTrue(users["carol"]["has_password"])
        status, body = d.https("POST", "/api/v1/session", {"username": "carol", "password": "carol's long password"})
        self.assertEqual(status, 201, body)
        self.assertEqual(d.ctl("user", "passwd", "carol", stdin="a new long password\n").returncode, 0)
        self.assertEqual(d.https("POST", "/api/v1/session",
                                 {"username": "carol", "password": "carol's long password"})[0], 401)
        self.assertEqual(d.ctl("user", "disable", "carol", "-q").returncode, 0)
        self.assertEqual(d.https("POST", "/api/v1/session",
                                 {"username": "carol", "password": "a new long password"})[0], 401)
        weak = d.ctl("user", "add", "dave", "--password", stdin="short\n")
        self.assertEqual(weak.returncode, 65)
        self.assertIn("at least 10 characters", weak.stderr)

        self.assertEqual(d.ctl("queue", "add", "Roadside help", "--description", "Breakdowns").returncode, 0)
        self.assertIn("Roadside help", [q["name"] for q in d.ctl_json("queue", "list")])
        on_queue = d.ctl("appointment", "create", "--customer-name", "Driver", "--queue", "Roadside help", "-o", "json")
        self.assertEqual(on_queue.stderr, "")  # the queue's specialists see it
        on_queue = json.loads(on_queue.stdout)
        self.assertEqual(on_queue["queue"], "Roadside help")
        self.assertEqual(on_queue["kind"], "on_demand")
        # Neither a specialist nor a queue: it works, and says who will not see it.
        nobodys = d.ctl("appointment", "create", "--customer-name", "Walk-in", "-q")
        self.assertEqual((nobodys.returncode, nobodys.stdout), (0, ""))
        self.assertRegex(nobodys.stderr, r"^assistctl: appointment \d+ has no specialist and no queue: no specialist "
                                         r"sees it in the console, only admins and supervisors")
        self.assertEqual(d.ctl("user", "add", "erin", "-q").returncode, 0)
        erins = d.ctl("appointment", "create", "--customer-name", "Booked", "--specialist", "erin", "-q")
        self.assertEqual((erins.returncode, erins.stderr), (0, ""))
        dup = d.ctl("queue", "add", "Roadside help")
        self.assertEqual(dup.returncode, 65)
        self.assertIn("already exists", dup.stderr)

    def test_each_user_sets_their_console_language_and_time_zone(self):
        d = self.daemon
        self.assertEqual(d.ctl("user", "add", "frank", "--password", stdin="frank's long password\n").returncode, 0)
        set_ = d.ctl_json("user", "set", "frank", "--language", "fr", "--timezone", "Europe/Paris")
        self.assertEqual((set_["language"], set_["timezone"]), ("fr", "Europe/Paris"))
        status, session = d.https("POST", "/api/v1/session", {"username": "frank", "password": "frank's long password"})
        self.assertEqual(status, 201, session)
        self.assertEqual((session["user"]["language"], session["timezone"]), ("fr", "Europe/Paris"))
        # "" gives the choice back: the browser's language, the operator's zone (notify.timezone, UTC here).
        d.ctl_json("user", "set", "frank", "--language", "", "--timezone", "")
        _, session = d.https("POST", "/api/v1/session", {"username": "frank", "password": "frank's long password"})
        self.assertEqual((session["user"]["language"], session["user"]["timezone"], session["timezone"]), ("", "", "UTC"))
        bad = d.ctl("user", "set", "frank", "--timezone", "Mars/Olympus")
        self.assertEqual(bad.returncode, 65)
        self.assertIn("'Mars/Olympus' is not a known time zone", bad.stderr)
        self.assertEqual(d.ctl("user", "set", "frank", "--language", "de").returncode, 64)
        nothing = d.ctl("user", "set", "frank")
        self.assertEqual(nothing.returncode, 64)
        self.assertIn("give --language, --timezone or both", nothing.stderr)
        # Users set their own; another's answers as missing to a specialist.
        self.assertEqual(d.ctl("user", "add", "gina").returncode, 0)
        key = d.ctl_json("apikey", "create", "--name", "frank", "--user", "frank")["key"]
        self.assertEqual(d.https("PATCH", "/api/v1/users/frank", {"timezone": "Asia/Tokyo"}, key=key)[0], 200)
        self.assertEqual(d.https("PATCH", "/api/v1/users/gina", {"timezone": "Asia/Tokyo"}, key=key)[0], 404)
        status, problem = d.https("PATCH", "/api/v1/users/frank", {"language": "de"}, key=key)
        self.assertEqual((status, problem["code"]), (422, "invalid_language"))
        events = d.ctl_json("audit", "list", "--action", "user.preferences")
        self.assertEqual(events[-1]["object_id"], "frank")
        self.assertEqual({u["username"]: u["timezone"] for u in d.ctl_json("user", "list")}["frank"], "Asia/Tokyo")

    def test_specialists_are_isolated_over_https(self):
        d = self.daemon
        keys = {}
        for name in ("spec-a", "spec-b"):
            self.assertEqual(d.ctl("user", "add", name, "--role", "specialist").returncode, 0)
            keys[name] = d.ctl_json("apikey", "create", "--name", name, "--user", name)["key"]
        status, theirs = d.https("POST", "/api/v1/appointments", {"customer_name": "B's customer"},
                                 key=keys["spec-b"])
        self.assertEqual(status, 201, theirs)
        self.assertEqual(theirs["specialist"], "spec-b")
        path = "/api/v1/appointments/%d" % theirs["id"]
        a = keys["spec-a"]
        self.assertEqual(d.https("GET", path, key=a)[0], 404)
        self.assertEqual(d.https("POST", path + "/cancel", {}, key=a)[0], 404)
        self.assertEqual(d.https("POST", path + "/reschedule", {"starts_at": "2099-01-01T00:00:00Z"}, key=a)[0], 404)
        self.assertEqual(d.https("GET", "/api/v1/appointments", key=a)[1]["items"], [])
        self.assertEqual(d.https("GET", "/api/v1/appointments?specialist=spec-b", key=a)[1]["items"], [])
        self.assertEqual(d.https("GET", "/api/v1/users", key=a)[0], 403)
        self.assertEqual(d.https("GET", path, key=keys["spec-b"])[1]["state"], "scheduled")

    def test_status_and_audit_verify(self):
        d = self.daemon
        status = d.ctl_json("status")
        self.assertEqual(status["schema_version"], 12)
        verify = d.ctl("audit", "verify")
        self.assertEqual(verify.returncode, 0, verify.stderr)
        self.assertIn("audit chain intact", verify.stdout)


if __name__ == "__main__":
    unittest.main()
