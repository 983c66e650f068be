"""SMS through the generic JSON-over-HTTP provider: URL, headers and body template from the
configuration, received by a local HTTP server."""

import json
import unittest

from fake_http import FakeHttp
from harness import Daemon, wait_for


class GenericSmsProvider(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeHttp().start()
        cls.addClassCleanup(cls.server.stop)
        cls.daemon = Daemon(
            "notify:\n"
            "  sms:\n"
            "    provider: http\n"
            "    http:\n"
            "      url: '%s/v1/sms'\n"
            "      headers: ['Authorization: Bearer sms-secret', 'X-Tenant: assist']\n"
            "      body: '{\"recipient\": {{to}}, \"message\": {{body}}, \"sender\": \"Assist\"}'\n"
            % cls.server.url)
        cls.addClassCleanup(cls.daemon.close)
        cls.daemon.start()

    def test_link_is_posted_as_configured(self):
        d = self.daemon
        a = d.ctl_json("appointment", "create", "--customer-name", "Ada", "--phone", "+33612345678")
        sent = d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "sms")

        def settled():
            return d.ctl_json("notification", "show", str(sent["id"]))["status"] in ("sent", "failed")
        wait_for(settled, "the SMS to be sent", timeout=60)
        self.assertEqual(d.ctl_json("notification", "show", str(sent["id"]))["status"], "sent")
        (path, headers, body, status), = [r for r in self.server.received() if r[0] == "/v1/sms"]
        self.assertEqual(status, 200)
        self.assertEqual(headers["Authorization"], "Bearer sms-secret")
        self.assertEqual(headers["X-Tenant"], "assist")
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        payload = json.loads(body)
        self.assertEqual(payload["recipient"], "+33612345678")
        self.assertEqual(payload["sender"], "Assist")
        self.assertIn(d.public_url + "/j/", payload["message"])


if __name__ == "__main__":
    unittest.main()
