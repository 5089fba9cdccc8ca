"""The one place email leaves the system: SMTP through the standard library.

Tests point the settings at a real local SMTP server (aiosmtpd) rather than replacing this
module with a mock.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from types import TracebackType

from backend.settings import Settings, get_settings

TIMEOUT_SECONDS = 15
IMPLICIT_TLS_PORT = 465


class MailNotConfigured(RuntimeError):
    """No SMTP host is configured; email waits in the outbox."""


def sender_as(sender: str, name: str | None) -> str:
    """The From header: ``sender`` (``TRUELEVEL_MAIL_FROM``) with ``name`` as its display name."""
    if not name:
        return sender
    return formataddr((name, parseaddr(sender)[1]))


class SmtpConnection:
    """An open, authenticated connection that sends any number of messages; close it (or use
    it as a context manager) when the batch is done."""

    def __init__(self, smtp: smtplib.SMTP, sender: str) -> None:
        self._smtp = smtp
        self._sender = sender

    def send(
        self,
        *,
        to: str,
        subject: str,
        body: str,
        reply_to: str | None = None,
        sender_name: str | None = None,
    ) -> None:
        """Send one plain-text message; raises smtplib or OS errors on failure. ``sender_name``
        replaces the display name of the installation's From address (the address stays)."""
        message = EmailMessage()
        message["From"] = sender_as(self._sender, sender_name)
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain="truelevel.local")
        if reply_to:
            message["Reply-To"] = reply_to
        message.set_content(body)
        self._smtp.send_message(message)

    def close(self) -> None:
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def connect(settings: Settings | None = None) -> SmtpConnection:
    """Open a connection to the configured SMTP server: implicit TLS on port 465, STARTTLS when
    ``smtp_starttls`` is set, login when a user is set."""
    settings = settings or get_settings()
    if not settings.mail_enabled:
        raise MailNotConfigured("mail not configured")
    if settings.smtp_port == IMPLICIT_TLS_PORT:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
    try:
        if settings.smtp_starttls and settings.smtp_port != IMPLICIT_TLS_PORT:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return SmtpConnection(smtp, settings.mail_from)
