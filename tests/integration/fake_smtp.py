"""A real SMTP server on 127.0.0.1 (Debian's python3-aiosmtpd) that keeps what it receives."""

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from harness import free_port


class _Handler:
    def __init__(self, owner):
        self.owner = owner

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.owner.lock:
            self.owner.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


class FakeSmtp:
    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.lock = threading.Lock()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def received(self):
        with self.lock:
            return list(self.messages)


def calendar_part(message):
    """The text/calendar part's text, or None."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    return None


def text_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_content()
    return None


def ics_fields(ics):
    """Top-level 'NAME:value' lines of an ICS text (unfolded), name -> list of values."""
    fields = {}
    unfolded = ics.replace("\r\n ", "").replace("\n ", "")
    for line in unfolded.splitlines():
        if ":" in line:
            name, value = line.split(":", 1)
            fields.setdefault(name.split(";")[0], []).append(value)
    return fields
