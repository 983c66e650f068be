"""Webhook events signed with HMAC-SHA256 over timestamp + "." + body; the receiver verifies."""

import hashlib
import hmac
import json
import time
import unittest

from fake_http import FakeHttp
from harness import Daemon, wait_for

SECRET = "whsec-test-0123456789"


class WebhookNotifications(unittest.TestCase):
    def test_signature_verifies(self):
        receiver = FakeHttp().start()
        self.addCleanup(receiver.stop)
        d = Daemon("notify:\n  webhook: {url: '%s/hooks/assist', secret: '%s'}\n" % (receiver.url, SECRET))
        self.addCleanup(d.close)
        d.start()
        a = d.ctl_json("appointment", "create", "--customer-name", "Web Hook", "--email", "w@example.org")
        sent = d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "webhook")
        wait_for(lambda: receiver.received(), "the webhook", timeout=60)
        path, headers, body, _ = receiver.received()[0]
        self.assertEqual(path, "/hooks/assist")
        timestamp = headers["X-Assist-Timestamp"]
        self.assertLess(abs(int(timestamp) - time.time()), 120)
        expected = "v1=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        self.assertTrue(hmac.compare_digest(headers["X-Assist-Signature"], expected))
        wrong = "v1=" + hmac.new(b"other", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        self.assertNotEqual(headers["X-Assist-Signature"], wrong)
        event = json.loads(body)
        self.assertEqual(event["type"], "appointment.link")
        self.assertEqual(event["id"], "notification-%d" % sent["id"])
        self.assertEqual(headers["X-Assist-Event-Id"], event["id"])
        self.assertEqual(event["appointment"]["id"], a["id"])
        self.assertTrue(event["join_url"].startswith(d.public_url + "/j/"))


if __name__ == "__main__":
    unittest.main()
