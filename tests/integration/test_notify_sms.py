"""SMS through Twilio's wire format to a local fake: form fields, basic auth, the customer's
locale, the country allowlist, retries with backoff, reminders run twice, status callbacks
signed as Twilio signs them."""

import base64
import datetime
import hashlib
import hmac
import unittest
import urllib.parse

from fake_http import FakeHttp
from harness import Daemon, wait_for


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class SmsNotifications(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.twilio = FakeHttp().start()
        cls.addClassCleanup(cls.twilio.stop)
        cls.daemon = Daemon(
            "appointments: {phone_region: FR}\n"
            "notify:\n"
            "  timezone: Europe/Paris\n"
            "  quiet_hours: ''\n"
            "  retry: {base: 1s, max_delay: 2s}\n"
            "  sms:\n"
            "    provider: twilio\n"
            "    twilio: {base_url: '%s', account_sid: AC123, auth_token: secret-token, from: '+33700000001'}\n"
            % cls.twilio.url)
        cls.addClassCleanup(cls.daemon.close)
        cls.daemon.start()

    def wait_sent(self, notification_id):
        def done():
            n = self.daemon.ctl_json("notification", "show", str(notification_id))
            return n["status"] in ("sent", "failed")
        wait_for(done, "notification %d to settle" % notification_id, timeout=60)
        return self.daemon.ctl_json("notification", "show", str(notification_id))

    def test_link_in_the_customers_locale(self):
        d = self.daemon
        a = d.ctl_json("appointment", "create", "--customer-name", "Zoë", "--phone", "+33612345678",
                       "--locale", "fr")
        sent = d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "sms")
        self.assertEqual(sent["kind"], "link")
        n = self.wait_sent(sent["id"])
        self.assertEqual(n["status"], "sent", n)
        self.assertTrue(n["provider_id"].startswith("SM"))
        form = [m for m in self.twilio.twilio_messages() if m["To"] == "+33612345678"][-1]
        self.assertEqual(form["From"], "+33700000001")
        self.assertTrue(form["Body"].startswith("Rejoignez votre appel vidéo : " + d.public_url + "/j/"), form)
        self.assertTrue(form["StatusCallback"].startswith(
            d.public_url + "/api/v1/notifications/%d/status?token=" % sent["id"]))

    def test_numbers_as_people_write_them(self):
        d = self.daemon
        for written, e164 in (("+33 6 11 22 33 44", "+33611223344"), ("06 11 22 33 45", "+33611223345"),
                              ("0049 151 2345 6780", "+4915123456780")):
            a = d.ctl_json("appointment", "create", "--customer-name", "Noé", "--phone", written)
            self.assertEqual(a["customer_phone"], e164, written)
        sent = d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "sms")
        self.assertEqual(self.wait_sent(sent["id"])["status"], "sent")
        self.assertIn("+4915123456780", [m["To"] for m in self.twilio.twilio_messages()])
        r = d.ctl("appointment", "create", "--customer-name", "Bad", "--phone", "06 11 22")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn("'customer_phone' is not a valid phone number in France", r.stderr)

    def test_country_outside_the_allowlist_is_refused(self):
        d = self.daemon
        a = d.ctl_json("appointment", "create", "--customer-name", "Ana", "--phone", "+5511987654321")
        r = d.ctl("appointment", "send-link", str(a["id"]), "--via", "sms")
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertIn("SMS to Brazil (BR) is not allowed", r.stderr)
        r = d.ctl("appointment", "create", "--customer-name", "Bad", "--phone", "+3312")
        self.assertEqual(r.returncode, 65, r.stderr)

    def test_provider_down_then_back_delivers_once(self):
        d = self.daemon
        a = d.ctl_json("appointment", "create", "--customer-name", "Ida", "--phone", "+4915123456789")
        with self.twilio.lock:
            self.twilio.fail_next = 3
        sent = d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "sms")
        n = self.wait_sent(sent["id"])
        self.assertEqual(n["status"], "sent", n)
        self.assertEqual(n["attempts"], 4)
        self.assertEqual(len([m for m in self.twilio.twilio_messages() if m["To"] == "+4915123456789"]), 1)
        # retry.base 1s and max_delay 2s: the waits are 1, 2 and 2 s, and none may be cut short.
        times = self.twilio.arrival_times("+4915123456789")
        gaps = [later - earlier for earlier, later in zip(times, times[1:])]
        self.assertEqual(len(gaps), 3)
        for gap, delay in zip(gaps, (1, 2, 2)):
            self.assertGreaterEqual(gap, delay, gaps)
        log = d.log_text()
        self.assertIn("NOTIFY_RETRY id=%d" % sent["id"], log)
        retries = [e for e in d.ctl_json("audit", "list", "--object-type", "notification",
                                         "--object-id", str(sent["id"]))
                   if e["action"] == "notification.queued"]
        self.assertEqual(len(retries), 4)  # queued once, then re-queued after each of 3 failures

    def test_remind_twice_sends_one_reminder(self):
        d = self.daemon
        start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=30)
        ids = [d.ctl_json("appointment", "create", "--customer-name", "R%d" % i, "--phone", "+3361234567%d" % i,
                          "--locale", "en", "--at", iso(start))["id"] for i in range(3)]
        dry = d.ctl_json("remind", "--dry-run")
        mine = [i for i in dry["items"] if i["appointment_id"] in ids]
        self.assertEqual(len(mine), 3)
        self.assertTrue(all(i["outcome"] == "would_queue" for i in mine))
        self.assertTrue(all(i["sms_encoding"] == "GSM-7" and i["sms_segments"] == 1 for i in mine), mine)
        table = d.ctl("remind", "--dry-run")
        self.assertIn("segment(s), GSM-7", table.stdout)
        first = d.ctl("remind")
        second = d.ctl("remind")
        self.assertEqual((first.returncode, second.returncode), (0, 0), first.stderr + second.stderr)
        reminders = [n for n in d.ctl_json("notification", "list")
                     if n["kind"] == "reminder" and n["appointment_id"] in ids]
        self.assertEqual(len(reminders), 3)
        for n in reminders:
            self.assertEqual(self.wait_sent(n["id"])["status"], "sent")
        texts = [m["Body"] for m in self.twilio.twilio_messages() if m["Body"].startswith("Reminder:")]
        self.assertEqual(len([m for m in self.twilio.twilio_messages()
                              if m["Body"].startswith("Reminder:") and m["To"].startswith("+3361234567")]), 3, texts)

    def test_status_callback_marks_delivered(self):
        d = self.daemon
        a = d.ctl_json("appointment", "create", "--customer-name", "Cal", "--phone", "+33698765432")
        sent = d.ctl_json("appointment", "send-link", str(a["id"]), "--via", "sms")
        n = self.wait_sent(sent["id"])
        url = [m for m in self.twilio.twilio_messages() if m["To"] == "+33698765432"][-1]["StatusCallback"]
        path = url[len(d.public_url):]

        def callback(fields, target=path, token="secret-token", signature=None):
            # The fields Twilio posts, in the order it posts them; signed as Twilio documents it.
            body = urllib.parse.urlencode(fields)
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": twilio_signature(token, url, fields) if signature is None else signature}
            return d.https("POST", target, body, headers=headers)

        delivered = [("SmsSid", n["provider_id"]), ("SmsStatus", "delivered"),
                     ("MessageStatus", "delivered"), ("To", "+33698765432"),
                     ("MessageSid", n["provider_id"]), ("AccountSid", "AC123"),
                     ("From", "+33700000001"), ("ApiVersion", "2010-04-01")]
        status, body = callback(delivered, target=path.replace("token=", "token=0"))
        self.assertEqual((status, body["code"]), (403, "bad_callback_token"))
        for forged in (dict(token="another-token"), dict(signature="")):
            status, body = callback(delivered, **forged)
            self.assertEqual((status, body.get("code")), (403, "bad_signature"), (forged, body))
        # A field changed after signing, as a replay with a different status would.
        status, _ = callback(delivered, signature=twilio_signature(
            "secret-token", url, [(k, "failed" if k == "MessageStatus" else v) for k, v in delivered]))
        self.assertEqual(status, 403)
        self.assertEqual(d.ctl_json("notification", "show", str(sent["id"]))["status"], "sent")
        self.assertIn("bad_signature", d.log_text())

        other = [(k, "SMother" if k.endswith("Sid") and k != "AccountSid" else v) for k, v in delivered]
        status, body = callback(other)
        self.assertEqual(status, 409, body)
        problem = body
        self.assertEqual(problem["code"], "message_sid_mismatch")
        self.assertIn("SMother", problem["detail"])
        self.assertIn("notification %d was sent as message %s" % (sent["id"], n["provider_id"]), problem["detail"])

        status, body = callback(delivered)
        self.assertEqual(status, 200, body)
        self.assertEqual(d.ctl_json("notification", "show", str(sent["id"]))["status"], "delivered")


def twilio_signature(auth_token, url, fields):
    """Twilio's documented algorithm: the URL, then each field's name and value sorted by name."""
    signed = url + "".join(name + value for name, value in sorted(fields))
    return base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()

if __name__ == "__main__":
    unittest.main()
