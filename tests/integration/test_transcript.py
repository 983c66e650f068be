"""In-call chat: participants' messages reach everyone in the call as they are sent, are stored in
order, are sent as chat_history to whoever joins later, and `assistctl appointment transcript`
prints them (text by default, escaped so that a message cannot drive the terminal)."""

import csv
import io
import json
import re
import sqlite3
import subprocess
import unittest

from call_helpers import ICE_YAML, CallTestMixin
from harness import ASSISTCTL, DaemonTestCase, wait_for

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
CHAT_FIELDS = {"type", "id", "participant", "role", "name", "text", "sent_at"}


class Transcript(CallTestMixin, DaemonTestCase):
    extra_yaml = ICE_YAML
    users = 0

    # ---- helpers ----

    def specialist_user(self, display_name):
        """A new specialist user (names are unique per daemon, which the whole class shares)."""
        Transcript.users += 1
        username = "spec-%d" % Transcript.users
        added = self.daemon.ctl("user", "add", username, "--role", "specialist", "--display-name", display_name)
        self.assertEqual(added.returncode, 0, added.stderr)
        return username

    def api_key(self, username):
        return self.daemon.ctl_json("apikey", "create", "--name", "key-" + username, "--user", username)["key"]

    @staticmethod
    def chats(member):
        return [m for _, m in list(member.messages) if m["type"] == "chat"]

    @staticmethod
    def errors(member):
        return [m for _, m in list(member.messages) if m["type"] == "error"]

    def wait_chats(self, member, n):
        wait_for(lambda: len(self.chats(member)) >= n, "%d chat messages" % n, timeout=10)
        return self.chats(member)

    def wait_errors(self, member, n):
        wait_for(lambda: len(self.errors(member)) >= n, "%d error replies" % n, timeout=10)
        return self.errors(member)

    def say(self, member, text):
        member.ws.send(json.dumps({"type": "chat", "text": text}))

    def participant_label(self, member):
        return member.first("welcome")[1]["participant"]

    def transcript(self, appointment_id, *args):
        """What assistctl printed, exactly: bytes decoded without newline translation, so that a
        stray CR would show."""
        result = subprocess.run([ASSISTCTL, "--socket", self.daemon.socket, "appointment", "transcript",
                                 str(appointment_id)] + list(args), capture_output=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        return result.stdout.decode()

    def rest_messages(self, appointment_id, query=""):
        status, body = self.daemon.https("GET", "/api/v1/appointments/%d/messages%s" % (appointment_id, query),
                                         key=self.admin_key())
        self.assertEqual(status, 200, body)
        return body

    def admin_key(self):
        if not hasattr(Transcript, "_admin_key"):
            Transcript._admin_key = self.daemon.ctl_json("apikey", "create", "--name", "transcript-admin")["key"]
        return Transcript._admin_key

    @staticmethod
    def as_item(chat):
        """A chat message as the REST API gives it."""
        return {"id": chat["id"],
                "sender": {"participant": chat["participant"], "role": chat["role"], "name": chat["name"]},
                "text": chat["text"], "sent_at": chat["sent_at"]}

    # ---- tests ----

    def test_chat_reaches_everyone_is_kept_and_printed(self):
        username = self.specialist_user("Dr Who")
        appointment_id, customer_token, specialist_token = self.appointment(specialist=username)
        customer = self.member(customer_token)
        specialist = self.member(specialist_token)
        customer_label = self.participant_label(customer)
        specialist_label = self.participant_label(specialist)
        self.assertNotEqual(customer_label, specialist_label)

        self.say(customer, "hello <b>x</b>")
        self.wait_chats(specialist, 1)
        self.say(customer, "line one\nline two\n  indented\n")  # the trailing newline is trimmed
        self.wait_chats(specialist, 2)
        self.say(specialist, "Hi Caller, how can I help?")
        sent = [(customer_label, "customer", "Caller", "hello <b>x</b>"),
                (customer_label, "customer", "Caller", "line one\nline two\n  indented"),
                (specialist_label, "specialist", "Dr Who", "Hi Caller, how can I help?")]

        # Both receive each message, their own too, with the same id, in the order sent.
        for member in (customer, specialist):
            chats = self.wait_chats(member, 3)
            self.assertEqual(len(chats), 3, chats)
            for chat, (label, role, name, text) in zip(chats, sent):
                self.assertEqual(set(chat), CHAT_FIELDS, chat)
                self.assertEqual((chat["participant"], chat["role"], chat["name"], chat["text"]),
                                 (label, role, name, text))
                self.assertIsInstance(chat["id"], int)
                self.assertRegex(chat["sent_at"], ISO)
            self.assertEqual([c["id"] for c in chats], sorted(c["id"] for c in chats))
            self.assertEqual(len({c["id"] for c in chats}), 3)
        self.assertEqual(self.chats(customer), self.chats(specialist))
        chats = self.chats(customer)

        # A second customer link joining later (the same token would take over the first
        # connection) gets the history right after joining, and nothing twice.
        late = self.member(self.link(appointment_id, "customer"))
        wait_for(lambda: late.first("chat_history") is not None, "chat_history", timeout=10)
        history = late.first("chat_history")[1]
        self.assertEqual(set(history), {"type", "messages"})
        self.assertEqual(history["messages"], chats)
        types = late.types()
        self.assertEqual(types[0], "welcome", types)
        self.assertEqual(types.count("chat_history"), 1, types)
        self.assertEqual(self.chats(late), [])
        # The ones already in the call had an empty history when they joined.
        self.assertEqual(customer.first("chat_history")[1]["messages"], [])

        # The REST API gives the same messages.
        self.assertEqual(self.rest_messages(appointment_id),
                         {"items": [self.as_item(c) for c in chats], "next_cursor": None})

        # assistctl: text by default, one line per message, later lines indented by two spaces.
        t = [c["sent_at"] for c in chats]
        self.assertEqual(self.transcript(appointment_id),
                         "%s Caller (customer): hello <b>x</b>\n"
                         "%s Caller (customer): line one\n"
                         "  line two\n"
                         "    indented\n"
                         "%s Dr Who (specialist): Hi Caller, how can I help?\n" % tuple(t))
        self.assertEqual(self.transcript(appointment_id, "-o", "text"), self.transcript(appointment_id))
        # json: the API's items, all pages.
        items = [self.as_item(c) for c in chats]
        self.assertEqual(json.loads(self.transcript(appointment_id, "-o", "json")), items)
        # The global -o before the command words works too (table, json, csv only there).
        result = self.daemon.ctl("-o", "json", "appointment", "transcript", str(appointment_id))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), items)
        # csv: sent_at, role, name, text, the text unchanged.
        rows = list(csv.DictReader(io.StringIO(self.transcript(appointment_id, "-o", "csv"))))
        self.assertEqual(list(rows[0].keys()), ["sent_at", "role", "name", "text"])
        self.assertEqual([(r["sent_at"], r["role"], r["name"], r["text"]) for r in rows],
                         [(c["sent_at"], c["role"], c["name"], c["text"]) for c in chats])
        # table: one line per message, a line break shown escaped.
        table = self.transcript(appointment_id, "-o", "table").splitlines()
        self.assertEqual(table[0].split(), ["SENT", "ROLE", "NAME", "TEXT"])
        self.assertEqual(len(table), 4, table)
        self.assertTrue(table[2].endswith("line one\\x0aline two\\x0a  indented"), table)

        events = self.events(appointment_id, "message.sent")
        self.assertEqual([e["details"]["message_id"] for e in events], [c["id"] for c in chats])
        self.assert_audit_intact()

    def test_typing_reaches_the_others_only(self):
        appointment_id, customer_token, specialist_token = self.appointment()
        customer = self.member(customer_token)
        specialist = self.member(specialist_token)

        def typings(member):
            return [m for _, m in list(member.messages) if m["type"] == "typing"]

        customer.ws.send(json.dumps({"type": "typing", "active": True}))
        wait_for(lambda: typings(specialist), "a typing notice", timeout=10)
        self.assertEqual(typings(specialist), [{"type": "typing", "participant": self.participant_label(customer),
                                                "name": "Caller", "active": True}])
        customer.ws.send(json.dumps({"type": "typing", "active": False}))
        wait_for(lambda: len(typings(specialist)) == 2, "the stop", timeout=10)
        self.assertFalse(typings(specialist)[1]["active"])
        # The sender hears nothing back (a ping after it proves its notices were handled).
        customer.ws.send(json.dumps({"type": "ping"}))
        wait_for(lambda: "pong" in customer.types(), "pong", timeout=10)
        self.assertEqual(typings(customer), [])
        self.assertEqual(self.errors(customer), [])
        # Never stored.
        self.assertEqual(self.rest_messages(appointment_id)["items"], [])
        self.assertEqual(self.sql("SELECT id FROM messages WHERE appointment_id = ?", appointment_id), [])

    def test_refused_texts_are_not_stored(self):
        appointment_id, customer_token, _ = self.appointment()
        customer = self.member(customer_token)
        refused = [("", "malformed"), (" \n\t ", "malformed"), ("x" * 2001, "too_large"),
                   ("\u00e9" * 4001, "too_large")]  # 8002 bytes: over the 8000-byte frame limit
        for i, (text, code) in enumerate(refused, 1):
            self.say(customer, text)
            errors = self.wait_errors(customer, i)
            self.assertEqual(errors[-1]["code"], code, (len(text), errors[-1]))
        self.say(customer, "\u00e9" * 2000)  # 2000 characters, 4000 bytes: the longest allowed
        (chat,) = self.wait_chats(customer, 1)
        self.assertEqual(chat["text"], "\u00e9" * 2000)
        self.assertEqual(len(self.errors(customer)), len(refused))
        items = self.rest_messages(appointment_id)["items"]
        self.assertEqual([m["id"] for m in items], [chat["id"]])
        self.assertEqual(len(self.sql("SELECT id FROM messages WHERE appointment_id = ?", appointment_id)), 1)

    def test_control_characters_are_escaped_in_text_output(self):
        appointment_id, customer_token, _ = self.appointment()
        customer = self.member(customer_token)
        # ESC [2J (clear the screen), CSI as one C1 character, BEL, a lone CR, a tab, NUL, DEL; a
        # CR LF is a line break.
        hostile = "before\x1b[2Jafter\u009b31mred\x07\rover\tx\r\nnext\x00\x7f"
        self.say(customer, hostile)
        (chat,) = self.wait_chats(customer, 1)
        self.assertEqual(chat["text"], hostile)
        out = self.transcript(appointment_id)
        self.assertEqual(out, "%s Caller (customer): before\\x1b[2Jafter\\x9b31mred\\x07\\x0dover\\x09x\n"
                         "  next\\x00\\x7f\n" % chat["sent_at"])
        for c in out:
            self.assertFalse((ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f, repr(out))
        table = self.transcript(appointment_id, "-o", "table").splitlines()
        self.assertEqual(len(table), 2, table)
        self.assertTrue(table[1].endswith(
            "before\\x1b[2Jafter\\x9b31mred\\x07\\x0dover\\x09x\\x0anext\\x00\\x7f"), table)
        # json keeps the text as it is.
        self.assertEqual(json.loads(self.transcript(appointment_id, "-o", "json"))[0]["text"], hostile)

    def test_transcript_follows_pages(self):
        appointment_id, customer_token, _ = self.appointment()
        customer = self.member(customer_token)
        self.say(customer, "first")
        (first,) = self.wait_chats(customer, 1)
        # More than one page of 500 (the chat's own flood control is 3 a second): copies of the first.
        with sqlite3.connect(self.daemon.database, timeout=10) as db:
            db.execute("INSERT INTO messages (appointment_id, participant_id, sender_label, sender_role, "
                       "sender_name, body, sent_at) SELECT appointment_id, participant_id, sender_label, "
                       "sender_role, sender_name, 'copy', sent_at FROM messages WHERE id = ?", (first["id"],))
            for _ in range(10):  # 2**10 copies
                db.execute("INSERT INTO messages (appointment_id, participant_id, sender_label, sender_role, "
                           "sender_name, body, sent_at) SELECT appointment_id, participant_id, sender_label, "
                           "sender_role, sender_name, 'copy', sent_at FROM messages WHERE appointment_id = ? "
                           "AND body = 'copy'", (appointment_id,))
        total = 1 + 2 ** 10
        page = self.rest_messages(appointment_id, "?limit=500")
        self.assertEqual(len(page["items"]), 500)
        self.assertEqual(page["next_cursor"], str(page["items"][-1]["id"]))
        items = json.loads(self.transcript(appointment_id, "-o", "json"))
        self.assertEqual(len(items), total)
        ids = [m["id"] for m in items]
        self.assertEqual(ids, sorted(set(ids)))
        self.assertEqual(items[0], self.as_item(first))
        lines = self.transcript(appointment_id).splitlines()
        self.assertEqual(len(lines), total)
        self.assertTrue(lines[0].endswith("Caller (customer): first"), lines[0])
        self.assertTrue(lines[-1].endswith("Caller (customer): copy"), lines[-1])
        # The chat outlives the call.
        self.assertEqual(self.daemon.ctl("appointment", "cancel", str(appointment_id), "-q").returncode, 0)
        self.assertEqual(len(self.transcript(appointment_id).splitlines()), total)

    def test_another_specialists_appointment_is_not_found(self):
        owner = self.specialist_user("Owner")
        other = self.specialist_user("Other")
        appointment_id, customer_token, _ = self.appointment(specialist=owner)
        customer = self.member(customer_token)
        self.say(customer, "private")
        self.wait_chats(customer, 1)
        path = "/api/v1/appointments/%d/messages" % appointment_id
        other_key, owner_key = self.api_key(other), self.api_key(owner)
        status, problem = self.daemon.https("GET", path, key=other_key)
        self.assertEqual((status, problem["code"]), (404, "appointment_not_found"), problem)
        status, body = self.daemon.https("GET", path, key=owner_key)
        self.assertEqual(status, 200, body)
        self.assertEqual([m["text"] for m in body["items"]], ["private"])

        def remote(key, *args):
            return subprocess.run([ASSISTCTL, "--url", self.daemon.public_url, "--api-key", key, "--ca-file",
                                   self.daemon.cert, "appointment", "transcript", str(appointment_id)] + list(args),
                                  capture_output=True, text=True, timeout=60)
        denied = remote(other_key)
        self.assertEqual(denied.returncode, 65, denied.stderr)
        self.assertEqual(denied.stdout, "")
        self.assertIn("appointment_not_found", denied.stderr)
        self.assertIn(problem["detail"], denied.stderr)
        allowed = remote(owner_key)
        self.assertEqual(allowed.returncode, 0, allowed.stderr)
        self.assertRegex(allowed.stdout, r"^\S+Z Caller \(customer\): private\n$")

        missing = self.daemon.ctl("appointment", "transcript", "999999")
        self.assertEqual(missing.returncode, 65)
        self.assertIn("appointment_not_found", missing.stderr)

    def test_usage_and_unreachable_daemon(self):
        help_text = self.daemon.ctl("appointment", "transcript", "--help")
        self.assertEqual(help_text.returncode, 0, help_text.stderr)
        self.assertIn("text (default for this command)", help_text.stdout)
        self.assertEqual(self.daemon.ctl("appointment", "transcript", "1", "-o", "yaml").returncode, 64)
        self.assertEqual(self.daemon.ctl("appointment", "transcript").returncode, 64)
        # text is this command's format only.
        self.assertEqual(self.daemon.ctl("appointment", "list", "-o", "text").returncode, 64)
        result = subprocess.run([ASSISTCTL, "--socket", "/nonexistent/assistd.sock", "appointment", "transcript",
                                 "1"], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 69, result.stderr)
        self.assertIn("cannot reach assistd", result.stderr)


if __name__ == "__main__":
    unittest.main()
