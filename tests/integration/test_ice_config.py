"""ICE configuration as browsers see it: the TURN servers and ephemeral credentials in the
signalling welcome, the public address (1:1 NAT) in the server's candidates, and ICE-TCP
candidates only when configured. The server's candidates are read from its answer to an
offer sent over raw signalling; a call between two assist-peers checks that media still flows
when the announced address is not the host's."""

import base64
import hashlib
import hmac
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

from call_helpers import hello
from harness import SOURCE_DIR, DaemonTestCase, wait_for

TOOLS = os.path.join(SOURCE_DIR, "tests", "tools")
sys.path.insert(0, TOOLS)
from wsclient import WebSocket  # noqa: E402

PEER = os.path.join(TOOLS, "assist-peer")
PUBLIC = "203.0.113.7"  # TEST-NET-3: never this host's address
SECRET = "north-wind-42"
TTL = 7200

# A browser-like offer: one bundled VP8 m-line, trickle ICE (no candidates of its own).
OFFER = "\r\n".join([
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0",
    "m=video 9 UDP/TLS/RTP/SAVPF 96",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:abcd",
    "a=ice-pwd:abcdefghijklmnopqrstuvwx",
    "a=ice-options:trickle",
    "a=fingerprint:sha-256 5B:A4:2D:5A:6D:8C:79:15:77:73:48:DB:A4:E0:69:F0:85:C3:43:1B:21:1B:0F:9C:4D:"
    "2E:B2:CC:3A:0F:8E:41",
    "a=setup:actpass",
    "a=mid:0",
    "a=sendonly",
    "a=rtcp-mux",
    "a=rtpmap:96 VP8/90000",
    "a=rtcp-fb:96 nack pli",
    "a=ssrc:1111 cname:test",
    ""])


def ice_yaml(**keys):
    lines = ["media:", "  ice:", "    addresses: [\"127.0.0.1\"]"]
    lines += ["    %s: %s" % (k, v) for k, v in keys.items()]
    return "\n".join(lines) + "\n"


class IceTestCase(DaemonTestCase):
    def ws_url(self):
        return "wss://127.0.0.1:%d/ws/v1" % self.daemon.port

    def customer_token(self):
        created = self.daemon.ctl_json("appointment", "create", "--customer-name", "Ice")
        self.daemon.ctl_json("appointment", "admit", str(created["id"]))
        return created["id"], created["join_url"].rsplit("/", 1)[1]

    def join(self, token):
        ws = WebSocket(self.ws_url(), self.daemon.cert)
        self.addCleanup(ws.close)
        ws.send(json.dumps(hello(token)))
        welcome = json.loads(ws.receive())
        self.assertEqual(welcome["type"], "welcome", welcome)
        return ws, welcome

    def server_candidates(self, quiet=2.0, limit=20.0):
        """Offers OFFER; returns (answer SDP, candidates) once the server has been quiet
        for `quiet` seconds after its answer and first candidate."""
        _, token = self.customer_token()
        ws, _ = self.join(token)
        messages = queue.Queue()
        reader = threading.Thread(target=lambda: [messages.put(t) for t in iter(ws.receive, None)])
        reader.start()
        answer, candidates = None, []
        try:
            ws.send(json.dumps({"type": "offer", "sdp": OFFER}))
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline:
                try:
                    message = json.loads(messages.get(timeout=quiet))
                except queue.Empty:
                    if answer is not None and candidates:
                        break
                    continue
                if message["type"] == "answer":
                    answer = message["sdp"]
                elif message["type"] == "ice":
                    candidates.append(message["candidate"])
                elif message["type"] == "error":
                    self.fail("the server refused the offer: %s" % message)
        finally:
            # Stop the reader before the socket is closed: OpenSSL reads the raw descriptor
            # number, and a reader still running after close() would read whatever file
            # reuses that number next (seen: the start of assistctl's output pipe).
            try:
                ws.sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed by the server
                pass
            reader.join(10)
            ws.sock.close()
        self.assertIsNotNone(answer, "no answer to the offer")
        self.assertTrue(candidates, "no candidates from the server")
        return answer, candidates


def address_of(candidate):
    return candidate.split()[4]


class Configured(IceTestCase):
    """turn_servers, turn_secret, turn_ttl, public_address and tcp: false."""

    extra_yaml = ice_yaml(stun_server="stun://127.0.0.1:3478", public_address=PUBLIC, tcp="false",
                          turn_servers="[\"turn:turn.example.org:3478\", \"turns:turn.example.org:5349?transport=tcp\"]",
                          turn_secret=SECRET, turn_ttl="2h")

    def test_welcome_carries_stun_and_turn_with_ephemeral_credentials(self):
        _, token = self.customer_token()
        before = int(time.time())
        _, welcome = self.join(token)
        after = int(time.time())
        servers = welcome["ice_servers"]
        self.assertEqual(servers[0], {"urls": ["stun:127.0.0.1:3478"]})
        turn = servers[1]
        self.assertEqual(turn["urls"], ["turn:turn.example.org:3478", "turns:turn.example.org:5349?transport=tcp"])
        expiry, user = turn["username"].split(":", 1)
        self.assertEqual(user, welcome["participant"])
        self.assertGreaterEqual(int(expiry), before + TTL)
        self.assertLessEqual(int(expiry), after + TTL)
        # What coturn (use-auth-secret) computes to accept it.
        expected = base64.b64encode(hmac.new(SECRET.encode(), turn["username"].encode(), hashlib.sha1).digest())
        self.assertEqual(turn["credential"], expected.decode())
        self.assertEqual(len(servers), 2)

    def test_each_participant_gets_its_own_username(self):
        _, token_a = self.customer_token()
        _, token_b = self.customer_token()
        _, a = self.join(token_a)
        _, b = self.join(token_b)
        self.assertNotEqual(a["ice_servers"][1]["username"], b["ice_servers"][1]["username"])

    def test_candidates_announce_the_public_address_and_no_tcp(self):
        answer, candidates = self.server_candidates()
        for candidate in candidates:
            self.assertEqual(address_of(candidate), PUBLIC, candidates)
            self.assertNotIn("tcptype", candidate, candidates)
            self.assertIn(" UDP ", candidate.upper(), candidates)
        self.assertNotIn("127.0.0.1", answer)

    def test_media_flows_when_the_announced_address_is_not_the_hosts(self):
        # The peers cannot reach PUBLIC; their own candidates reach the server, which answers
        # their checks, so ICE still connects (as with a NAT in front of the server).
        appointment_id, customer = self.customer_token()
        specialist = self.daemon.ctl_json("appointment", "link", str(appointment_id), "--role",
                                          "specialist")["join_url"].rsplit("/", 1)[1]
        peers = [subprocess.Popen([PEER, "--url", self.ws_url(), "--token=" + token, "--ca-file", self.daemon.cert,
                                   "--seconds", "15", "--expect-media"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for token in (customer, specialist)]
        for peer in peers:
            out, err = peer.communicate(timeout=90)
            lines = out.strip().splitlines()
            self.assertTrue(lines, "assist-peer printed no report:\n" + err[-3000:])
            report = json.loads(lines[-1])
            self.assertEqual(peer.returncode, 0, report)
            (received,) = report["received"].values()
            self.assertGreater(received["video_frames"], 10, report)


class TcpEnabled(IceTestCase):
    extra_yaml = ice_yaml(tcp="true")

    def test_tcp_candidates_are_offered(self):
        _, candidates = self.server_candidates()
        self.assertTrue(any("tcptype" in c for c in candidates), candidates)
        self.assertTrue(any(" UDP " in c.upper() for c in candidates), candidates)
        for candidate in candidates:
            self.assertEqual(address_of(candidate), "127.0.0.1", candidates)


class Defaults(IceTestCase):
    extra_yaml = ice_yaml()

    def test_no_ice_servers_no_tcp_and_host_addresses_as_gathered(self):
        _, token = self.customer_token()
        _, welcome = self.join(token)
        self.assertEqual(welcome["ice_servers"], [])
        _, candidates = self.server_candidates()
        for candidate in candidates:
            self.assertNotIn("tcptype", candidate, candidates)
            self.assertEqual(address_of(candidate), "127.0.0.1", candidates)

    def test_turn_keys_reload_live(self):
        self.addCleanup(self.reload, ice_yaml())
        self.reload(ice_yaml(turn_servers="[\"turn:192.0.2.1:3478\"]", turn_secret="fresh", turn_ttl="10m"))
        _, token = self.customer_token()
        _, welcome = self.join(token)
        (turn,) = welcome["ice_servers"]
        self.assertEqual(turn["urls"], ["turn:192.0.2.1:3478"])
        self.assertAlmostEqual(int(turn["username"].split(":")[0]), time.time() + 600, delta=30)
        expected = base64.b64encode(hmac.new(b"fresh", turn["username"].encode(), hashlib.sha1).digest())
        self.assertEqual(turn["credential"], expected.decode())

    def reload(self, yaml):
        reloads = self.daemon.log_text().count("CONFIG_RELOADED")
        self.daemon.write_config(yaml)
        self.daemon.process.send_signal(signal.SIGHUP)
        wait_for(lambda: self.daemon.log_text().count("CONFIG_RELOADED") > reloads, "the reload")


if __name__ == "__main__":
    unittest.main()
