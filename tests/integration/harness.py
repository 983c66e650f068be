"""A real assistd on 127.0.0.1 with a temporary data directory and ports chosen at run time."""

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import http.client
import unittest

SOURCE_DIR = os.environ.get("ASSIST_SOURCE_DIR",
                            os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD_DIR = os.environ.get("ASSIST_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
ASSISTD = os.environ.get("ASSISTD", os.path.join(BUILD_DIR, "daemon", "assistd"))
ASSISTCTL = os.environ.get("ASSISTCTL", os.path.join(BUILD_DIR, "cmd", "assistctl", "assistctl"))


def write_png(path, width=4, height=2, rgb=(123, 31, 162)):
    """Writes a real PNG (a block of one colour), as a company's logo would be."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)
    return png


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class Daemon:
    """Starts assistd with a config written from `extra_yaml`; stops it on close()."""

    def __init__(self, extra_yaml="", read_timeout="10s", data_dir=None):
        self.dir = data_dir or tempfile.mkdtemp(prefix="assist-it-")
        self.port = free_port()
        self.socket = os.path.join(self.dir, "ctl.sock")
        self.config = os.path.join(self.dir, "assistd.yaml")
        self.log_path = os.path.join(self.dir, "assistd.log")
        self.public_url = "https://127.0.0.1:%d" % self.port
        self.write_config(extra_yaml, read_timeout)
        self.process = None
        self.wrapper = []  # a command that runs assistd (its arguments follow), e.g. in a namespace
        self.admin_password = None
        self.final_log = None

    def write_config(self, extra_yaml="", read_timeout="10s"):
        with open(self.config, "w") as f:
            f.write(
                "server:\n"
                "  listen: [\"127.0.0.1:%d\"]\n"
                "  public_url: %s\n"
                "  control_socket: %s\n"
                "  read_timeout: %s\n"
                "storage:\n"
                "  data_dir: %s\n"
                "log:\n"
                "  level: debug\n" % (self.port, self.public_url, self.socket, read_timeout,
                                      os.path.join(self.dir, "data")) + extra_yaml)

    @property
    def cert(self):
        return os.path.join(self.dir, "data", "tls", "cert.pem")

    @property
    def database(self):
        return os.path.join(self.dir, "data", "assist.db")

    def start(self):
        if self.process and not self.log.closed:
            self.log.close()
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(self.wrapper + [ASSISTD, "-c", self.config], stdout=self.log,
                                        stderr=self.log)
        try:
            wait_for(lambda: self.ready() or self.process.poll() is not None, "assistd to start")
            if self.process.poll() is not None:
                raise AssertionError("assistd exited with %d:\n%s" % (self.process.returncode, self.log_text()))
            for line in self.log_text().splitlines():
                if "ADMIN_CREATED username=admin password=" in line:
                    self.admin_password = line.split("password=")[1].split()[0]
        except BaseException:
            self.stop(signal.SIGKILL)
            raise
        return self

    def ready(self):
        if not os.path.exists(self.socket):
            return False
        try:
            status, _ = self.https("GET", "/healthz")
            return status == 200
        except OSError:
            return False

    def log_text(self):
        """The log so far; after close(), what it held when the data directory was removed."""
        if self.final_log is not None:
            return self.final_log
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
        if self.process:
            self.log.close()
            self.check_sanitizers()

    def check_sanitizers(self):
        """Under ASan/UBSan a report (leaks are reported at exit) fails the test that stopped it."""
        text = self.log_text()
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in text:
                start = text.index(marker)
                raise AssertionError("assistd's sanitizer report:\n" + text[max(0, start - 200):start + 6000])

    def close(self):
        try:
            self.stop()
        finally:
            if os.path.exists(self.log_path):
                self.final_log = self.log_text()
            shutil.rmtree(self.dir, ignore_errors=True)

    def tls_context(self):
        ctx = ssl.create_default_context(cafile=self.cert)
        return ctx

    def connection(self, timeout=30):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.tls_context(), timeout=timeout)

    def https(self, method, path, body=None, key=None, headers=None):
        """Returns (status, parsed JSON or text) over HTTPS, verifying the daemon's certificate."""
        conn = self.connection()
        h = dict(headers or {})
        if key:
            h["Authorization"] = "Bearer " + key
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=data, headers=h)
            response = conn.getresponse()
            raw = response.read().decode()
            self.last_headers = response.getheaders()
            try:
                return response.status, json.loads(raw) if raw else None
            except ValueError:
                return response.status, raw
        finally:
            conn.close()

    def ctl(self, *args, stdin=None, env=None):
        """Runs assistctl against this daemon's control socket; returns CompletedProcess."""
        return subprocess.run([ASSISTCTL, "--socket", self.socket] + list(args), input=stdin,
                              capture_output=True, text=True, timeout=60, env=env)

    def ctl_json(self, *args):
        result = self.ctl(*args, "-o", "json")
        if result.returncode != 0:
            raise AssertionError("assistctl %s failed (%d): %s" % (args, result.returncode, result.stderr))
        return json.loads(result.stdout)


class DaemonTestCase(unittest.TestCase):
    """One daemon per test class."""

    extra_yaml = ""
    read_timeout = "10s"

    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(cls.extra_yaml, cls.read_timeout)
        cls.addClassCleanup(cls.daemon.close)
        cls.daemon.start()

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            print("---- assistd log ----\n" + self.daemon.log_text()[-4000:])
        return outcome
