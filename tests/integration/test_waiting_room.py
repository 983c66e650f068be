"""The waiting room and on-demand queues, against a real assistd: customers enter a queue at its
public link, wait in line with a live position and an honest estimate, and are taken by the
specialists who serve the queue ("take next", atomic), declined with a message, or sent away
when the queue closes; a queue outside its hours or full says so, with its next opening."""

import datetime
import json
import threading
import unittest

from call_helpers import ICE_YAML, CallTestMixin
from harness import DaemonTestCase, wait_for


class WaitingRoom(CallTestMixin, DaemonTestCase):
    # Every customer here enters from 127.0.0.1: the per-address limit has its own test below.
    extra_yaml = ICE_YAML + "queues:\n  entries_per_address: 100000\n"
    created = 0

    # ---- helpers ----

    def unique(self, prefix):
        WaitingRoom.created += 1
        return "%s-%d" % (prefix, WaitingRoom.created)

    def specialist(self, *queues):
        """(username, API key) of a new specialist serving `queues`."""
        username = self.unique("spec")
        added = self.daemon.ctl("user", "add", username, "--role", "specialist")
        self.assertEqual(added.returncode, 0, added.stderr)
        for slug in queues:
            assigned = self.daemon.ctl("queue", "assign", slug, username)
            self.assertEqual(assigned.returncode, 0, assigned.stderr)
        key = self.daemon.ctl_json("apikey", "create", "--name", "key-" + username, "--user", username)["key"]
        return username, key

    def queue(self, *args):
        slug = self.unique("line")
        created = self.daemon.ctl_json("queue", "create", "Line " + slug, "--slug", slug, *args)
        self.assertEqual(created["slug"], slug)
        return slug

    def enter(self, slug, name="Ada", **extra):
        body = {"customer_name": name}
        body.update(extra)
        return self.daemon.https("POST", "/api/v1/public/queues/%s/entries" % slug, body)

    def wait_in(self, slug, name="Ada"):
        """A customer who entered the queue and opened their link: (member, appointment id)."""
        status, body = self.enter(slug, name)
        self.assertEqual(status, 201, body)
        token = body["join_url"].rsplit("/", 1)[1]
        m = self.member(token)
        welcome = m.first("welcome")[1]
        self.assertFalse(welcome["admitted"], welcome)
        wait_for(lambda: m.first("waiting") is not None, "a waiting message", timeout=10)
        return m, welcome["appointment"]["id"]

    @staticmethod
    def places(member):
        return [m for _, m in list(member.messages) if m["type"] == "waiting"]

    def wait_position(self, member, position):
        wait_for(lambda: self.places(member) and self.places(member)[-1]["position"] == position,
                 "position %d" % position, timeout=10)
        return self.places(member)[-1]

    def take_next(self, slug, key):
        return self.daemon.https("POST", "/api/v1/queues/%s/next" % slug, {}, key=key)

    def end_as_staff(self, appointment_id):
        staff = self.member(self.link(appointment_id, "specialist"))
        staff.ws.send(json.dumps({"type": "end"}))
        self.wait_state(appointment_id, "ended", "the call ended for all")

    # ---- tests ----

    def test_the_second_customer_moves_up_live_and_the_estimate_appears_with_history(self):
        slug = self.queue()
        _, key = self.specialist(slug)
        first, first_id = self.wait_in(slug, "First")
        second, second_id = self.wait_in(slug, "Second")
        self.assertEqual(self.wait_position(first, 1)["queue"], "Line " + slug)
        place = self.wait_position(second, 2)
        self.assertNotIn("estimated_wait_seconds", place, "no history: the page says unknown")

        status, taken = self.take_next(slug, key)
        self.assertEqual((status, taken["id"]), (200, first_id), taken)
        wait_for(lambda: "admitted" in first.types(), "the first customer admitted", timeout=10)
        self.wait_position(second, 1)
        self.assertNotIn("admitted", second.types())

        # Three handled calls make a history; the next customer gets an estimate.
        self.end_as_staff(first_id)
        self.assertEqual(self.take_next(slug, key)[1]["id"], second_id)
        self.end_as_staff(second_id)
        _, third_id = self.wait_in(slug, "Third")
        self.assertEqual(self.take_next(slug, key)[1]["id"], third_id)
        later, _ = self.wait_in(slug, "Later")
        self.assertNotIn("estimated_wait_seconds", self.places(later)[-1], "two handled calls are too few")
        self.end_as_staff(third_id)
        self.wait_position(later, 1)
        wait_for(lambda: "estimated_wait_seconds" in self.places(later)[-1], "an estimate", timeout=10)
        self.assertIn("estimated_wait_seconds", self.places(later)[-1], later.messages)
        status, waiting = self.daemon.https("GET", "/api/v1/waiting", key=key)
        self.assertEqual(status, 200, waiting)
        (item,) = [w for w in waiting["items"] if w["customer_name"] == "Later"]
        self.assertEqual(item["position"], 1)
        self.assertIsNotNone(item["estimated_wait_seconds"])

    def test_two_specialists_taking_next_at_once_never_get_the_same_customer(self):
        slug = self.queue()
        keys = [self.specialist(slug)[1], self.specialist(slug)[1]]
        for round_ in range(50):
            member, appointment_id = self.wait_in(slug, "Round %d" % round_)
            barrier = threading.Barrier(2)
            answers = [None, None]

            def take(i):
                barrier.wait()
                answers[i] = self.take_next(slug, keys[i])

            threads = [threading.Thread(target=take, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            statuses = sorted(a[0] for a in answers)
            self.assertEqual(statuses, [200, 409], (round_, answers))
            won = [a[1] for a in answers if a[0] == 200][0]
            lost = [a[1] for a in answers if a[0] == 409][0]
            self.assertEqual(won["id"], appointment_id, answers)
            self.assertEqual(lost["code"], "queue_empty", answers)
            wait_for(lambda: "admitted" in member.types(), "round %d admitted" % round_, timeout=10)
            member.leave()
        events = self.events(appointment_id, "appointment.admitted")
        self.assertEqual(len(events), 1, events)

    def test_only_those_who_serve_a_queue_take_from_it_and_see_its_customers(self):
        slug = self.queue()
        _, member_key = self.specialist(slug)
        _, outsider_key = self.specialist()
        _, appointment_id = self.wait_in(slug)
        status, body = self.take_next(slug, outsider_key)
        self.assertEqual((status, body["code"]), (403, "not_a_member"), body)
        self.assertEqual(self.daemon.https("GET", "/api/v1/waiting", key=outsider_key)[1]["items"], [])
        seen = self.daemon.https("GET", "/api/v1/waiting", key=member_key)[1]["items"]
        self.assertIn(appointment_id, [w["id"] for w in seen])
        status, body = self.daemon.https("GET", "/api/v1/appointments/%d" % appointment_id, key=outsider_key)
        self.assertEqual(status, 404, body)
        self.assertEqual(self.take_next("no-such-queue", member_key)[0], 404)

    def test_a_declined_customer_reads_the_specialists_message(self):
        slug = self.queue()
        _, key = self.specialist(slug)
        customer, appointment_id = self.wait_in(slug)
        status, body = self.daemon.https("POST", "/api/v1/appointments/%d/decline" % appointment_id,
                                         {"message": "<b>Please</b> call 112 instead"}, key=key)
        self.assertEqual((status, body["state"], body["closing_reason"]), (200, "cancelled", "declined"), body)
        wait_for(lambda: customer.first("ended") is not None, "ended", timeout=10)
        ended = customer.first("ended")[1]
        self.assertEqual((ended["reason"], ended["message"]), ("declined", "<b>Please</b> call 112 instead"))
        wait_for(lambda: customer.closed_at is not None, "the socket closed", timeout=10)
        status, body = self.daemon.https("POST", "/api/v1/appointments/%d/decline" % appointment_id, {}, key=key)
        self.assertEqual((status, body["code"]), (409, "appointment_closed"), body)
        status, body = self.daemon.https("POST", "/api/v1/appointments/%d/decline" % appointment_id,
                                         {"message": "x" * 201}, key=key)
        self.assertEqual(status, 422, body)

    def test_closing_a_queue_sends_its_waiting_customers_away_and_refuses_new_ones(self):
        slug = self.queue()
        customer, _ = self.wait_in(slug)
        closed = self.daemon.ctl("queue", "close", slug, "--message", "We are closed for today")
        self.assertEqual(closed.returncode, 0, closed.stderr)
        self.assertIn("1 waiting customer(s) sent away", closed.stdout)
        wait_for(lambda: customer.first("ended") is not None, "ended", timeout=10)
        self.assertEqual(customer.first("ended")[1]["reason"], "queue_closed")
        self.assertEqual(customer.first("ended")[1]["message"], "We are closed for today")
        status, body = self.enter(slug)
        self.assertEqual((status, body["code"]), (409, "queue_closed"), body)
        self.assertEqual(self.daemon.ctl("queue", "open", slug).returncode, 0)
        self.assertEqual(self.enter(slug)[0], 201)

    def test_a_queue_outside_its_hours_gives_its_next_opening(self):
        # Open on a day three days from now only: closed now, with a next opening.
        day = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)).strftime("%a").lower()
        slug = self.queue("--hours", day + " 09:00-17:00", "--timezone", "UTC")
        status, body = self.daemon.https("GET", "/api/v1/public/queues/" + slug)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["state"], "outside_hours", body)
        self.assertRegex(body["next_opening"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        status, refused = self.enter(slug)
        self.assertEqual((status, refused["code"], refused["next_opening"]),
                         (409, "queue_outside_hours", body["next_opening"]), refused)
        self.assertEqual(self.sql("SELECT count(*) FROM appointments a JOIN queues q ON q.id = a.queue_id "
                                  "WHERE q.slug = ?", slug)[0][0], 0)

    def test_a_full_queue_refuses_and_unknown_queues_are_404(self):
        slug = self.queue("--max-waiting", "1")
        self.wait_in(slug)
        status, body = self.enter(slug, "Too many")
        self.assertEqual((status, body["code"]), (409, "queue_full"), body)
        self.assertEqual(self.daemon.https("GET", "/api/v1/public/queues/nope")[0], 404)
        self.assertEqual(self.enter("nope")[0], 404)
        status, body = self.enter(slug, "", customer_email="not-an-email")
        self.assertEqual(status, 422, body)

    def test_the_cli_shows_who_waits_and_refuses_bad_hours_clearly(self):
        slug = self.queue("--hours", "mon-fri 09:00-17:00", "--timezone", "Europe/Paris")
        self.daemon.ctl_json("queue", "update", slug, "--always-open")
        self.wait_in(slug, "Grace Hopper")
        shown = self.daemon.ctl("queue", "show", slug)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("Grace Hopper", shown.stdout)
        self.assertRegex(shown.stdout, r"\b1\b.*Grace Hopper.*\d+s")
        bad = self.daemon.ctl("queue", "update", slug, "--hours", "weekdays 9-5")
        self.assertEqual(bad.returncode, 65, bad.stdout + bad.stderr)
        self.assertIn("days must be", bad.stderr)
        listed = self.daemon.ctl_json("queue", "list")
        (mine,) = [q for q in listed if q["slug"] == slug]
        self.assertEqual((mine["hours"], mine["status"]["state"], mine["status"]["waiting"]), ("", "open", 1))

    def test_a_queue_has_its_own_recording_mode_and_its_join_page_says_so(self):
        slug = self.queue("--recording", "off")
        self.assertEqual(self.daemon.ctl_json("queue", "show", slug)["recording_mode"], "off")
        updated = self.daemon.ctl_json("queue", "update", slug, "--recording", "always")
        self.assertEqual(updated["recording_mode"], "always")
        bad = self.daemon.ctl("queue", "update", slug, "--recording", "sometimes")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("sometimes", bad.stderr)
        key = self.daemon.ctl_json("apikey", "create", "--name", self.unique("admin"))["key"]
        status, body = self.daemon.https("PATCH", "/api/v1/queues/" + slug, {"recording_mode": "sometimes"}, key=key)
        self.assertEqual((status, body["code"]), (422, "invalid_value"), body)
        # The customer's join page tells them before they join that this call is recorded.
        status, entry = self.enter(slug, "Rosa")
        self.assertEqual(status, 201, entry)
        conn = self.daemon.connection()
        try:
            conn.request("GET", "/j/" + entry["join_url"].rsplit("/", 1)[1])
            page = conn.getresponse().read().decode()
        finally:
            conn.close()
        self.assertIn('"recording":{"consent":"notify","mode":"always"}', page)

    def test_a_scheduled_customer_waits_for_their_specialist(self):
        appointment_id, customer_token, specialist_token = self.appointment(admitted=False)
        customer = self.member(customer_token)
        self.assertFalse(customer.first("welcome")[1]["admitted"])
        wait_for(lambda: customer.first("waiting") is not None, "waiting", timeout=10)
        customer.ws.send(json.dumps({"type": "chat", "text": "hello?"}))
        wait_for(lambda: customer.first("error") is not None, "an error", timeout=10)
        self.assertEqual(customer.first("error")[1]["code"], "not_admitted")
        self.member(specialist_token)
        wait_for(lambda: "admitted" in customer.types(), "admitted", timeout=10)
        self.assertEqual(len(self.events(appointment_id, "appointment.admitted")), 1)


class QueueEntryLimit(DaemonTestCase):
    extra_yaml = "queues:\n  entries_per_address: 2\n  entry_window: 10m\n"

    def enter(self, slug):
        return self.daemon.https("POST", "/api/v1/public/queues/%s/entries" % slug, {"customer_name": "Bot"})

    def test_one_address_cannot_fill_a_queue(self):
        for slug in ("one", "two"):
            self.assertEqual(self.daemon.ctl("queue", "create", "Line " + slug, "--slug", slug).returncode, 0)
        self.assertEqual(self.enter("one")[0], 201)
        self.assertEqual(self.enter("two")[0], 201)  # the count is per address, across queues
        status, body = self.enter("one")
        self.assertEqual(status, 429, body)
        self.assertEqual(body["code"], "too_many_entries")
        self.assertIn("try again in", body["detail"])
        retry_after = int(dict((k.lower(), v) for k, v in self.daemon.last_headers)["retry-after"])
        self.assertGreater(retry_after, 500)
        self.assertLessEqual(retry_after, 600)
        listed = self.daemon.ctl_json("appointment", "list")
        self.assertEqual(len(listed), 2, listed)  # the refused entry made no appointment
        wait_for(lambda: "QUEUE_ENTRY_LIMITED peer=127.0.0.1 queue=one" in self.daemon.log_text(), "the log line")


if __name__ == "__main__":
    unittest.main()
