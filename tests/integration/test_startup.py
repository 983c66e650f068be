"""Start-up, configuration checking and reload, as an operator meets them."""

import os
import signal
import stat
import subprocess
import tempfile
import unittest

from harness import ASSISTD, ASSISTCTL, SOURCE_DIR, Daemon, wait_for


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60)


class ConfigCheck(unittest.TestCase):
    def write(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_example_config_is_valid(self):
        example = os.path.join(SOURCE_DIR, "config", "assistd.yaml")
        result = run(ASSISTD, "--check-config", "-c", example)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(run(ASSISTCTL, "config", "check", "-c", example).returncode, 0)

    def test_unknown_key_is_reported_with_file_and_line(self):
        path = self.write("server:\n  listen: [\"127.0.0.1:1\"]\nstorage:\n  data_dri: /tmp\n")
        for command in ([ASSISTD, "--check-config", "-c", path], [ASSISTCTL, "config", "check", "-c", path]):
            result = run(*command)
            self.assertEqual(result.returncode, 78, command)
            self.assertEqual(result.stderr.strip(), "%s:4: unknown key 'storage.data_dri'" % path)

    def test_every_error_is_listed(self):
        path = self.write("log:\n  level: chatty\nlinks:\n  lead_time: 15\nserver:\n  tls: { cert: /x.pem }\n")
        result = run(ASSISTD, "--check-config", "-c", path)
        self.assertEqual(result.returncode, 78)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 3, result.stderr)
        self.assertTrue(lines[0].startswith(path + ":2: 'log.level' must be one of"), lines[0])
        self.assertTrue(lines[1].startswith(path + ":4: 'links.lead_time' must be a duration"), lines[1])
        self.assertIn("must be set together", lines[2])

    def test_daemon_refuses_to_start_on_a_bad_config(self):
        path = self.write("nonsense: true\n")
        result = run(ASSISTD, "-c", path)
        self.assertEqual(result.returncode, 78)
        self.assertIn(":1: unknown key 'nonsense'", result.stderr)

    def test_missing_config_file_given_explicitly(self):
        result = run(ASSISTD, "--check-config", "-c", "/nonexistent/assistd.yaml")
        self.assertEqual(result.returncode, 78)
        self.assertIn("cannot open", result.stderr)


class Startup(unittest.TestCase):
    def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(self):
        d = Daemon()
        self.addCleanup(d.close)
        os.makedirs(os.path.dirname(d.database))
        content = b"Quarterly notes, definitely not a database.\n" * 200
        with open(d.database, "wb") as f:
            f.write(content)
        result = subprocess.run([ASSISTD, "-c", d.config], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 65)
        self.assertIn("STORE_OPEN_FAILED", result.stderr)
        self.assertIn("is not a usable SQLite database", result.stderr)
        with open(d.database, "rb") as f:
            self.assertEqual(f.read(), content)
        self.assertFalse(os.path.exists(d.database + "-wal"))

    def test_first_start_creates_admin_and_socket(self):
        d = Daemon().start()
        self.addCleanup(d.close)
        self.assertTrue(d.admin_password and len(d.admin_password) >= 16, d.log_text())
        mode = stat.S_IMODE(os.stat(d.socket).st_mode)
        self.assertEqual(mode, 0o660)
        status, body = d.https("POST", "/api/v1/session", {"username": "admin", "password": d.admin_password})
        self.assertEqual(status, 201, body)
        key_mode = stat.S_IMODE(os.stat(os.path.join(d.dir, "data", "tls", "key.pem")).st_mode)
        self.assertEqual(key_mode, 0o600)
        # SIGTERM stops cleanly (under ASan this also catches leaks); a restart keeps the same
        # admin, certificate and data.
        d.stop()
        self.assertEqual(d.process.returncode, 0, d.log_text())
        self.assertIn("DAEMON_STOPPED", d.log_text())
        self.assertFalse(os.path.exists(d.socket))
        d.start()
        self.assertEqual(d.log_text().count("ADMIN_CREATED username=admin password="), 1)
        self.assertEqual(d.https("POST", "/api/v1/session",
                                 {"username": "admin", "password": d.admin_password})[0], 201)

    def test_port_in_use_is_a_clear_error(self):
        first = Daemon().start()
        self.addCleanup(first.close)
        second = Daemon()
        self.addCleanup(second.close)
        second.port = first.port
        second.write_config()
        result = subprocess.run([ASSISTD, "-c", second.config], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 71)
        self.assertIn("HTTP_LISTEN_FAILED", result.stderr)
        self.assertIn("cannot listen on 127.0.0.1:%d" % first.port, result.stderr)


class Reload(unittest.TestCase):
    def test_sighup_applies_a_valid_file_and_keeps_the_old_one_when_invalid(self):
        d = Daemon().start()
        self.addCleanup(d.close)
        link = d.ctl_json("appointment", "create", "--customer-name", "A")["join_url"]
        self.assertTrue(link.startswith(d.public_url + "/j/"))

        # An invalid file: logged, the running configuration kept, the daemon still serving.
        with open(d.config, "a") as f:
            f.write("bogus: 1\n")
        d.process.send_signal(signal.SIGHUP)
        wait_for(lambda: "CONFIG_RELOAD_FAILED" in d.log_text(), "the failed reload to be logged")
        self.assertIn(":10: unknown key 'bogus'", d.log_text())
        self.assertTrue(d.ctl_json("appointment", "create", "--customer-name", "B")["join_url"]
                        .startswith(d.public_url + "/j/"))

        # A valid change to a live key takes effect; a restart-only key is reported, not applied.
        d.public_url = "https://assist.example.org"
        d.write_config(read_timeout="20s")
        d.process.send_signal(signal.SIGHUP)
        wait_for(lambda: "CONFIG_RELOADED" in d.log_text(), "the reload")
        self.assertIn("CONFIG_RESTART_NEEDED key=server.read_timeout", d.log_text())
        link = d.ctl_json("appointment", "create", "--customer-name", "C")["join_url"]
        self.assertTrue(link.startswith("https://assist.example.org/j/"), link)


if __name__ == "__main__":
    unittest.main()
