"""Files shared in a call: uploaded over HTTPS with a participant's join token, console session or
API key; typed from their content by libmagic against an allowlist; kept under data_dir/files by
SHA-256; announced in the chat; downloadable only by the appointment's people, as an attachment
with a safe name. Refusals (413, 415, half an upload) leave nothing behind."""

import base64
import hashlib
import http.client
import json
import os
import socket
import ssl
import time
import unittest
import urllib.parse

from call_helpers import CallTestMixin
from harness import DaemonTestCase, wait_for

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
with open("/bin/true", "rb") as f:
    ELF = f.read()


class Files(CallTestMixin, DaemonTestCase):
    users = 0

    # ---- helpers ----

    def files_dir(self):
        return os.path.join(self.daemon.dir, "data", "files")

    def stored_blobs(self):
        """Every file under data_dir/files, temporary ones included."""
        found = []
        for root, _, names in os.walk(self.files_dir()):
            found += [os.path.join(root, n) for n in names]
        return sorted(found)

    def specialist(self):
        Files.users += 1
        username = "files-spec-%d" % Files.users
        added = self.daemon.ctl("user", "add", username, "--role", "specialist", "--display-name", "Dr %d" % Files.users)
        self.assertEqual(added.returncode, 0, added.stderr)
        key = self.daemon.ctl_json("apikey", "create", "--name", "key-" + username, "--user", username)["key"]
        return username, key

    def request(self, method, path, body=None, headers=None):
        """(status, headers as a dict with lower-case names, raw bytes)."""
        conn = self.daemon.connection()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def upload(self, appointment_id, name, data, token=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        h.setdefault("Content-Type", "application/octet-stream")
        status, _, raw = self.request("POST", "/api/v1/appointments/%d/files?name=%s" % (appointment_id, urllib.parse.quote(name)),
                                      data, h)
        return status, json.loads(raw) if raw else None

    def download(self, file_id, token=None, query="", headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        return self.request("GET", "/api/v1/files/%d%s" % (file_id, query), None, h)

    def shared_text(self, data):
        """(file id, API key of its specialist) for `data` shared as a text file."""
        username, key = self.specialist()
        appointment_id, customer_token, _ = self.appointment(specialist=username)
        status, body = self.upload(appointment_id, "manual.txt", data, token=customer_token)
        self.assertEqual((status, body["type"]), (201, "text/plain"), body)
        return body["id"], key, appointment_id

    @staticmethod
    def chats(member):
        return [m for _, m in list(member.messages) if m["type"] == "chat"]

    # ---- tests ----

    def test_a_customers_file_reaches_the_call_and_downloads_intact(self):
        username, key = self.specialist()
        appointment_id, customer_token, specialist_token = self.appointment(specialist=username)
        customer = self.member(customer_token)
        specialist = self.member(specialist_token)

        status, body = self.upload(appointment_id, "photo <1>.png", PNG, token=customer_token)
        self.assertEqual(status, 201, body)
        self.assertEqual({k: body[k] for k in ("name", "type", "size")},
                         {"name": "photo <1>.png", "type": "image/png", "size": len(PNG)})
        file_id = body["id"]

        # Announced in the chat to both, as a file message.
        for member in (customer, specialist):
            wait_for(lambda: self.chats(member), "the file's chat message", timeout=10)
            chat = self.chats(member)[0]
            self.assertEqual(chat["id"], body["message_id"])
            self.assertEqual(chat["file"], {"id": file_id, "name": "photo <1>.png", "type": "image/png", "size": len(PNG)})
            self.assertEqual((chat["role"], chat["name"], chat["text"]), ("customer", "Caller", "photo <1>.png"))

        # Stored once, by its SHA-256, and nothing else (no temporary file left).
        sha = hashlib.sha256(PNG).hexdigest()
        self.assertIn(os.path.join(self.files_dir(), sha[:2], sha), self.stored_blobs())
        self.assertEqual([p for p in self.stored_blobs() if p.startswith(os.path.join(self.files_dir(), "tmp"))], [])

        # The specialist downloads it byte for byte, as an attachment that nothing may run.
        status, headers, raw = self.download(file_id, token=key)
        self.assertEqual(status, 200)
        self.assertEqual(raw, PNG)
        self.assertEqual(headers["content-type"], "image/png")
        self.assertEqual(headers["x-content-type-options"], "nosniff")
        self.assertEqual(headers["content-disposition"],
                         "attachment; filename=\"photo <1>.png\"; filename*=UTF-8''photo%20%3C1%3E.png")
        self.assertIn("sandbox", headers["content-security-policy"])
        # Inline for a preview, only when asked; the customer with their token too.
        status, headers, raw = self.download(file_id, token=customer_token, query="?inline=1")
        self.assertEqual((status, raw), (200, PNG))
        self.assertTrue(headers["content-disposition"].startswith("inline;"), headers)

        # The transcript and the REST messages name the file.
        printed = self.daemon.ctl("appointment", "transcript", str(appointment_id))
        self.assertEqual(printed.returncode, 0, printed.stderr)
        self.assertIn("Caller (customer): [file image/png, %d bytes] photo <1>.png" % len(PNG), printed.stdout)
        status, messages = self.daemon.https("GET", "/api/v1/appointments/%d/messages" % appointment_id, key=key)
        self.assertEqual(messages["items"][0]["file"], chat["file"])
        # History for a late joiner carries it too.
        late = self.member(self.link(appointment_id, "customer"))
        wait_for(lambda: late.first("chat_history"), "chat_history", timeout=10)
        self.assertEqual(late.first("chat_history")[1]["messages"][0]["file"]["id"], file_id)

        shared = self.events(appointment_id, "file.shared")
        self.assertEqual(len(shared), 1)
        self.assertEqual(shared[0]["details"]["sha256"], sha)
        self.assertEqual(len(self.events(appointment_id, "file.downloaded")), 2)
        self.assert_audit_intact()

    def test_the_console_uploads_with_its_session_and_csrf_token(self):
        result = self.daemon.ctl("user", "add", "files-console", "--password", stdin="a long enough password\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        status, session = self.daemon.https("POST", "/api/v1/session",
                                            {"username": "files-console", "password": "a long enough password"})
        self.assertEqual(status, 201, session)
        cookie = dict(self.daemon.last_headers)["Set-Cookie"].split(";")[0]
        appointment_id, _, _ = self.appointment(specialist="files-console")
        status, body = self.upload(appointment_id, "notes.txt", b"the boiler is a Model X\n", headers={"Cookie": cookie})
        self.assertEqual((status, body["code"]), (403, "csrf_failed"))
        status, body = self.upload(appointment_id, "notes.txt", b"the boiler is a Model X\n",
                                   headers={"Cookie": cookie, "X-CSRF-Token": session["csrf_token"]})
        self.assertEqual(status, 201, body)
        self.assertEqual(body["type"], "text/plain")
        rows = self.sql("SELECT sender_role, sender_name FROM messages WHERE id = ?", body["message_id"])
        self.assertEqual(rows, [("supervisor", "files-console")] if rows[0][0] == "supervisor" else [("specialist", rows[0][1])])

    def test_refused_uploads_leave_nothing(self):
        appointment_id, customer_token, _ = self.appointment()
        before = self.stored_blobs()

        # Over 25 MiB: 413 from the Content-Length alone, and the answer arrives while the
        # client is still sending.
        big = b"\0" * (26 << 20)
        status, body = self.upload(appointment_id, "big.bin", big, token=customer_token)
        self.assertEqual((status, body["code"]), (413, "body_too_large"))
        self.assertIn("25MiB", body["detail"])
        # Chunked, without a length: refused once the limit is crossed.
        status, body = self.upload(appointment_id, "big.bin", iter([big[:1 << 20]] * 26), token=customer_token)
        self.assertEqual(status, 413, body)

        # Types from the content: an ELF under a PDF's name, HTML, an SVG (scripts) are refused.
        for name, data, detected in (("manual.pdf", ELF, "application/x-(pie-executable|executable|sharedlib)"), ("page.pdf", b"<html><script>alert(1)</script></html>", "text/html"),
                                     ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "svg")):
            status, body = self.upload(appointment_id, name, data, token=customer_token)
            self.assertEqual((status, body["code"]), (415, "file_type_refused"), name)
            self.assertRegex(body["detail"], detected)
        status, body = self.upload(appointment_id, "empty.txt", b"", token=customer_token)
        self.assertEqual((status, body["code"]), (422, "empty_file"))

        # Half an upload, then the connection drops: nothing kept.
        raw = socket.create_connection(("127.0.0.1", self.daemon.port))
        tls = self.daemon.tls_context().wrap_socket(raw, server_hostname="127.0.0.1")
        tls.sendall(("POST /api/v1/appointments/%d/files?name=half.png HTTP/1.1\r\nHost: x\r\n"
                     "Authorization: Bearer %s\r\nContent-Length: 200000\r\n\r\n" % (appointment_id, customer_token)).encode()
                    + PNG + b"\0" * 50000)
        time.sleep(0.5)
        tls.close()

        self.assertEqual(self.stored_blobs(), before)
        self.assertEqual(self.sql("SELECT id FROM files WHERE appointment_id = ?", appointment_id), [])
        self.assertEqual(self.sql("SELECT id FROM messages WHERE appointment_id = ?", appointment_id), [])
        # The daemon carries on: a good upload still works.
        status, body = self.upload(appointment_id, "ok.png", PNG, token=customer_token)
        self.assertEqual(status, 201, body)

    def test_only_the_appointments_people_may_fetch_a_file(self):
        owner, owner_key = self.specialist()
        _, stranger_key = self.specialist()
        appointment_id, customer_token, _ = self.appointment(specialist=owner)
        _, other_customer, _ = self.appointment()
        status, body = self.upload(appointment_id, "../../etc/passwd", b"root:x:0:0\n", token=customer_token)
        self.assertEqual(status, 201, body)
        self.assertEqual(body["name"], "passwd")  # the path is gone
        file_id = body["id"]

        self.assertEqual(self.download(file_id, token=owner_key)[0], 200)
        for token in (stranger_key, other_customer):
            status, _, raw = self.download(file_id, token=token)
            self.assertEqual(status, 404, raw)
            self.assertEqual(json.loads(raw)["code"], "file_not_found")
        self.assertEqual(self.download(file_id + 1000, token=owner_key)[0], 404)
        self.assertEqual(self.download(file_id)[0], 401)
        self.assertEqual(self.download(file_id, token="not-a-token")[0], 401)
        # Uploads likewise: another appointment's customer or specialist cannot add to it.
        for token in (stranger_key, other_customer):
            status, body = self.upload(appointment_id, "x.txt", b"hello\n", token=token)
            self.assertEqual((status, body["code"]), (404, "appointment_not_found"))

    def test_a_customer_shares_files_only_once_admitted_and_while_open(self):
        appointment_id, customer_token, _ = self.appointment(admitted=False)
        status, body = self.upload(appointment_id, "x.png", PNG, token=customer_token)
        self.assertEqual((status, body["code"]), (409, "not_admitted"))
        self.daemon.ctl_json("appointment", "admit", str(appointment_id))
        self.assertEqual(self.upload(appointment_id, "x.png", PNG, token=customer_token)[0], 201)
        self.daemon.ctl_json("appointment", "cancel", str(appointment_id))
        status, body = self.upload(appointment_id, "x.png", PNG, token=customer_token)
        self.assertEqual((status, body["code"]), (410, "appointment_closed"))


    def test_downloads_take_one_byte_range(self):
        data = b"".join(b"line %04d of the boiler's manual\n" % i for i in range(100))
        size = len(data)
        file_id, key, appointment_id = self.shared_text(data)

        status, headers, raw = self.download(file_id, token=key)
        self.assertEqual((status, raw), (200, data))
        self.assertEqual((headers["accept-ranges"], headers["content-length"]), ("bytes", str(size)))
        self.assertNotIn("content-range", headers)

        for asked, first, last in (("bytes=0-9", 0, 9), ("bytes=-5", size - 5, size - 1), ("bytes=10-", 10, size - 1),
                                   ("bytes=%d-%d" % (size - 3, size + 1000), size - 3, size - 1)):
            status, headers, raw = self.download(file_id, token=key, headers={"Range": asked})
            self.assertEqual(status, 206, asked)
            self.assertEqual(raw, data[first:last + 1], asked)
            self.assertEqual(headers["content-range"], "bytes %d-%d/%d" % (first, last, size), asked)
            self.assertEqual(headers["content-length"], str(last - first + 1), asked)
            self.assertEqual((headers["accept-ranges"], headers["content-type"]), ("bytes", "text/plain"))
            self.assertTrue(headers["content-disposition"].startswith("attachment;"), headers)
            self.assertIn("sandbox", headers["content-security-policy"])

        status, headers, raw = self.download(file_id, token=key, headers={"Range": "bytes=%d-" % size})
        self.assertEqual(status, 416, raw)
        self.assertEqual(headers["content-range"], "bytes */%d" % size)
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertEqual(json.loads(raw)["code"], "range_not_satisfiable")

        # Several ranges, a malformed one, one backwards and any If-Range: the whole file.
        for h in ({"Range": "bytes=0-1,5-6"}, {"Range": "bytes=abc"}, {"Range": "bytes=9-0"},
                  {"Range": "bytes=0-9", "If-Range": '"x"'}):
            status, headers, raw = self.download(file_id, token=key, headers=h)
            self.assertEqual((status, raw), (200, data), h)

        # Each download that sent bytes is audited, a range with what it sent; the 416 is not.
        downloaded = self.events(appointment_id, "file.downloaded")
        self.assertEqual(len(downloaded), 1 + 4 + 4)
        self.assertEqual(sorted(e["details"].get("range", "") for e in downloaded),
                         sorted([""] * 5 + ["0-9", "%d-%d" % (size - 5, size - 1), "10-%d" % (size - 1),
                                            "%d-%d" % (size - 3, size - 1)]))

    def test_one_connection_carries_on_after_streamed_answers(self):
        data = b"".join(b"row %05d\n" % i for i in range(2000))
        file_id, key, _ = self.shared_text(data)
        conn = self.daemon.connection()
        try:
            path = "/api/v1/files/%d" % file_id
            for asked, status, expected in (("bytes=100-199", 206, data[100:200]), (None, 200, data),
                                            ("bytes=99999-", 416, None), ("bytes=-1", 206, data[-1:])):
                conn.request("GET", path, headers=dict({"Authorization": "Bearer " + key}, **({"Range": asked} if asked else {})))
                response = conn.getresponse()
                raw = response.read()
                self.assertEqual(response.status, status, asked)
                if expected is not None:
                    self.assertEqual(raw, expected, asked)
            conn.request("GET", "/healthz")
            self.assertEqual(conn.getresponse().status, 200)
        finally:
            conn.close()

    def test_a_file_of_a_few_megabytes_downloads_intact(self):
        # Not a multiple of the 64 KiB chunks; every line different, so a chunk out of place shows.
        data = b"".join(hashlib.sha256(b"%d" % i).hexdigest().encode() + b"\n" for i in range(50000))[:3 * 1024 * 1024 + 12345]
        file_id, key, _ = self.shared_text(data)
        status, headers, raw = self.download(file_id, token=key)
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-length"], str(len(data)))
        self.assertEqual(hashlib.sha256(raw).hexdigest(), hashlib.sha256(data).hexdigest())
        # A range across chunk boundaries.
        status, headers, raw = self.download(file_id, token=key, headers={"Range": "bytes=65530-200000"})
        self.assertEqual((status, headers["content-range"]), (206, "bytes 65530-200000/%d" % len(data)))
        self.assertEqual(raw, data[65530:200001])

        # And over the control socket (plain HTTP on a Unix socket).
        conn = UnixHTTPConnection(self.daemon.socket)
        try:
            conn.request("GET", "/api/v1/files/%d" % file_id, headers={"Range": "bytes=-70000"})
            response = conn.getresponse()
            self.assertEqual((response.status, response.read()), (206, data[-70000:]))
            conn.request("GET", "/api/v1/files/%d" % file_id)
            response = conn.getresponse()
            self.assertEqual(hashlib.sha256(response.read()).hexdigest(), hashlib.sha256(data).hexdigest())
        finally:
            conn.close()


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class FileLimits(CallTestMixin, DaemonTestCase):
    extra_yaml = "files:\n  max_size: 64KiB\n  allowed_types: [\"text/plain\"]\n  max_per_appointment: 2\n"

    def test_the_configured_size_types_and_count_apply(self):
        appointment_id, token, _ = self.appointment()
        path = "/api/v1/appointments/%d/files?name=a.txt" % appointment_id
        headers = {"Authorization": "Bearer " + token, "Content-Type": "text/plain"}
        status, body = self.daemon.https("POST", path, b"x" * (65 << 10), headers=headers)
        self.assertEqual((status, body["code"]), (413, "body_too_large"))
        self.assertIn("64KiB", body["detail"])
        status, body = self.daemon.https("POST", path, PNG, headers=headers)
        self.assertEqual((status, body["code"]), (415, "file_type_refused"))
        for _ in range(2):
            status, body = self.daemon.https("POST", path, b"fine\n", headers=headers)
            self.assertEqual(status, 201, body)
        status, body = self.daemon.https("POST", path, b"fine\n", headers=headers)
        self.assertEqual((status, body["code"]), (409, "file_limit_reached"))
        # The JSON routes keep their 1 MiB limit.
        status, body = self.daemon.https("POST", "/api/v1/appointments", "x" * (2 << 20), key=None,
                                         headers={"Content-Type": "application/json"})
        self.assertEqual(status, 413, body)


if __name__ == "__main__":
    unittest.main()
