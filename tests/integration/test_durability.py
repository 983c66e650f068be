"""kill -9 while appointment creations are in flight: every answered creation survives."""

import json
import signal
import threading
import unittest

from harness import Daemon


class Durability(unittest.TestCase):
    def test_kill_during_200_creations(self):
        d = Daemon().start()
        try:
            key = d.ctl_json("apikey", "create", "--name", "load")["key"]
            answered = {}
            lock = threading.Lock()
            enough = threading.Event()
            start = threading.Barrier(200)

            def create(i):
                start.wait()
                try:
                    status, body = d.https("POST", "/api/v1/appointments",
                                           {"customer_name": "customer %d" % i}, key=key)
                except Exception:  # the daemon died under us: this creation was never answered
                    return
                if status == 201:
                    with lock:
                        answered[body["id"]] = "customer %d" % i
                        if len(answered) >= 60:
                            enough.set()

            threads = [threading.Thread(target=create, args=(i,)) for i in range(200)]
            for t in threads:
                t.start()
            enough.wait(timeout=120)
            d.process.send_signal(signal.SIGKILL)
            d.process.wait()
            for t in threads:
                t.join(timeout=120)
            self.assertGreaterEqual(len(answered), 60)

            d.start()
            stored = {a["id"]: a["customer_name"] for a in d.ctl_json("appointment", "list", "--limit", "1000")}
            for appointment_id, name in answered.items():
                self.assertEqual(stored.get(appointment_id), name, "answered 201 but lost: %d" % appointment_id)
            verify = d.ctl("audit", "verify", "-o", "json")
            self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
            self.assertTrue(json.loads(verify.stdout)["ok"])
            # Every stored appointment has its creation event: none half-written.
            events = d.ctl_json("audit", "list", "--action", "appointment.create", "--limit", "1000")
            self.assertEqual(sorted(int(e["object_id"]) for e in events), sorted(stored))
        finally:
            d.close()


if __name__ == "__main__":
    unittest.main()
