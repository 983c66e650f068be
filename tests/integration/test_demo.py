"""The README's first command: scripts/demo sets up, builds and serves /healthz over HTTPS."""

import os
import shutil
import signal
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
        output = open(os.path.join(var, "demo.log")).read()
        self.assertIsNone(demo.poll(), output)
        self.assertIn("https://%s/healthz" % listen, output)
        self.assertIn("ADMIN_CREATED username=admin password=", output)
        self.assertIn("appointment create", output)


if __name__ == "__main__":
    unittest.main()
