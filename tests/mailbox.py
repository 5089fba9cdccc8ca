"""A real local SMTP server (aiosmtpd) that keeps every message it accepts, for tests that follow
an email's link the way its reader would."""

from __future__ import annotations

import re
import socket
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


class Mailbox:
    """Start with :meth:`start`, stop with :meth:`stop`; ``messages`` in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted"

    def start(self) -> Mailbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def env(self) -> dict[str, str]:
        """The settings that send the app's mail here."""
        return {"TRUELEVEL_SMTP_HOST": "127.0.0.1", "TRUELEVEL_SMTP_PORT": str(self.port)}

    def wait_for(self, to: str, subject: str, timeout: float = 20.0) -> EmailMessage:
        """The newest message to ``to`` whose subject contains ``subject``, waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(self.messages):
                if message["To"] == to and subject in message["Subject"]:
                    return message
            if time.monotonic() > deadline:
                raise AssertionError(f"no email to {to} about {subject!r} arrived")
            time.sleep(0.1)


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def link_in(message: EmailMessage) -> str:
    """The first web address in the message's text."""
    found = LINK.search(body_of(message))
    assert found, body_of(message)
    return found.group(0)
