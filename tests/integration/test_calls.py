"""Live calls through assistd: two synthetic participants (GStreamer webrtcbin), each on one
bundled connection that it offers and the server answers (protocol v2), exchange audio and
video through the server's forwarding; the signalling refuses what it must."""

import json
import os
import signal
import socket
import sqlite3
import threading
import time
import unittest

from call_helpers import ICE_YAML, CallTestMixin, WebSocket, hello
from harness import DaemonTestCase, wait_for

FINGERPRINT = ("a=fingerprint:sha-256 5B:A4:2D:5A:6D:8C:79:15:77:73:48:DB:A4:E0:69:F0:85:C3:43:1B:21:1B:0F:9C:"
               "4D:2E:B2:CC:3A:0F:8E:41")
OPUS = ["a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1"]
VP8 = ["a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack pli"]


def offer_sdp(lines=(("audio", "111", OPUS), ("video", "96", VP8)), mids=None, bundle=True, extra=()):
    """A browser-like offer (trickle ICE, no candidates): one m-line per (media, formats,
    attribute lines) in `lines`, with these mids (default 0, 1, …), in a BUNDLE group unless
    bundle is false; `extra` lines go at the end of the session part."""
    mids = list(mids) if mids is not None else [str(i) for i in range(len(lines))]
    sdp = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0"]
    if bundle:
        sdp.append("a=group:BUNDLE " + " ".join(mids))
    sdp += list(extra)
    for i, ((media, formats, attributes), mid) in enumerate(zip(lines, mids)):
        sdp += ["m=%s 9 UDP/TLS/RTP/SAVPF %s" % (media, formats), "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
                "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx", "a=ice-options:trickle", FINGERPRINT,
                "a=setup:actpass", "a=mid:" + mid, "a=sendrecv", "a=rtcp-mux"] + list(attributes) + \
               ["a=ssrc:%d cname:test" % (1111 + i)]
    return "\r\n".join(sdp) + "\r\n"


def thread_names_while(process, running):
    """The names of `process`'s threads, sampled every 100 ms while `running()` is true."""
    seen = set()
    while running():
        try:
            for task in os.listdir("/proc/%d/task" % process.pid):
                with open("/proc/%d/task/%s/comm" % (process.pid, task)) as comm:
                    seen.add(comm.read().strip())
        except FileNotFoundError:
            pass  # a thread that ended while it was being read
        time.sleep(0.1)
    return seen


def latest_participants(member):
    """{participant id: entry} of the latest state the member was sent ({} before any)."""
    states = [m for _, m in list(member.messages) if m["type"] == "state"]
    return {p["id"]: p for p in states[-1]["participants"]} if states else {}


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
        threads = []
        sampler = threading.Thread(target=lambda: threads.append(
            thread_names_while(self.daemon.process, lambda: a.poll() is None or b.poll() is None)))
        sampler.start()
        wait_for(lambda: self.state(appointment_id) == "in_call", "the call to start")
        code_a, report_a = self.report(a)
        code_b, report_b = self.report(b)
        sampler.join()
        # Media is forwarded as it arrives: no jitter buffer (two threads per received stream,
        # "rtpjitterbuffer" and "timer") holds it on the way.
        self.assertTrue(any(name.startswith("nicesrc") for name in threads[0]), threads)
        self.assertFalse({"rtpjitterbuffer", "timer"} & threads[0], threads)
        for code, report, other in ((code_a, report_a, report_b), (code_b, report_b, report_a)):
            self.assertEqual(code, 0, report)
            self.assertEqual(report["errors"], [])
            self.assertEqual(report["remote"], [other["participant"]], report)
            self.assertIn("connected", report["media_states"], report)
            (received,) = report["received"].values()
            self.assertGreater(received["video_frames"], 10, report)
            self.assertGreater(received["audio_buffers"], 10, report)
            self.assertIn("in_call", report["states"])
        self.assertEqual(report_a["role"], "customer")
        self.assertEqual(report_b["role"], "specialist")
        wait_for(lambda: self.state(appointment_id) == "waiting", "the call to be left")
        # "waiting" with nobody connected: the API says so, as the console shows it.
        wait_for(lambda: self.daemon.ctl_json("appointment", "show", str(appointment_id))["connected"] == 0,
                 "nobody to be connected")
        with sqlite3.connect(self.daemon.database) as db:
            rows = db.execute("SELECT role, joined_at IS NOT NULL, left_at IS NOT NULL FROM participants "
                              "WHERE appointment_id = ?", (appointment_id,)).fetchall()
        self.assertEqual(sorted(rows), [("customer", 1, 1), ("specialist", 1, 1)])
        actions = [e["action"] for e in self.daemon.ctl_json("audit", "list", "--object-id", str(appointment_id))]
        self.assertIn("participant.joined", actions)
        self.assertIn("appointment.in_call", actions)

    def test_a_killed_participant_is_detected(self):
        appointment_id, customer, specialist = self.appointment()
        staying = self.peer(specialist, "--seconds", "16")
        leaving = self.peer(customer, "--seconds", "30")
        wait_for(lambda: self.state(appointment_id) == "in_call", "the call to start")
        leaving.send_signal(signal.SIGKILL)
        leaving.communicate()
        wait_for(lambda: self.state(appointment_id) == "waiting", "the server to notice the lost participant")
        self.assertEqual(self.daemon.ctl_json("appointment", "show", str(appointment_id))["connected"], 1)
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
        self.assertEqual(self.exchange(ws, hello(customer))["code"],
                         "appointment_closed")
        ws.close()

    def test_refused_tokens(self):
        ws = self.connect()
        self.assertEqual(self.exchange(ws, hello("forged-" + "x" * 30))["code"],
                         "invalid_token")
        self.assertIsNone(ws.receive())  # and the server closed the connection
        ws.close()

        appointment_id, customer, _ = self.appointment()
        with sqlite3.connect(self.daemon.database) as db:
            db.execute("UPDATE appointments SET starts_at = starts_at - 86400 WHERE id = ?", (appointment_id,))
        ws = self.connect()
        self.assertEqual(self.exchange(ws, hello(customer))["code"],
                         "link_expired")
        ws.close()

        _, early, _ = self.appointment(at="2099-01-01T10:00:00Z")
        ws = self.connect()
        self.assertEqual(self.exchange(ws, hello(early))["code"], "too_early")
        ws.close()

        cancelled_id, cancelled, _ = self.appointment()
        self.daemon.ctl("appointment", "cancel", str(cancelled_id))
        ws = self.connect()
        self.assertEqual(self.exchange(ws, hello(cancelled))["code"],
                         "appointment_closed")
        ws.close()
        refused = self.daemon.ctl_json("audit", "list", "--action", "join.refused")
        self.assertTrue(any(e["object_id"] == str(cancelled_id) for e in refused))

    def error_for(self, ws, message):
        """Sends `message` and returns the next error reply, passing over what the server sends
        meanwhile on its own (answers, candidates, media states)."""
        ws.send(json.dumps(message) if not isinstance(message, str) else message)
        seen = []
        while True:
            text = ws.receive()
            self.assertIsNotNone(text, "the connection closed instead of an error reply; before: %s" % seen)
            reply = json.loads(text)
            if reply["type"] == "error":
                return reply
            seen.append(reply["type"])

    def assert_error(self, ws, message, code):
        reply = self.error_for(ws, message)
        self.assertEqual(reply["code"], code, "%s → %s" % (str(message)[:200], reply))
        self.assertIs(reply.get("final"), False, reply)
        return reply

    def test_bad_messages_get_errors_and_the_daemon_survives(self):
        ws = self.connect()
        self.assertEqual(self.exchange(ws, "not json")["code"], "malformed")
        self.assertEqual(self.exchange(ws, {"type": "offer", "sdp": "v=0"})["code"], "hello_required")
        self.assertEqual(self.exchange(ws, {"type": "hello", "version": 99})["code"], "unsupported_version")
        ws.close()
        # Version 1 (one publish connection, one subscription per participant) is gone for good.
        ws = self.connect()
        _, customer, _ = self.appointment()
        refused = self.exchange(ws, {"type": "hello", "version": 1, "token": customer})
        self.assertEqual((refused["type"], refused["code"], refused["final"]), ("error", "unsupported_version", True),
                         refused)
        self.assertIsNone(ws.receive())  # and the server closed the connection
        ws.close()

        ws = self.connect()
        welcome = self.exchange(ws, hello(customer))
        self.assertEqual(welcome["type"], "welcome")
        self.assertEqual(json.loads(ws.receive())["type"], "chat_history")
        self.assertEqual(json.loads(ws.receive())["type"], "state")
        self.assertEqual(self.exchange(ws, {"type": "dance"})["code"], "unknown_type")
        self.assertEqual(self.exchange(ws, {"type": "offer", "sdp": "hello"})["code"], "malformed")
        self.assertEqual(self.exchange(ws, {"type": "ice", "mline": 0, "candidate": "rm -rf /"})["code"], "malformed")
        self.assertEqual(self.exchange(ws, {"type": "ice", "mline": 16, "candidate": ""})["code"], "malformed")
        self.assertEqual(self.exchange(ws, {"type": "screen", "sharing": "yes"})["code"], "malformed")
        # Version 1's members and messages: refused, not half understood.
        self.assertEqual(self.exchange(ws, {"type": "offer", "stream": "publish", "sdp": offer_sdp()})["code"],
                         "malformed")
        self.assertEqual(self.exchange(ws, {"type": "ice", "stream": "publish", "mline": 0,
                                            "candidate": ""})["code"], "malformed")
        self.assertIn(self.exchange(ws, {"type": "answer", "stream": "sub:p1", "sdp": offer_sdp()})["code"],
                      ("unknown_type", "malformed"))

        # Offers the media side refuses, each with its own code; the connection stays usable.
        candidate = "candidate:1 1 UDP 2122252543 127.0.0.1 50000 typ host"
        self.assert_error(ws, {"type": "ice", "mline": 0, "candidate": candidate}, "no_offer")
        self.assert_error(ws, {"type": "offer", "sdp": offer_sdp(bundle=False)}, "offer_not_bundled")
        self.assert_error(ws, {"type": "offer", "sdp": offer_sdp([("video", "96", VP8)] * 17)}, "too_many_mlines")
        unsupported = [("audio", "0", ["a=rtpmap:0 PCMU/8000"]), ("video", "98", ["a=rtpmap:98 VP9/90000"]),
                       ("video", "102", ["a=rtpmap:102 H264/90000", "a=fmtp:102 packetization-mode=0"])]
        self.assert_error(ws, {"type": "offer", "sdp": offer_sdp(unsupported)}, "unsupported_offer")
        self.assert_error(ws, {"type": "offer", "sdp": offer_sdp(extra=["a=x:" + "A" * 5000])}, "malformed_offer")
        self.assert_error(ws, {"type": "offer", "sdp": offer_sdp(mids=["0", "0"])}, "malformed_offer")
        # Still no offer taken: none of those left a connection behind.
        self.assert_error(ws, {"type": "ice", "mline": 0, "candidate": candidate}, "no_offer")
        # A good offer is answered; a candidate for an m-line it does not have is refused.
        ws.send(json.dumps({"type": "offer", "sdp": offer_sdp()}))
        answer = self.next_message(ws, "answer")
        self.assertEqual(answer["sdp"].count("\nm="), 2, answer)
        self.assertNotIn("stream", answer)
        self.assert_error(ws, {"type": "ice", "mline": 2, "candidate": candidate}, "unknown_mline")
        self.assert_error(ws, {"type": "ice", "mline": 9, "candidate": ""}, "unknown_mline")

        # A hostile SDP line as large as a message allows.
        hostile = offer_sdp(extra=["a=x:" + "A" * 20000])
        ws.send(json.dumps({"type": "offer", "sdp": hostile}))
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
            ws.send(json.dumps(hello("x" * 100000)))
        except OSError:  # closed as soon as the frame header announced the size
            pass
        self.assertIsNone(ws.receive())
        ws.close()
        self.assertEqual(self.daemon.https("GET", "/healthz")[0], 200)

        # And a call still works.
        appointment_id, customer, specialist = self.appointment()
        peers = [self.peer(token, "--seconds", "6", "--expect-media") for token in (customer, specialist)]
        for process in peers:
            code, report = self.report(process)
            self.assertEqual(code, 0, report)
            self.assertEqual(report["errors"], [], report)
            self.assertGreater(report["received"]["remote"]["video_frames"], 10, report)

    def test_screen_sharing_shows_in_state(self):
        appointment_id, customer_token, specialist_token = self.appointment()
        customer = self.member(customer_token)
        specialist = self.member(specialist_token)
        customer_id = customer.first("welcome")[1]["participant"]

        def sharing_seen(value):
            """Whether the specialist has been sent a state with the customer's sharing = value."""
            for _, m in list(specialist.messages):
                if m["type"] == "state":
                    entry = [p for p in m["participants"] if p["id"] == customer_id]
                    if entry and entry[0].get("sharing") is value:
                        return m
            return None
        wait_for(lambda: sharing_seen(False), "a state with the customer not sharing", timeout=10)
        states_before = len([m for _, m in list(specialist.messages) if m["type"] == "state"])
        customer.ws.send(json.dumps({"type": "screen", "sharing": True}))
        wait_for(lambda: len([m for _, m in list(specialist.messages) if m["type"] == "state"]) > states_before,
                 "a state after the customer shared a screen", timeout=10)
        state = [m for _, m in list(specialist.messages) if m["type"] == "state"][-1]
        entries = {p["id"]: p for p in state["participants"]}
        self.assertEqual(entries[customer_id]["sharing"], True, state)
        self.assertEqual(entries[customer_id]["role"], "customer", state)
        (others,) = [p for p in state["participants"] if p["id"] != customer_id]
        self.assertEqual((others["role"], others["sharing"]), ("specialist", False), state)
        self.assertEqual(set(entries[customer_id]), {"id", "role", "name", "sharing", "audio", "video", "quality", "reconnecting"}, state)
        # The sharer is told too, and stopping shows as well.
        wait_for(lambda: any(m["type"] == "state" and any(p["id"] == customer_id and p["sharing"] is True
                                                          for p in m["participants"])
                             for _, m in list(customer.messages)), "the customer's own state", timeout=10)
        customer.ws.send(json.dumps({"type": "screen", "sharing": False}))
        wait_for(lambda: [m for _, m in list(specialist.messages) if m["type"] == "state"][-1]["participants"]
                 and all(not p["sharing"] for p in
                         [m for _, m in list(specialist.messages) if m["type"] == "state"][-1]["participants"]),
                 "a state with nobody sharing", timeout=10)
        self.assertNotIn("error", customer.types(), customer.messages)

    def test_microphone_and_camera_show_in_state_with_names(self):
        appointment_id, customer_token, specialist_token = self.appointment()
        customer = self.member(customer_token)
        specialist = self.member(specialist_token)
        customer_id = customer.first("welcome")[1]["participant"]

        def customer_entry():
            """The customer as the specialist's latest state shows them."""
            return latest_participants(specialist).get(customer_id)

        wait_for(customer_entry, "a state with the customer", timeout=10)
        # Until the page says otherwise, both are on; the names are the ones the welcome gave.
        self.assertEqual((customer_entry()["audio"], customer_entry()["video"]), (True, True))
        self.assertEqual(customer_entry()["name"], customer.first("welcome")[1]["name"])
        customer.ws.send(json.dumps({"type": "devices", "audio": False, "video": True}))
        wait_for(lambda: customer_entry()["audio"] is False, "the specialist told the customer is muted", timeout=10)
        self.assertIs(customer_entry()["video"], True)
        customer.ws.send(json.dumps({"type": "devices", "audio": True, "video": False}))
        wait_for(lambda: customer_entry()["video"] is False and customer_entry()["audio"] is True,
                 "the specialist told the camera is off", timeout=10)
        # Malformed: both members are required, and booleans.
        for bad in ({"type": "devices", "audio": False}, {"type": "devices", "audio": 0, "video": 1}):
            errors = len([m for _, m in list(customer.messages) if m["type"] == "error"])
            customer.ws.send(json.dumps(bad))
            wait_for(lambda: len([m for _, m in list(customer.messages) if m["type"] == "error"]) > errors,
                     "an error for %s" % bad, timeout=10)
            self.assertEqual([m for _, m in list(customer.messages) if m["type"] == "error"][-1]["code"], "malformed")
        self.assertIs(customer_entry()["video"], False)

    def test_a_dropped_connection_is_reconnecting_and_a_hang_up_is_gone(self):
        appointment_id, customer_token, specialist_token = self.appointment()
        specialist = self.member(specialist_token)
        customer = self.member(customer_token)
        customer_id = customer.first("welcome")[1]["participant"]

        def last_state():
            return latest_participants(specialist)

        wait_for(lambda: customer_id in last_state(), "the customer in the specialist's state", timeout=10)
        # The TCP connection goes without a close frame, as when a phone loses its network.
        customer.leaving = True
        customer.ws.sock.shutdown(socket.SHUT_RDWR)
        wait_for(lambda: last_state().get(customer_id, {}).get("reconnecting") is True,
                 "the customer shown reconnecting", timeout=10)
        self.assertGreaterEqual(last_state()[customer_id]["away_seconds"], 0)
        self.assertEqual(last_state()[customer_id]["name"], customer.first("welcome")[1]["name"])
        # Back with the same link: in the call again, and its old self is no longer listed.
        back = self.member(customer_token)
        back_id = back.first("welcome")[1]["participant"]
        wait_for(lambda: back_id in last_state() and customer_id not in last_state(),
                 "the customer back, once", timeout=10)
        self.assertIs(last_state()[back_id]["reconnecting"], False)
        # Hanging up: gone at once, not reconnecting; the socket is closed by the server.
        back.ws.send(json.dumps({"type": "leave"}))
        wait_for(lambda: back_id not in last_state(), "the customer gone after hanging up", timeout=10)
        wait_for(lambda: back.closed_at is not None, "the server closing the customer's socket", timeout=10)
        self.assertIn('reason="hung up"', self.daemon.log_text())

    def test_screen_media_is_forwarded(self):
        appointment_id, customer, specialist = self.appointment()
        sharer = self.peer(customer, "--seconds", "8", "--screen", "--expect-media")
        viewer = self.peer(specialist, "--seconds", "8", "--screen", "--expect-media")
        _, sharer_report = self.report(sharer)
        code, report = self.report(viewer)
        self.assertEqual(code, 0, report)
        self.assertEqual(report["errors"], [], report)
        self.assertGreater(report["received"]["remote"]["screen_frames"], 5, report)
        self.assertGreater(sharer_report["received"]["remote"]["screen_frames"], 5, sharer_report)
        customer_id = sharer_report["participant"]
        self.assertIn(customer_id, report["sharing_seen"], report)
        log = self.daemon.log_text()
        self.assertRegex(log, r"MEDIA_FORWARD room=%d from=\S+ to=\S+ role=screen codec=VP8" % appointment_id)

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
        reply = self.exchange(anonymous, hello(watch=True))
        self.assertEqual(reply["code"], "authentication_required")
        anonymous.close()

        headers = self.signed_in_cookie("watcher")
        self.signed_in_cookie("other")
        watcher = WebSocket(self.ws_url, self.daemon.cert, headers)
        reply = self.exchange(watcher, hello(watch=True))
        self.assertEqual((reply["type"], reply["watching"]), ("welcome", True))
        self.daemon.ctl_json("appointment", "create", "--customer-name", "Not yours", "--specialist", "other")
        mine = self.daemon.ctl_json("appointment", "create", "--customer-name", "Yours", "--specialist", "watcher")
        # The other specialist's appointment is never announced: the first news is about ours.
        self.assertEqual(self.next_message(watcher, "appointment")["id"], mine["id"])
        customer = self.connect()
        token = mine["join_url"].rsplit("/", 1)[1]
        self.assertEqual(self.exchange(customer, hello(token))["type"], "welcome")
        news = self.next_message(watcher, "appointment")
        self.assertEqual((news["id"], news["state"], news["participants"]), (mine["id"], "waiting", 1))
        customer.close()
        news = self.next_message(watcher, "appointment")
        self.assertEqual((news["id"], news["participants"]), (mine["id"], 0))
        self.assertEqual(self.exchange(watcher, {"type": "offer", "sdp": "v=0"})["code"],
                         "not_in_call")
        watcher.close()

    def test_second_device_takes_over(self):
        _, customer, _ = self.appointment()
        first = self.connect()
        self.assertEqual(self.exchange(first, hello(customer))["type"], "welcome")
        second = self.connect()
        self.assertEqual(self.exchange(second, hello(customer))["type"], "welcome")
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
