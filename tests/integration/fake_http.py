"""A local HTTP server standing in for Twilio and for a webhook receiver: it records each
request, checks Twilio's basic auth, and can be told to fail the next N requests."""

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import free_port


class FakeHttp:
    def __init__(self, account_sid="AC123", auth_token="secret-token"):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.requests = []       # every request: (path, headers dict, body bytes, status answered)
        self.arrivals = []       # when each request came, time.monotonic(), in the same order
        self.accepted = []       # Twilio messages accepted: parsed form dicts
        self.fail_next = 0       # answer 503 to this many requests
        self.lock = threading.Lock()
        self.port = free_port()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, answer = owner._answer(self.path, self.headers, body)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, path, headers, body):
        with self.lock:
            self.arrivals.append(time.monotonic())
            if self.fail_next > 0:
                self.fail_next -= 1
                self.requests.append((path, dict(headers), body, 503))
                return 503, {"message": "try later"}
            if path.startswith("/2010-04-01/"):
                status, answer = self._twilio(path, headers, body)
            else:
                status, answer = 200, {}
            self.requests.append((path, dict(headers), body, status))
            return status, answer

    def _twilio(self, path, headers, body):
        expected = "Basic " + base64.b64encode(
            ("%s:%s" % (self.account_sid, self.auth_token)).encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {"code": 20003, "message": "Authenticate"}
        if path != "/2010-04-01/Accounts/%s/Messages.json" % self.account_sid:
            return 404, {"message": "not found"}
        if headers.get("Content-Type") != "application/x-www-form-urlencoded":
            return 400, {"message": "not a form"}
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), strict_parsing=True).items()}
        for field in ("To", "From", "Body"):
            if not form.get(field):
                return 400, {"code": 21604, "message": "missing " + field}
        sid = "SM%032d" % (len(self.accepted) + 1)
        self.accepted.append(form)
        return 201, {"sid": sid, "status": "queued", "to": form["To"]}

    def twilio_messages(self):
        with self.lock:
            return list(self.accepted)

    def arrival_times(self, to):
        """When each request for an SMS to `to` came, accepted or not."""
        with self.lock:
            return [at for at, (_, _, body, _) in zip(self.arrivals, self.requests)
                    if urllib.parse.parse_qs(body.decode()).get("To") == [to]]

    def received(self):
        with self.lock:
            return list(self.requests)
