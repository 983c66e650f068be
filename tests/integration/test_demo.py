"""The README's first command: scripts/demo sets up, builds, serves the console over HTTPS and
prints how to sign in as the demo specialist."""

import os
import shlex
import shutil
import signal
import json
import re
import ssl
import subprocess
import tempfile
import unittest
import urllib.request

from harness import BUILD_DIR, SOURCE_DIR, free_port, wait_for


class Demo(unittest.TestCase):
    def test_demo_serves_healthz_over_https(self):
        var = tempfile.mkdtemp(prefix="assist-demo-")
        self.addCleanup(shutil.rmtree, var, True)
        listen = "127.0.0.1:%d" % free_port()
        env = dict(os.environ, ASSIST_DEMO_LISTEN=listen, ASSIST_DEMO_DIR=var, ASSIST_BUILD_DIR=BUILD_DIR)
        log = open(os.path.join(var, "demo.log"), "w")
        demo = subprocess.Popen([os.path.join(SOURCE_DIR, "scripts", "demo")], env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.addCleanup(log.close)

        def stop():
            if demo.poll() is None:
                os.killpg(demo.pid, signal.SIGTERM)
                demo.wait(timeout=60)
        self.addCleanup(stop)

        cert = os.path.join(var, "tls", "cert.pem")
        context = None

        def healthy():
            nonlocal context
            if demo.poll() is not None:
                return True
            if not os.path.exists(cert):
                return False
            try:
                context = ssl.create_default_context(cafile=cert)
                with urllib.request.urlopen("https://%s/healthz" % listen, context=context, timeout=5) as r:
                    return r.status == 200
            except OSError:
                return False

        wait_for(healthy, "the demo to serve /healthz", timeout=900)
        wait_for(lambda: "Console" in open(os.path.join(var, "demo.log")).read(), "the demo's banner")
        output = open(os.path.join(var, "demo.log")).read()
        self.assertIsNone(demo.poll(), output)
        self.assertIn("https://%s/console" % listen, output)
        self.assertIn("ADMIN_CREATED username=admin password=", output)
        self.assertIn("appointment create", output)

        with urllib.request.urlopen("https://%s/console" % listen, context=context, timeout=5) as r:
            self.assertIn(b"console.js", r.read())
        password = re.search(r"user 'demo', password (\S+)", output).group(1)
        request = urllib.request.Request("https://%s/api/v1/session" % listen, method="POST",
                                         data=json.dumps({"username": "demo", "password": password}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=context, timeout=30) as r:
            self.assertEqual(json.load(r)["user"]["role"], "specialist")
            cookie = r.headers["Set-Cookie"].split(";")[0]

        # The CLI line the banner suggests makes an appointment the demo specialist sees.
        line = re.search(r"CLI +(.+ appointment create .+)", output).group(1)
        created = subprocess.run(shlex.split(line), capture_output=True, text=True, timeout=60)
        self.assertEqual((created.returncode, created.stderr), (0, ""), line)
        request = urllib.request.Request("https://%s/api/v1/appointments" % listen, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, context=context, timeout=30) as r:
            seen = [a["id"] for a in json.load(r)["items"]]
        self.assertIn(json.loads(created.stdout)["id"], seen)


if __name__ == "__main__":
    unittest.main()
