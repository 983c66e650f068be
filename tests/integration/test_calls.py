"""Live calls through assistd: two synthetic participants (GStreamer webrtcbin) exchange audio
and video through the server's forwarding pipelines; the signalling refuses what it must."""

import json
import signal
import sqlite3
import time
import unittest

from call_helpers import ICE_YAML, CallTestMixin, WebSocket
from harness import DaemonTestCase, wait_for


class Calls(CallTestMixin, DaemonTestCase):
    extra_yaml = ICE_YAML

    def connect(self):
        return WebSocket(self.ws_url, self.daemon.cert)

    def exchange(self, ws, message):
        ws.send(json.dumps(message) if not isinstance(message, str) else message)
        answer = ws.receive()
        return json.loads(answer) if answer else None

    def test_two_participants_exchange_media(self):
        appointment_id, customer, specialist = self.appointment()
        a = self.peer(customer, "--seconds", "8", "--expect-media")
        b = self.peer(specialist, "--seconds", "8", "--expect-media")
        wait_for(lambda: self.state(appointment_id) == "in_call", "the call to start")
        code_a, report_a = self.report(a)
        code_b, report_b = self.report(b)
        for code, report in ((code_a, report_a), (code_b, report_b)):
            self.assertEqual(code, 0, report)
            self.assertEqual(report["errors"], [])
            (received,) = report["received"].values()
            self.assertGreater(received["video_frames"], 10, report)
            self.assertGreater(received["audio_buffers"], 10, report)
            self.assertIn("in_call", report["states"])
        self.assertEqual(report_a["role"], "customer")
        self.assertEqual(report_b["role"], "specialist")
        wait_for(lambda: self.state(appointment_id) == "waiting", "the call to be left")
        with sqlite3.connect(self.daemon.database) as db:
            rows = db.execute("SELECT role, joined_at IS NOT NULL, left_at IS NOT NULL FROM participants "
                              "WHERE appointment_id = ?", (appointment_id,)).fetchall()
        self.assertEqual(sorted(rows), [("customer", 1, 1), ("specialist", 1, 1)])
        actions = [e["action"] for e in self.daemon.ctl_json("audit", "list", "--object-id", str(appointment_id))]
        self.assertIn("participant.joined", actions)
        self.assertIn("appointment.in_call", actions)

    def test_a_killed_participant_is_detected(self):
        appointment_id, customer, specialist = self.appointment()
        staying = self.peer(specialist, "--seconds", "12")
        leaving = self.peer(customer, "--seconds", "30")
        wait_for(lambda: self.state(appointment_id) == "in_call", "the call to start")
        leaving.send_signal(signal.SIGKILL)
        leaving.communicate()
        wait_for(lambda: self.state(appointment_id) == "waiting", "the server to notice the lost participant")
        code, report = self.report(staying)
        self.assertEqual(report["states"][-1], "waiting", report)
        events = self.daemon.ctl_json("audit", "list", "--object-id", str(appointment_id), "--action",
                                      "participant.left")
        self.assertTrue(events)

    def test_end_for_all(self):
        appointment_id, customer, specialist = self.appointment()
        customer_peer = self.peer(customer, "--seconds", "20")
        specialist_peer = self.peer(specialist, "--seconds", "20", "--end-after", "3")
        _, customer_report = self.report(customer_peer)
        _, specialist_report = self.report(specialist_peer)
        self.assertTrue(customer_report["ended"], customer_report)
        self.assertTrue(specialist_report["ended"], specialist_report)
        self.assertEqual(self.state(appointment_id), "ended")
        # The link no longer works.
        ws = self.connect()
        self.assertEqual(self.exchange(ws, {"type": "hello", "version": 1, "token": customer})["code"],
                         "appointment_closed")
        ws.close()

    def test_refused_tokens(self):
        ws = self.connect()
        self.assertEqual(self.exchange(ws, {"type": "hello", "version": 1, "token": "forged-" + "x" * 30})["code"],
                         "invalid_token")
        self.assertIsNone(ws.receive())  # and the server closed the connection
        ws.close()

        appointment_id, customer, _ = self.appointment()
        with sqlite3.connect(self.daemon.database) as db:
            db.execute("UPDATE appointments SET starts_at = starts_at - 86400 WHERE id = ?", (appointment_id,))
        ws = self.connect()
        self.assertEqual(self.exchange(ws, {"type": "hello", "version": 1, "token": customer})["code"],
                         "link_expired")
        ws.close()

        _, early, _ = self.appointment(at="2099-01-01T10:00:00Z")
        ws = self.connect()
        self.assertEqual(self.exchange(ws, {"type": "hello", "version": 1, "token": early})["code"], "too_early")
        ws.close()

        cancelled_id, cancelled, _ = self.appointment()
        self.daemon.ctl("appointment", "cancel", str(cancelled_id))
        ws = self.connect()
        self.assertEqual(self.exchange(ws, {"type": "hello", "version": 1, "token": cancelled})["code"],
                         "appointment_closed")
        ws.close()
        refused = self.daemon.ctl_json("audit", "list", "--action", "join.refused")
        self.assertTrue(any(e["object_id"] == str(cancelled_id) for e in refused))

    def test_bad_messages_get_errors_and_the_daemon_survives(self):
        ws = self.connect()
        self.assertEqual(self.exchange(ws, "not json")["code"], "malformed")
        self.assertEqual(self.exchange(ws, {"type": "offer", "stream": "publish", "sdp": "v=0"})["code"],
                         "hello_required")
        self.assertEqual(self.exchange(ws, {"type": "hello", "version": 99})["code"], "unsupported_version")
        ws.close()

        _, customer, _ = self.appointment()
        ws = self.connect()
        welcome = self.exchange(ws, {"type": "hello", "version": 1, "token": customer})
        self.assertEqual(welcome["type"], "welcome")
        self.assertEqual(json.loads(ws.receive())["type"], "chat_history")
        self.assertEqual(json.loads(ws.receive())["type"], "state")
        self.assertEqual(self.exchange(ws, {"type": "dance"})["code"], "unknown_type")
        self.assertEqual(self.exchange(ws, {"type": "offer", "stream": "publish", "sdp": "hello"})["code"],
                         "malformed")
        self.assertEqual(self.exchange(ws, {"type": "ice", "stream": "publish", "mline": 0,
                                            "candidate": "rm -rf /"})["code"], "malformed")
        hostile = "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n" + \
                  "a=rtpmap:96 VP8/90000\r\n" + "a=x:" + "A" * 20000 + "\r\n"
        ws.send(json.dumps({"type": "offer", "stream": "publish", "sdp": hostile}))
        # A flood: answered by rate_limited, not by a stalled daemon.
        for _ in range(400):
            try:
                ws.send(json.dumps({"type": "ping"}))
            except OSError:  # the server may already have closed a flooding connection
                break
        codes = set()
        deadline = time.monotonic() + 20
        while "rate_limited" not in codes and time.monotonic() < deadline:
            text = ws.receive()
            if text is None:
                break
            message = json.loads(text)
            if message["type"] == "error":
                codes.add(message["code"])
        self.assertIn("rate_limited", codes)
        ws.close()

        # An oversized message closes that connection only.
        ws = self.connect()
        try:
            ws.send(json.dumps({"type": "hello", "version": 1, "token": "x" * 100000}))
        except OSError:  # closed as soon as the frame header announced the size
            pass
        self.assertIsNone(ws.receive())
        ws.close()
        self.assertEqual(self.daemon.https("GET", "/healthz")[0], 200)

    def signed_in_cookie(self, username):
        result = self.daemon.ctl("user", "add", username, "--password", stdin="a long enough password\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        status, _ = self.daemon.https("POST", "/api/v1/session",
                                      {"username": username, "password": "a long enough password"})
        self.assertEqual(status, 201)
        cookie = dict(self.daemon.last_headers)["Set-Cookie"].split(";")[0]
        return {"Cookie": cookie}

    def next_message(self, ws, type_):
        while True:
            text = ws.receive()
            self.assertIsNotNone(text, "the connection closed before a %r message" % type_)
            message = json.loads(text)
            if message["type"] == type_:
                return message

    def test_consoles_watch_their_own_appointments(self):
        anonymous = self.connect()
        reply = self.exchange(anonymous, {"type": "hello", "version": 1, "watch": True})
        self.assertEqual(reply["code"], "authentication_required")
        anonymous.close()

        headers = self.signed_in_cookie("watcher")
        self.signed_in_cookie("other")
        watcher = WebSocket(self.ws_url, self.daemon.cert, headers)
        reply = self.exchange(watcher, {"type": "hello", "version": 1, "watch": True})
        self.assertEqual((reply["type"], reply["watching"]), ("welcome", True))
        self.daemon.ctl_json("appointment", "create", "--customer-name", "Not yours", "--specialist", "other")
        mine = self.daemon.ctl_json("appointment", "create", "--customer-name", "Yours", "--specialist", "watcher")
        # The other specialist's appointment is never announced: the first news is about ours.
        self.assertEqual(self.next_message(watcher, "appointment")["id"], mine["id"])
        customer = self.connect()
        token = mine["join_url"].rsplit("/", 1)[1]
        self.assertEqual(self.exchange(customer, {"type": "hello", "version": 1, "token": token})["type"], "welcome")
        news = self.next_message(watcher, "appointment")
        self.assertEqual((news["id"], news["state"], news["participants"]), (mine["id"], "waiting", 1))
        customer.close()
        news = self.next_message(watcher, "appointment")
        self.assertEqual((news["id"], news["participants"]), (mine["id"], 0))
        self.assertEqual(self.exchange(watcher, {"type": "offer", "stream": "publish", "sdp": "v=0"})["code"],
                         "not_in_call")
        watcher.close()

    def test_second_device_takes_over(self):
        _, customer, _ = self.appointment()
        first = self.connect()
        self.assertEqual(self.exchange(first, {"type": "hello", "version": 1, "token": customer})["type"], "welcome")
        second = self.connect()
        self.assertEqual(self.exchange(second, {"type": "hello", "version": 1, "token": customer})["type"], "welcome")
        told = []
        while True:
            text = first.receive()
            if text is None:
                break
            told.append(json.loads(text))
        self.assertIn("replaced", [m.get("code") for m in told])
        first.close()
        second.close()


if __name__ == "__main__":
    unittest.main()
