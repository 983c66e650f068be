"""Invitations, reschedules and cancellations by email, received by a real SMTP server on
loopback; the MIME and the ICS are parsed back."""

import datetime
import unittest

import json
import os
import re
import sys
from zoneinfo import ZoneInfo

from call_helpers import hello
from fake_smtp import FakeSmtp, calendar_part, ics_fields, text_part
import tempfile

from harness import SOURCE_DIR, Daemon, wait_for, write_png

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "tools"))
from wsclient import WebSocket  # noqa: E402


PARIS = ZoneInfo("Europe/Paris")


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class EmailNotifications(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.smtp = FakeSmtp().start()
        cls.addClassCleanup(cls.smtp.stop)
        logo_dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(logo_dir.cleanup)
        write_png(os.path.join(logo_dir.name, "logo.png"))
        cls.daemon = Daemon(
            "branding: {name: 'Dupont & Fils', color: '#7b1fa2', logo: '%s/logo.png'}\n" % logo_dir.name +
            "notify:\n"
            "  timezone: Europe/Paris\n"
            "  retry: {base: 1s}\n"
            "  email: {smtp_url: '%s', tls: 'off', from: 'assist@example.org'}\n" % cls.smtp.url)
        cls.addClassCleanup(cls.daemon.close)
        cls.daemon.start()

    def wait_mails(self, count):
        wait_for(lambda: len(self.smtp.received()) >= count, "%d mails" % count, timeout=60)
        return self.smtp.received()

    def test_customer_time_zone_and_link_opening(self):
        d = self.daemon
        start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)).replace(
            second=0, microsecond=0)
        a = d.ctl_json("appointment", "create", "--customer-name", "Sam Lee", "--email", "sam@example.org",
                       "--timezone", "America/New_York", "--at", iso(start))
        self.assertEqual(a["customer_timezone"], "America/New_York")
        bad = d.ctl("appointment", "create", "--customer-name", "X", "--timezone", "Mars/Olympus")
        self.assertEqual(bad.returncode, 65)
        self.assertIn("IANA time zone", bad.stderr)

        before = len(self.smtp.received())
        sent = d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "email")
        _, _, message = self.wait_mails(before + 1)[before]
        body = text_part(message)
        local = start.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))  # EST in winter
        if 3 < start.month < 11:
            local = start.astimezone(datetime.timezone(datetime.timedelta(hours=-4)))
        self.assertIn("is booked for %s at %d:%02d, New York time.\n" % (
            local.strftime("%A ") + str(local.day) + local.strftime(" %B %Y"), local.hour, local.minute), body)

        def opened():
            rows = d.ctl_json("notification", "list")
            return [n for n in rows if n["id"] == sent["id"]][0]["opened_at"]
        self.assertIsNone(opened())
        token = re.search(re.escape(d.public_url) + r"/j/([A-Za-z0-9_-]+)", body).group(1)
        ws = WebSocket("wss://127.0.0.1:%d/ws/v1" % d.port, d.cert)
        ws.send(json.dumps(hello(token)))
        self.assertEqual(json.loads(ws.receive())["type"], "welcome")
        ws.close()
        wait_for(lambda: opened() is not None, "the opening to be recorded")
        events = d.ctl_json("audit", "list", "--action", "notification.opened")
        self.assertEqual([e["object_id"] for e in events], [str(sent["id"])])

    def test_invitation_reschedule_cancel(self):
        d = self.daemon
        start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)).replace(
            hour=9, minute=30, second=0, microsecond=0)
        a = d.ctl_json("appointment", "create", "--customer-name", "Zoë Martin", "--email", "zoe@example.org",
                       "--locale", "fr", "--at", iso(start), "--duration", "30m")
        before = len(self.smtp.received())

        sent = d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "email")
        self.assertEqual(sent["kind"], "invitation")
        mail_from, rcpt, message = self.wait_mails(before + 1)[before]
        self.assertEqual(mail_from, "assist@example.org")
        self.assertEqual(rcpt, ["zoe@example.org"])
        self.assertIn("Votre rendez-vous vidéo", message["Subject"])
        self.assertTrue(message["Message-ID"].startswith("<notification-%d-" % sent["id"]))
        body = text_part(message)
        self.assertIn("Bonjour Zoë Martin", body)
        self.assertIn(d.public_url + "/j/", body)
        self.assertIn("Votre rendez-vous vidéo de 30 minutes est prévu le ", body)
        self.assertIn(" à %d h 30, heure de Paris.\n" % start.astimezone(PARIS).hour, body)
        ics = ics_fields(calendar_part(message))
        self.assertEqual(ics["METHOD"], ["REQUEST"])
        uid = ics["UID"][0]
        self.assertRegex(uid, r"^appointment-%d-[0-9a-f]{32}@127\.0\.0\.1$" % a["id"])
        self.assertEqual(ics["SEQUENCE"], ["0"])
        self.assertEqual(ics["DTSTART"], [start.strftime("%Y%m%dT%H%M%SZ")])
        self.assertTrue(ics["LOCATION"][0].startswith(d.public_url + "/j/"))

        moved = start + datetime.timedelta(hours=2)
        d.ctl_json("appointment", "reschedule", str(a["id"]), "--at", iso(moved))
        _, _, message = self.wait_mails(before + 2)[before + 1]
        self.assertIn("déplacé", message["Subject"])
        ics = ics_fields(calendar_part(message))
        self.assertEqual(ics["METHOD"], ["REQUEST"])
        self.assertEqual(ics["UID"], [uid])
        self.assertEqual(ics["SEQUENCE"], ["1"])
        self.assertEqual(ics["DTSTART"], [moved.strftime("%Y%m%dT%H%M%SZ")])

        d.ctl_json("appointment", "cancel", str(a["id"]))
        _, _, message = self.wait_mails(before + 3)[before + 2]
        self.assertIn("annulé", message["Subject"])
        ics = ics_fields(calendar_part(message))
        self.assertEqual(ics["METHOD"], ["CANCEL"])
        self.assertEqual(ics["UID"], [uid])
        self.assertEqual(ics["STATUS"], ["CANCELLED"])
        self.assertEqual(ics["SEQUENCE"], ["2"])  # above the reschedule's, or calendars ignore it

        wait_for(lambda: all(n["status"] == "sent" for n in d.ctl_json("notification", "list")),
                 "every notification sent")
        kinds = [n["kind"] for n in d.ctl_json("notification", "list") if n["appointment_id"] == a["id"]]
        self.assertEqual(kinds, ["invitation", "reschedule", "cancellation"])
        events = [e["action"] for e in d.ctl_json("audit", "list", "--object-type", "notification")]
        self.assertIn("notification.sent", events)
        self.assertEqual(d.ctl("audit", "verify").returncode, 0)

    def test_the_company_signs_and_heads_the_email(self):
        d = self.daemon
        a = d.ctl_json("appointment", "create", "--customer-name", "Ada", "--email", "ada@example.org")
        before = len(self.smtp.received())
        d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "email")
        _, _, message = self.wait_mails(before + 1)[before]
        self.assertTrue(text_part(message).endswith("\n-- \nDupont & Fils\n"), text_part(message))
        (html,) = [p.get_content() for p in message.walk() if p.get_content_type() == "text/html"]
        self.assertIn('<div style="background:#7b1fa2;color:#ffffff;', html)
        self.assertIn('<img src="%s/brand/logo" alt=""' % d.public_url, html)
        self.assertIn("Dupont &amp; Fils</div>", html)

    def test_refusals(self):
        d = self.daemon
        a = d.ctl_json("appointment", "create", "--customer-name", "No Mail")
        r = d.ctl("appointment", "send-link", str(a["id"]), "--via", "email")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn("no customer email", r.stderr)
        r = d.ctl("appointment", "send-link", str(a["id"]), "--via", "webhook")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn("webhook is not configured", r.stderr)
        r = d.ctl("appointment", "send-link", str(a["id"]), "--via", "pigeon")
        self.assertEqual(r.returncode, 64, r.stderr)


if __name__ == "__main__":
    unittest.main()
