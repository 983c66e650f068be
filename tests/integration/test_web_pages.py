"""The pages assistd serves: statuses, types and security headers, the link status carried by
the join page and the queue status carried by a queue's entry page, and that nothing a
customer's name holds can break out of it."""

import json
import re
import signal
import sqlite3
import unittest

import os

from harness import DaemonTestCase, wait_for, write_png


UNBRANDED = {"name": "", "color": "#0b62d6", "logo": False}


class WebPages(DaemonTestCase):
    def get(self, path, headers=None):
        conn = self.daemon.connection()
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def page_data(self, body, element_id):
        match = re.search(r'<script type="application/json" id="%s">(.*?)</script>' % element_id, body, re.S)
        self.assertIsNotNone(match, "the page carries no #%s" % element_id)
        return json.loads(match.group(1))

    def link_info(self, body):
        return self.page_data(body, "link")

    def assert_page_headers(self, headers, what):
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8", what)
        self.assertIn("default-src 'self'", headers["Content-Security-Policy"], what)
        self.assertIn("frame-ancestors 'none'", headers["Content-Security-Policy"], what)
        self.assertEqual(headers["Referrer-Policy"], "no-referrer", what)

    def test_console_and_assets(self):
        status, headers, body = self.get("/console")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertIn("default-src 'self'", headers["Content-Security-Policy"])
        self.assertIn("frame-ancestors 'none'", headers["Content-Security-Policy"])
        self.assertEqual(headers["Referrer-Policy"], "no-referrer")
        self.assertIn('src="/web/console.js"', body)
        for name in ("console.js", "join.js", "queue.js", "protocol.js", "call_view.js", "chat_view.js", "i18n.js",
                     "dom.js", "console_api.js", "waiting_list.js", "arrival_alert.js", "branding.js", "device_check.js",
                     "network_quality.js"):
            status, headers, body = self.get("/web/" + name)
            self.assertEqual((status, headers["Content-Type"]), (200, "text/javascript; charset=utf-8"), name)
            self.assertIn("// @ts-check", body)
        self.assertEqual(self.get("/web/style.css")[1]["Content-Type"], "text/css; charset=utf-8")

    def test_unknown_paths_and_methods(self):
        for path in ("/web/missing.js", "/web/../../etc/passwd", "/web/join.html", "/web/queue.html", "/web/"):
            self.assertEqual(self.get(path)[0], 404, path)
        status, headers, _ = self.get("/")
        self.assertEqual((status, headers["Location"]), (302, "/console"))
        status, _ = self.daemon.https("POST", "/console", {"x": 1})
        self.assertEqual(status, 405)
        self.assertIn(("Allow", "GET"), self.daemon.last_headers)

    def test_join_page_carries_the_link_status_in_the_customers_language(self):
        created = self.daemon.ctl_json("appointment", "create", "--customer-name", "Ada", "--locale", "fr")
        path = "/j/" + created["join_url"].rsplit("/", 1)[1]
        status, _, body = self.get(path)
        info = self.link_info(body)
        self.assertEqual((status, info["status"], info["customer_name"]), (200, "ok", "Ada"))
        self.assertEqual(info["language"], "fr", "the appointment's language without Accept-Language")
        _, _, body = self.get(path, {"Accept-Language": "de-DE, en;q=0.8, fr;q=0.5"})
        self.assertEqual(self.link_info(body)["language"], "en")
        status, _, body = self.get("/j/" + "x" * 5000)
        self.assertEqual((status, self.link_info(body)), (404, {"status": "invalid_token", "language": "en", "branding": UNBRANDED}))

    def test_queue_entry_page_carries_the_queue_status_in_the_customers_language(self):
        self.daemon.ctl_json("queue", "create", "Roadside help", "--slug", "roadside",
                             "--description", "Broken down? We help.", "--timezone", "Europe/Paris")
        status, headers, body = self.get("/q/roadside", {"Accept-Language": "fr-CA, fr;q=0.9, en;q=0.5"})
        self.assertEqual(status, 200)
        self.assert_page_headers(headers, "/q/roadside")
        self.assertIn('src="/web/queue.js"', body)
        self.assertEqual(self.page_data(body, "queue-info"), {
            "status": "ok", "language": "fr", "branding": UNBRANDED,
            "queue": {"slug": "roadside", "name": "Roadside help", "description": "Broken down? We help.",
                      "timezone": "Europe/Paris", "state": "open", "next_opening": None}})
        self.assertEqual(self.page_data(self.get("/q/roadside")[2], "queue-info")["language"], "en")
        # The page says what the public API says, closed included.
        self.assertEqual(self.daemon.ctl("queue", "close", "roadside").returncode, 0)
        status, _, body = self.get("/q/roadside")
        _, public = self.daemon.https("GET", "/api/v1/public/queues/roadside")
        self.assertEqual((status, self.page_data(body, "queue-info")["queue"]), (200, public))
        self.assertEqual(public["state"], "closed")

    def test_an_unknown_queue_is_a_404_page_in_the_customers_language(self):
        for path in ("/q/no-such-queue", "/q/", "/q/Not_A_Slug", "/q/" + "x" * 5000, "/q/roadside/more"):
            status, headers, body = self.get(path, {"Accept-Language": "fr"})
            self.assertEqual(status, 404, path)
            self.assert_page_headers(headers, path)
            self.assertEqual(self.page_data(body, "queue-info"), {"status": "unknown", "language": "fr", "branding": UNBRANDED}, path)
        status, _ = self.daemon.https("POST", "/q/no-such-queue", {"customer_name": "Ada"})
        self.assertEqual(status, 405)

    def test_refused_links_have_their_own_status(self):
        expired = self.daemon.ctl_json("appointment", "create", "--customer-name", "Late")
        # Move it into the past, as if the customer came back the next day.
        with sqlite3.connect(self.daemon.database) as db:
            db.execute("UPDATE appointments SET starts_at = starts_at - 86400 WHERE id = ?", (expired["id"],))
        status, _, body = self.get("/j/" + expired["join_url"].rsplit("/", 1)[1])
        self.assertEqual((status, self.link_info(body)["status"]), (410, "link_expired"))
        cancelled = self.daemon.ctl_json("appointment", "create", "--customer-name", "Gone")
        self.daemon.ctl_json("appointment", "cancel", str(cancelled["id"]))
        status, _, body = self.get("/j/" + cancelled["join_url"].rsplit("/", 1)[1])
        info = self.link_info(body)
        self.assertEqual((status, info["status"], info["appointment_state"]), (410, "appointment_closed", "cancelled"))
        self.assertNotIn("terms", info)

    def test_a_hostile_name_stays_inside_the_page_data(self):
        name = "</script><script>alert(1)</script>"
        created = self.daemon.ctl_json("appointment", "create", "--customer-name", name)
        _, _, body = self.get("/j/" + created["join_url"].rsplit("/", 1)[1])
        self.assertNotIn("<script>alert", body)
        self.assertEqual(self.link_info(body)["customer_name"], name)

    def logo(self):
        conn = self.daemon.connection()
        try:
            conn.request("GET", "/brand/logo")
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type"), response.read()
        finally:
            conn.close()

    def reload(self, extra_yaml):
        reloads = self.daemon.log_text().count("CONFIG_RELOAD")
        self.daemon.write_config(extra_yaml)
        self.daemon.process.send_signal(signal.SIGHUP)
        wait_for(lambda: self.daemon.log_text().count("CONFIG_RELOAD") > reloads, "the reload")

    def test_branding_comes_from_the_configuration_and_a_bad_logo_is_refused(self):
        self.assertEqual(self.logo()[0], 404, "no logo configured")
        logo = os.path.join(self.daemon.dir, "logo.png")
        png = write_png(logo)
        self.addCleanup(self.reload, "")
        self.reload('branding:\n  name: "Dupont & Fils"\n  logo: "%s"\n  color: "#7b1fa2"\n' % logo)
        self.assertEqual(self.logo(), (200, "image/png", png))
        self.daemon.ctl("user", "add", "bob", "--display-name", "Bob Stone", "--password", stdin="correct horse battery\n")
        created = self.daemon.ctl_json("appointment", "create", "--customer-name", "Ada", "--specialist", "bob")
        _, _, body = self.get("/j/" + created["join_url"].rsplit("/", 1)[1])
        info = self.link_info(body)
        self.assertEqual(info["branding"], {"name": "Dupont & Fils", "color": "#7b1fa2", "logo": True})
        self.assertEqual(info["specialist_name"], "Bob Stone")
        queue = self.daemon.ctl_json("queue", "create", "Brand help", "--slug", "brand-help")
        _, _, body = self.get("/q/" + queue["slug"])
        self.assertEqual(self.page_data(body, "queue-info")["branding"]["name"], "Dupont & Fils")
        # An SVG (which could carry a script) is refused: the reload fails and the old logo stays.
        svg = os.path.join(self.daemon.dir, "logo.svg")
        with open(svg, "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')
        self.reload('branding:\n  logo: "%s"\n' % svg)
        self.assertIn("must be a PNG, JPEG or WebP image", self.daemon.log_text())
        self.assertEqual(self.logo()[0], 200)
        # A logo that goes bad after the reload is not served either.
        with open(logo, "w") as f:
            f.write("<html>not a picture</html>\n")
        self.assertEqual(self.logo()[0], 404)
        self.assertIn("BRAND_LOGO_UNUSABLE", self.daemon.log_text())

    def test_consent_text_comes_from_the_configuration(self):
        # Live keys: a reload applies them to the next page.
        self.daemon.write_config('consent:\n  terms: "Be kind."\n  privacy: "We keep nothing."\n')
        self.daemon.process.send_signal(signal.SIGHUP)
        wait_for(lambda: "CONFIG_RELOADED" in self.daemon.log_text(), "the reload")
        created = self.daemon.ctl_json("appointment", "create", "--customer-name", "Ada")
        _, _, body = self.get("/j/" + created["join_url"].rsplit("/", 1)[1])
        info = self.link_info(body)
        self.assertEqual((info["terms"], info["privacy"]), ("Be kind.", "We keep nothing."))


if __name__ == "__main__":
    unittest.main()
