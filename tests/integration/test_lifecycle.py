"""An appointment's life around its calls: cancelling ends the live call for everyone in it,
a daemon killed during a call recovers the call's records on restart, and the sweeper closes
appointments whose window has passed (no_show, expired, ended) while leaving a call that
overruns alone."""

import json
import re
import signal
import sqlite3
import time
import unittest
from datetime import datetime, timedelta, timezone

from call_helpers import ICE_YAML, CallTestMixin, WebSocket, hello
from harness import Daemon, DaemonTestCase, wait_for

SWEEP_YAML = "appointments:\n  sweep_interval: 1s\n"
SWEEP_TIMEOUT = 10.0  # many sweeps at one a second; no test depends on timing finer than this


class Lifecycle(CallTestMixin, DaemonTestCase):
    extra_yaml = ICE_YAML + SWEEP_YAML

    # --- cancelling a live call --------------------------------------------------------------------
    def test_cancel_ends_live_call_for_both(self):
        appointment_id, customer, specialist = self.appointment()
        customer_peer = self.peer(customer, "--seconds", "60", "--expect-media")
        specialist_peer = self.peer(specialist, "--seconds", "60", "--expect-media")
        self.wait_state(appointment_id, "in_call", "the call to start")
        self.wait_media(appointment_id)
        time.sleep(2)  # let frames and audio through
        # Two more participants on fresh links of each role, on raw WebSockets, also show that the
        # server closes the connection after "ended" and sends nothing more.
        extra_tokens = {role: self.link(appointment_id, role) for role in ("customer", "specialist")}
        members = {role: self.member(token) for role, token in extra_tokens.items()}
        self.assertEqual(self.state(appointment_id), "in_call")

        result = self.daemon.ctl("appointment", "cancel", str(appointment_id), "--reason", "customer called")
        returned = time.monotonic()
        self.assertEqual(result.returncode, 0, "a live appointment could not be cancelled: " + result.stderr)

        for role, m in members.items():
            wait_for(lambda: m.first("ended") is not None or m.closed_at is not None,
                     "the %s to be told the call ended" % role, timeout=5)
            ended = m.first("ended")
            self.assertIsNotNone(ended, "the %s's connection closed with no 'ended': %s" % (role, m.types()))
            at, message = ended
            self.assertLessEqual(at - returned, 1.0, "the %s was told %.2fs after the cancel" % (role, at - returned))
            self.assertEqual(message["reason"], "cancelled", message)
            self.assertIsInstance(message.get("message"), str, message)
            self.assertTrue(message["message"], message)
            wait_for(lambda: m.closed_at is not None, "the server to close the %s's connection" % role, timeout=5)
            self.assertEqual(m.types()[-1], "ended", "messages after 'ended': %s" % m.types())

        # The real peers had media and were disconnected by the server, long before their 60 s.
        for role, process in (("customer", customer_peer), ("specialist", specialist_peer)):
            code, report = self.report(process, timeout=15)
            self.assertEqual(code, 0, report)
            self.assertTrue(report["ended"], report)
            self.assertEqual(report["ended_reason"], "cancelled", report)
            self.assertLessEqual(report["ended_at"] - returned, 1.0,
                                 "assist-peer (%s) was told %.2fs after the cancel" % (role, report["ended_at"] - returned))
            self.assertEqual(report["role"], role)
            (received,) = report["received"].values()
            self.assertGreater(received["video_frames"], 10, report)
            self.assertGreater(received["audio_buffers"], 10, report)

        self.assertEqual(self.state(appointment_id), "cancelled")
        self.assert_links_closed(customer, specialist, *extra_tokens.values())
        self.wait_all_left(appointment_id)
        (event,) = self.events(appointment_id, "appointment.cancelled")
        self.assertEqual((event["details"]["from"], event["details"]["to"]), ("in_call", "cancelled"), event)
        self.assert_audit_intact()

    # --- the sweeper ---------------------------------------------------------------------------------
    def assert_swept(self, appointment_id, came_from, to):
        self.wait_state(appointment_id, to, "the sweeper to make appointment %d %s" % (appointment_id, to),
                        timeout=SWEEP_TIMEOUT)
        (event,) = self.events(appointment_id, "appointment." + to)
        self.assertEqual(event["actor"], "system", event)
        self.assertEqual((event["details"]["from"], event["details"]["to"]), (came_from, to), event)

    def test_sweeper_no_show(self):
        soon = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        scheduled_id, scheduled_customer, scheduled_specialist = self.appointment(at=soon)
        on_demand_id, on_demand_customer, _ = self.appointment()
        current_id, _, _ = self.appointment()  # still in its window: not the sweeper's business
        self.move_into_past(scheduled_id)
        self.move_into_past(on_demand_id)
        self.assert_swept(scheduled_id, "scheduled", "no_show")
        self.assert_swept(on_demand_id, "scheduled", "no_show")
        self.assert_links_closed(scheduled_customer, scheduled_specialist, on_demand_customer)
        self.assert_pages_gone(scheduled_customer, on_demand_customer)
        self.assertEqual(self.state(current_id), "scheduled")
        self.assert_audit_intact()

    def test_sweeper_ended_after_call(self):
        appointment_id, customer, specialist = self.appointment()
        a, b = self.member(customer), self.member(specialist)
        self.wait_state(appointment_id, "in_call", "the call to start")
        a.leave()
        b.leave()
        self.wait_state(appointment_id, "waiting", "the call to be left")
        self.wait_all_left(appointment_id)
        self.move_into_past(appointment_id)
        self.assert_swept(appointment_id, "waiting", "ended")
        self.assert_links_closed(customer, specialist)
        self.assert_pages_gone(customer, specialist)
        self.assert_audit_intact()

    def test_sweeper_expired_when_other_side_never_came(self):
        cases = []
        for role in ("customer", "specialist"):  # each side alone, the other never came
            appointment_id, customer, specialist = self.appointment()
            alone = self.member(customer if role == "customer" else specialist)
            self.wait_state(appointment_id, "waiting", "the %s to wait" % role)
            alone.leave()
            self.wait_all_left(appointment_id)
            self.move_into_past(appointment_id)
            cases.append((appointment_id, customer, specialist))
        for appointment_id, customer, specialist in cases:
            self.assert_swept(appointment_id, "waiting", "expired")
            self.assert_links_closed(customer, specialist)
            self.assert_pages_gone(customer, specialist)
        self.assert_audit_intact()

    def test_sweeper_leaves_live_overrun_alone(self):
        appointment_id, customer, specialist = self.appointment()
        a, b = self.member(customer), self.member(specialist)
        self.wait_state(appointment_id, "in_call", "the call to start")
        self.move_into_past(appointment_id)
        # A witness that the sweeper has run since: an appointment it must close.
        witness_id, _, _ = self.appointment()
        self.move_into_past(witness_id)
        self.assert_swept(witness_id, "scheduled", "no_show")
        time.sleep(2.5)  # and a couple of sweeps more
        self.assertEqual(self.state(appointment_id), "in_call")
        for m in (a, b):
            self.assertIsNone(m.closed_at, "a participant of the overrunning call was disconnected")
            self.assertNotIn("ended", m.types())
            self.assertNotIn("error", m.types(), m.messages)
        self.assertEqual(len(self.open_participants(appointment_id)), 2)
        # Once everybody has gone, the overrun call is over.
        a.leave()
        b.leave()
        self.wait_all_left(appointment_id)
        self.wait_state(appointment_id, "ended", "the sweeper to end the call once everybody left",
                        timeout=SWEEP_TIMEOUT)
        (event,) = self.events(appointment_id, "appointment.ended")
        self.assertEqual(event["actor"], "system", event)
        self.assert_links_closed(customer, specialist)
        self.assert_audit_intact()


class DatabaseFaults(CallTestMixin, DaemonTestCase):
    """Another process holds the database's write lock while a hello or a leave needs it: the
    hello gets a clear error and leaves no participant behind; the leave happens anyway and is
    written once the lock is released. Nothing is lost and the audit chain still verifies."""

    extra_yaml = ICE_YAML + SWEEP_YAML

    def lock_database(self):
        db = sqlite3.connect(self.daemon.database, timeout=10, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")  # the write lock, as a long writer would hold it
        return db

    def test_hello_while_the_database_is_locked(self):
        appointment_id, customer, _ = self.appointment()
        db = self.lock_database()
        try:
            ws = WebSocket(self.ws_url, self.daemon.cert)
            ws.sock.settimeout(10)
            ws.send(json.dumps(hello(customer)))
            answer = json.loads(ws.receive())
            self.assertEqual(answer["type"], "error", answer)
            self.assertEqual(answer["code"], "internal")
            self.assertIs(answer["final"], False)  # the page joins again by itself
            self.assertIsNone(ws.receive())  # and the server closed the connection
            ws.close()
        finally:
            db.rollback()
            db.close()
        self.assertEqual(self.sql("SELECT count(*) FROM participants WHERE appointment_id = ?", appointment_id),
                         [(0,)])
        self.assertIn("SIGNAL_HANDLER_FAILED", self.daemon.log_text())
        self.member(customer)  # the same link works once the database does
        self.wait_state(appointment_id, "waiting", "the customer to be waiting")
        self.assertEqual(self.daemon.ctl("audit", "verify").returncode, 0)

    def test_leave_while_the_database_is_locked(self):
        appointment_id, customer, specialist = self.appointment()
        staff = self.member(specialist)
        guest = self.member(customer)
        self.wait_state(appointment_id, "in_call", "both to be in the call")
        db = self.lock_database()
        try:
            guest.leave()
            # The hub drops the customer at once; the specialist hears of it although the
            # database could not record it yet.
            wait_for(lambda: any(m["type"] == "state" and len(m["participants"]) == 1
                                 for _, m in list(staff.messages)), "a state without the customer", timeout=10)
            wait_for(lambda: "SIGNAL_LEAVE_UNRECORDED" in self.daemon.log_text(), "the unrecorded leave", timeout=10)
        finally:
            db.rollback()
            db.close()
        wait_for(lambda: "SIGNAL_LEAVE_RECORDED" in self.daemon.log_text(), "the leave written on a sweep",
                 timeout=SWEEP_TIMEOUT)
        rows = self.sql("SELECT role, left_reason FROM participants WHERE appointment_id = ? AND left_at IS NOT NULL",
                        appointment_id)
        self.assertEqual(rows, [("customer", "disconnected")])
        self.wait_state(appointment_id, "waiting", "the appointment to follow the leave")
        self.assertEqual(self.daemon.ctl("audit", "verify").returncode, 0)


class CrashRecovery(CallTestMixin, DaemonTestCase):
    """kill -9 during a call, then a restart on the same data directory: a daemon per test,
    not per class, since the test kills it."""

    @classmethod
    def setUpClass(cls):
        pass

    def setUp(self):
        self.daemon = Daemon(ICE_YAML)
        self.addCleanup(self.daemon.close)
        self.daemon.start()

    def test_kill_9_during_call_recovers(self):
        d = self.daemon
        call_id, customer, specialist = self.appointment()
        customer_peer = self.peer(customer, "--seconds", "60")
        specialist_peer = self.peer(specialist, "--seconds", "60")
        self.wait_state(call_id, "in_call", "the call to start")
        self.wait_media(call_id)
        # A second appointment where the customer waits alone.
        waiting_id, waiting_customer, _ = self.appointment()
        self.member(waiting_customer)
        self.wait_state(waiting_id, "waiting", "the customer to wait")
        self.assertEqual(len(self.open_participants(call_id)), 2)
        self.assertEqual(len(self.open_participants(waiting_id)), 1)

        d.process.send_signal(signal.SIGKILL)
        d.process.wait(timeout=30)
        for process in (customer_peer, specialist_peer):  # they notice the lost connection and stop
            self.report(process, timeout=15)
        log_before = len(d.log_text())
        d.start()

        def recovery_log():
            return re.search(r"CALLS_RECOVERED appointments=(\d+) participants=(\d+)", d.log_text()[log_before:])
        wait_for(lambda: recovery_log() is not None, "CALLS_RECOVERED in the log", timeout=10)
        recovered_appointments, recovered_participants = map(int, recovery_log().groups())
        self.assertEqual(recovered_participants, 3)
        # Whether the count means appointments moved out of in_call (1) or appointments that had
        # someone connected (2), both fit.
        self.assertIn(recovered_appointments, (1, 2))

        self.assertEqual(self.state(call_id), "waiting")
        self.assertEqual(self.state(waiting_id), "waiting")
        columns = [row[1] for row in self.sql("PRAGMA table_info(participants)")]
        self.assertIn("left_reason", columns)
        rows = self.sql("SELECT appointment_id, joined_at, left_at, left_reason FROM participants "
                        "WHERE appointment_id IN (?, ?)", call_id, waiting_id)
        self.assertEqual(sorted(r[0] for r in rows), sorted([call_id, call_id, waiting_id]))
        now = time.time()
        for appointment_id, joined_at, left_at, left_reason in rows:
            self.assertIsNotNone(left_at, rows)
            self.assertTrue(joined_at <= left_at <= now + 5, rows)
            self.assertEqual(left_reason, "daemon restart", rows)

        for appointment_id, count in ((call_id, 2), (waiting_id, 1)):
            left = [e for e in self.events(appointment_id, "participant.left")
                    if e["details"].get("reason") == "daemon restart"]
            self.assertEqual(len(left), count, left)
            for event in left:
                self.assertEqual(event["actor"], "system", event)
        moved = [e for e in self.events(call_id, "appointment.waiting") if e["details"].get("from") == "in_call"]
        self.assertTrue(moved, "no appointment.waiting event from in_call")
        self.assertEqual(moved[-1]["details"].get("reason"), "daemon restart", moved[-1])
        self.assert_audit_intact()

        # Recovery happens once: a clean restart finds nothing more to recover.
        def left_events():
            return [e for i in (call_id, waiting_id) for e in self.events(i, "participant.left")]
        before = left_events()
        d.stop()
        self.assertEqual(d.process.returncode, 0, d.log_text()[-3000:])
        d.start()
        self.assertEqual(left_events(), before)
        self.assert_audit_intact()

        # The people's pages rejoin by themselves: their links still work.
        back = self.member(customer)
        self.assertEqual(back.first("welcome")[1]["role"], "customer")
        self.assertEqual(self.state(call_id), "waiting")


if __name__ == "__main__":
    unittest.main()
