"""The HTTP layer refuses what it must: oversized bodies, slow clients, broken requests."""

import socket
import ssl
import time
import unittest

from harness import DaemonTestCase, wait_for


class HttpLimits(DaemonTestCase):
    read_timeout = "2s"

    def tls_socket(self):
        raw = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=30)
        return self.daemon.tls_context().wrap_socket(raw, server_hostname="127.0.0.1")

    def read_all(self, s):
        chunks = []
        while True:
            try:
                data = s.recv(65536)
            except (ConnectionResetError, ssl.SSLError):
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks).decode(errors="replace")

    def test_health_endpoints_over_https(self):
        d = self.daemon
        self.assertEqual(d.https("GET", "/healthz"), (200, {"status": "ok"}))
        status, body = d.https("GET", "/readyz")
        self.assertEqual(status, 200)
        self.assertEqual(body["database"], "writable")
        status, metrics = d.https("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertIn('assist_http_requests_total{route="/healthz",method="GET",status="200"}', metrics)
        self.assertIn("assist_build_info", metrics)

    def test_body_over_one_mebibyte_is_refused(self):
        key = self.daemon.ctl_json("apikey", "create", "--name", "big")["key"]
        s = self.tls_socket()
        body_size = 2 * 1024 * 1024
        s.sendall(("POST /api/v1/appointments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (key, body_size)).encode())
        try:
            s.sendall(b"{" + b" " * 65536)
        except OSError:
            pass
        answer = self.read_all(s)
        s.close()
        self.assertTrue(answer.startswith("HTTP/1.1 413"), answer[:200])
        self.assertIn('"code":"body_too_large"', answer)
        self.assertIn("HTTP_BAD_REQUEST", self.daemon.log_text())
        # Nothing was created.
        self.assertEqual(self.daemon.ctl_json("appointment", "list"), [])

    def test_slow_headers_are_cut_off(self):
        s = self.tls_socket()
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes the headers
        started = time.monotonic()
        answer = self.read_all(s)  # returns when the server closes
        waited = time.monotonic() - started
        s.close()
        self.assertEqual(answer, "")
        self.assertLess(waited, 25, "the connection stayed open")
        # Beast closes the socket before the read completes, so the log line may come just after.
        wait_for(lambda: "HTTP_READ_TIMEOUT" in self.daemon.log_text(), "the timeout to be logged")

    def test_malformed_request_line_gets_400(self):
        s = self.tls_socket()
        s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        answer = self.read_all(s)
        s.close()
        self.assertTrue(answer.startswith("HTTP/1.1 400"), answer[:200])

    def test_problem_documents_and_headers(self):
        status, problem = self.daemon.https("GET", "/api/v1/appointments")
        self.assertEqual(status, 401)
        self.assertEqual(problem["code"], "authentication_required")
        headers = dict(self.daemon.last_headers)
        self.assertEqual(headers["Content-Type"], "application/problem+json")
        self.assertEqual(headers["Cache-Control"], "no-store")
        status, problem = self.daemon.https("GET", "/api/v1/appointments", key="ak_forged")
        self.assertEqual((status, problem["code"]), (401, "invalid_credentials"))
        self.assertIn("HTTP_CLIENT_ERROR", self.daemon.log_text())

    def test_keep_alive_serves_several_requests(self):
        conn = self.daemon.connection()
        for _ in range(3):
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            response.read()
        conn.close()


if __name__ == "__main__":
    unittest.main()
