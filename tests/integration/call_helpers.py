"""What the call tests share: participants on raw WebSockets (Member), assist-peer processes,
appointments with their links, states, the database, audit events and refused hellos."""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time

from harness import SOURCE_DIR, wait_for

TOOLS = os.path.join(SOURCE_DIR, "tests", "tools")
sys.path.insert(0, TOOLS)
from wsclient import WebSocket  # noqa: E402

PEER = os.path.join(TOOLS, "assist-peer")
ICE_YAML = "media:\n  ice:\n    addresses: [\"127.0.0.1\"]\n"
PROTOCOL = 2  # the signalling protocol version these tests speak


def hello(token=None, **extra):
    """A hello message in this protocol version: with a join token, or e.g. watch=True."""
    message = {"type": "hello", "version": PROTOCOL}
    if token is not None:
        message["token"] = token
    message.update(extra)
    return message


class Member:
    """A participant on a raw WebSocket: sends hello with a join token, then a thread of its own
    records every message with the time it arrived, and when the server closed the connection.
    Reading all the time also answers the server's pings."""

    def __init__(self, url, ca_file, token):
        self.ws = WebSocket(url, ca_file)
        self.messages = []  # (time.monotonic() on arrival, message)
        self.closed_at = None  # time.monotonic() when the server closed the connection
        self.leaving = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.ws.send(json.dumps(hello(token)))

    def _read(self):
        while True:
            text = self.ws.receive()
            now = time.monotonic()
            if text is None:
                if not self.leaving:
                    self.closed_at = now
                return
            self.messages.append((now, json.loads(text)))

    def types(self):
        return [m["type"] for _, m in list(self.messages)]

    def first(self, type_):
        """(arrival time, message) of the first message of this type, or None."""
        for at, m in list(self.messages):
            if m["type"] == type_:
                return at, m
        return None

    def welcomed(self):
        return self.first("welcome") is not None

    def leave(self):
        """Closes from our side (a close frame, as a browser tab would), waiting for the server."""
        self.leaving = True
        try:
            with self.ws.lock:
                self.ws.sock.sendall(bytes([0x88, 0x80]) + b"\0\0\0\0")
        except OSError:
            pass
        self.thread.join(5)
        try:
            self.ws.sock.shutdown(socket.SHUT_RDWR)  # wakes the reader if the server did not answer
        except OSError:
            pass
        self.thread.join(5)
        self.ws.sock.close()


class CallTestMixin:
    """What the tests share: appointments and links, peers, members, states, the database."""

    @property
    def ws_url(self):
        return "wss://127.0.0.1:%d/ws/v1" % self.daemon.port

    def appointment(self, admitted=True, **extra):
        """(id, customer token, specialist token) of a new appointment; admitted unless said
        otherwise, so that its customer does not stop in the waiting room (test_waiting_room)."""
        args = ["appointment", "create", "--customer-name", "Caller"]
        for k, v in extra.items():
            args += ["--" + k, v]
        created = self.daemon.ctl_json(*args)
        if admitted and "at" not in extra:
            self.daemon.ctl_json("appointment", "admit", str(created["id"]))
        return created["id"], created["join_url"].rsplit("/", 1)[1], self.link(created["id"], "specialist")

    def link(self, appointment_id, role):
        """A fresh join token (each link is a new token; both keep working)."""
        link = self.daemon.ctl_json("appointment", "link", str(appointment_id), "--role", role)
        return link["join_url"].rsplit("/", 1)[1]

    def peer(self, token, *args):
        # "--token=" because a token may start with "-".
        process = subprocess.Popen([PEER, "--url", self.ws_url, "--token=" + token, "--ca-file", self.daemon.cert]
                                   + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(self.kill_peer, process)
        return process

    @staticmethod
    def kill_peer(process):
        if process.poll() is None:
            process.kill()
            process.communicate()

    def report(self, process, timeout=60):
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            raise AssertionError("assist-peer was still running after %ss (the server did not close its "
                                 "connection):\n%s" % (timeout, err[-3000:]))
        try:
            return process.returncode, json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise AssertionError("assist-peer printed no report (exit %d):\n%s" % (process.returncode, err[-3000:]))

    def member(self, token):
        m = Member(self.ws_url, self.daemon.cert, token)
        self.addCleanup(m.leave)
        wait_for(lambda: m.welcomed() or m.closed_at is not None, "a welcome", timeout=10)
        self.assertTrue(m.welcomed(), m.messages)
        return m

    def state(self, appointment_id):
        return self.daemon.ctl_json("appointment", "show", str(appointment_id))["state"]

    def wait_state(self, appointment_id, state, what, timeout=30.0):
        seen = []

        def reached():
            seen.append(self.state(appointment_id))
            return seen[-1] == state
        try:
            wait_for(reached, what, timeout=timeout)
        except AssertionError:
            raise AssertionError("timed out waiting for %s: appointment %d is %s, not %s"
                                 % (what, appointment_id, seen[-1] if seen else "?", state)) from None

    def wait_media(self, appointment_id, participants=2):
        """Until the connections of `participants` different participants in this appointment's
        room have connected (ICE and DTLS up, so forwarded media flows); MEDIA_CONNECTION is logged
        at debug level, which the harness sets."""
        pattern = re.compile(r"MEDIA_CONNECTION room=%d participant=(\S+) state=connected\b" % appointment_id)
        wait_for(lambda: len(set(pattern.findall(self.daemon.log_text()))) >= participants,
                 "media to flow in appointment %d" % appointment_id, timeout=30)

    def sql(self, query, *params):
        with sqlite3.connect(self.daemon.database, timeout=10) as db:
            return db.execute(query, params).fetchall()

    def move_into_past(self, appointment_id):
        """As if the appointment had been yesterday: its window (starts_at + duration) has ended."""
        with sqlite3.connect(self.daemon.database, timeout=10) as db:
            db.execute("UPDATE appointments SET starts_at = ? WHERE id = ?",
                       (int(time.time()) - 86400, appointment_id))

    def open_participants(self, appointment_id):
        return self.sql("SELECT id FROM participants WHERE appointment_id = ? AND left_at IS NULL", appointment_id)

    def wait_all_left(self, appointment_id):
        wait_for(lambda: not self.open_participants(appointment_id),
                 "appointment %d's participants to be recorded as left" % appointment_id, timeout=10)

    def events(self, appointment_id, action):
        """Audit events, with their details parsed (assistctl prints them as a JSON string)."""
        events = self.daemon.ctl_json("audit", "list", "--object-id", str(appointment_id), "--action", action)
        for e in events:
            if isinstance(e["details"], str):
                e["details"] = json.loads(e["details"])
        return events

    def refusal(self, token):
        """The answer to a hello with this token, and whether the server then closed the socket."""
        ws = WebSocket(self.ws_url, self.daemon.cert)
        try:
            ws.sock.settimeout(5)
            ws.send(json.dumps(hello(token)))
            text = ws.receive()
            answer = json.loads(text) if text else None
            started = time.monotonic()
            rest = ws.receive()
            closed = rest is None and time.monotonic() - started < 4.5  # None after 5 s is a timeout
            return answer, closed
        finally:
            ws.close()

    def assert_links_closed(self, *tokens):
        for token in tokens:
            answer, closed = self.refusal(token)
            self.assertIsNotNone(answer, "no answer to hello")
            self.assertEqual((answer["type"], answer.get("code")), ("error", "appointment_closed"), answer)
            self.assertTrue(closed, "the server kept the refused connection open")

    def assert_pages_gone(self, *tokens):
        for token in tokens:
            conn = self.daemon.connection()
            try:
                conn.request("GET", "/j/" + token)
                response = conn.getresponse()
                body = response.read().decode()
            finally:
                conn.close()
            self.assertEqual(response.status, 410)
            match = re.search(r'<script type="application/json" id="link">(.*?)</script>', body, re.S)
            self.assertIsNotNone(match, "the join page carries no link status")
            self.assertEqual(json.loads(match.group(1))["status"], "appointment_closed")

    def assert_audit_intact(self):
        verify = self.daemon.ctl("audit", "verify", "-o", "json")
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        self.assertTrue(json.loads(verify.stdout)["ok"], verify.stdout)
