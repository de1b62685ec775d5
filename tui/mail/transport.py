"""Delivering a rendered email: SMTP when a host is configured, otherwise a local Maildir outbox.

Both mailers have ``send(msg) -> str``: the string says where the message went, in words for the
user. Every failure is a ``MailError`` whose message can be shown as is and never holds the
password. All of it blocks (network, disk, keyring): run it in a thread worker.
"""

from __future__ import annotations

import mailbox
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tui.mail.errors import MailError

if TYPE_CHECKING:
    from tui.config import Config
    from tui.credentials.user_store import SecretStore

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "SMTP_PASSWORD_KEY",
    "MailError",
    "Mailer",
    "OutboxItem",
    "OutboxMailer",
    "SmtpMailer",
    "list_outbox",
    "make_mailer",
]

SMTP_PASSWORD_KEY = "smtp-password"
DEFAULT_TIMEOUT_S = 20.0
IMPLICIT_TLS_PORT = 465


class Mailer(Protocol):
    def send(self, msg: EmailMessage) -> str: ...


def _recipients(msg: EmailMessage) -> list[str]:
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in (msg.get_all(name) or [])]
    return [addr for _, addr in getaddresses(fields) if addr]


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(text.split())
    return f"{code} {text}".strip()


@dataclass
class SmtpMailer:
    """Sends through an SMTP server: STARTTLS on submission ports (587), implicit TLS on 465.

    ``starttls=True`` refuses to continue (and to send the password) if the server does not offer
    STARTTLS. ``ssl_context`` defaults to the system's trusted CAs with host name checking.
    """

    host: str
    port: int = 587
    starttls: bool = True
    user: str = ""
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT_S
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)
    implicit_tls: bool | None = None  # TLS from the first byte (SMTPS); None: only on port 465

    @property
    def uses_implicit_tls(self) -> bool:
        return self.port == IMPLICIT_TLS_PORT if self.implicit_tls is None else self.implicit_tls

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _scrub(self, text: str) -> str:
        if self.password:
            text = text.replace(self.password, "***")
        return text

    def _fail(self, text: str) -> MailError:
        return MailError(self._scrub(text))

    def _connect(self) -> smtplib.SMTP:
        try:
            if self.uses_implicit_tls:
                return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._context())
            return smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except ConnectionRefusedError:
            raise self._fail(f"Could not connect to {self.where}: connection refused") from None
        except socket.gaierror:
            raise self._fail(f"Could not find the mail server {self.host!r}: check the host name") from None
        except (TimeoutError, socket.timeout):
            raise self._fail(f"Could not connect to {self.where}: no answer within {self.timeout:g} s") from None
        except ssl.SSLError as exc:
            raise self._fail(f"Could not set up a secure connection to {self.where}: {exc.reason or exc}") from None
        except smtplib.SMTPConnectError as exc:
            raise self._fail(f"{self.where} would not take a connection: {_reply(exc.smtp_code, exc.smtp_error)}") from None
        except smtplib.SMTPServerDisconnected as exc:
            if "timed out" in str(exc):  # smtplib turns a read timeout into a disconnect
                raise self._fail(f"Could not connect to {self.where}: no answer within {self.timeout:g} s") from None
            raise self._fail(f"{self.where} closed the connection straight away: is it an SMTP server?") from None
        except OSError as exc:
            raise self._fail(f"Could not connect to {self.where}: {exc.strerror or exc}") from None

    def _secure_and_login(self, smtp: smtplib.SMTP) -> None:
        smtp.ehlo()
        if self.starttls and not self.uses_implicit_tls:
            if not smtp.has_extn("starttls"):
                raise self._fail(
                    f"{self.where} does not offer STARTTLS, so the connection would not be encrypted. "
                    "Use the server's submission port (usually 587), or turn STARTTLS off only for a "
                    "server on your own network."
                )
            try:
                smtp.starttls(context=self._context())
            except ssl.SSLCertVerificationError as exc:
                raise self._fail(
                    f"The certificate of {self.where} could not be verified: {exc.verify_message or exc.reason}"
                ) from None
            except ssl.SSLError as exc:
                raise self._fail(f"STARTTLS with {self.where} failed: {exc.reason or exc}") from None
            smtp.ehlo()
        if not self.user:
            return
        if not self.password:
            raise self._fail(f"No password is saved for the mail user {self.user}: enter it in Settings -> Email")
        if not smtp.has_extn("auth"):
            raise self._fail(
                f"{self.where} does not offer a login here"
                + ("" if self.starttls else " (it may require STARTTLS to be turned on)")
            )
        try:
            smtp.login(self.user, self.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise self._fail(
                f"The mail server rejected the password for user {self.user} "
                f"({_reply(exc.smtp_code, exc.smtp_error)})"
            ) from None
        except smtplib.SMTPException as exc:
            raise self._fail(f"Logging in to {self.where} as {self.user} failed: {exc}") from None

    def send(self, msg: EmailMessage) -> str:
        """Deliver ``msg`` to its To/Cc/Bcc recipients; returns e.g. "Sent to a@b.com via smtp.x.com:587"."""
        recipients = _recipients(msg)
        if not recipients:
            raise MailError("The message has no recipient address")
        smtp = self._connect()
        try:
            self._secure_and_login(smtp)
            try:
                refused = smtp.send_message(msg, to_addrs=recipients)
            except smtplib.SMTPRecipientsRefused as exc:
                why = "; ".join(f"{addr} ({_reply(code, text)})" for addr, (code, text) in exc.recipients.items())
                raise self._fail(f"The customer's address was refused: {why}") from None
            except smtplib.SMTPSenderRefused as exc:
                if exc.smtp_code == 530 and not self.user:
                    raise self._fail(
                        f"{self.where} requires a login: set the mail user and password in Settings -> Email "
                        f"({_reply(exc.smtp_code, exc.smtp_error)})"
                    ) from None
                raise self._fail(
                    f"The mail server refused the sender address {exc.sender}: {_reply(exc.smtp_code, exc.smtp_error)}"
                ) from None
            except smtplib.SMTPDataError as exc:
                raise self._fail(f"The mail server refused the message: {_reply(exc.smtp_code, exc.smtp_error)}") from None
            except smtplib.SMTPNotSupportedError as exc:
                raise self._fail(f"{self.where} cannot take this message: {exc}") from None
            if refused:
                why = "; ".join(f"{addr} ({_reply(code, text)})" for addr, (code, text) in refused.items())
                accepted = ", ".join(a for a in recipients if a not in refused)
                return f"Sent to {accepted} via {self.where}; refused: {why}"
            return f"Sent to {', '.join(recipients)} via {self.where}"
        except MailError:
            raise
        except smtplib.SMTPServerDisconnected as exc:
            if "timed out" in str(exc):  # smtplib turns a read timeout into a disconnect
                raise self._fail(f"{self.where} stopped answering (no reply within {self.timeout:g} s)") from None
            raise self._fail(f"{self.where} closed the connection: {exc or 'no reason given'}") from None
        except smtplib.SMTPResponseException as exc:
            raise self._fail(f"{self.where} answered {_reply(exc.smtp_code, exc.smtp_error)}") from None
        except (TimeoutError, socket.timeout):
            raise self._fail(f"{self.where} stopped answering (no reply within {self.timeout:g} s)") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise self._fail(f"Sending through {self.where} failed: {exc}") from None
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


# -- the local outbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxItem:
    date: datetime  # timezone-aware
    to: str
    subject: str
    path: Path


class OutboxMailer:
    """Delivers into a Maildir (``new/``), which any mail client can open, instead of sending."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"OutboxMailer({str(self.folder)!r})"

    def send(self, msg: EmailMessage) -> str:
        """Save ``msg``; returns e.g. "Saved to the outbox for a@b.com: /data/outbox/new/1700...."."""
        to = ", ".join(_recipients(msg)) or "nobody"
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            box = mailbox.Maildir(self.folder, create=True)
            # LF line endings on disk, like every other Maildir file.
            key = box.add(msg.as_bytes(policy=policy.default))
        except OSError as exc:
            raise MailError(f"Could not save the email in the outbox {self.folder}: {exc.strerror or exc}") from None
        return f"Saved to the outbox for {to}: {self.folder / 'new' / key}"

    def holds(self, message_id: str) -> bool:
        """The outbox already has a message with this Message-ID (a send retried after a crash: not saved twice)."""
        wanted = message_id.strip()
        for sub in ("new", "cur"):
            try:
                entries = [p for p in (self.folder / sub).iterdir() if p.is_file() and not p.name.startswith(".")]
            except OSError:
                continue
            for path in entries:
                try:
                    with path.open("rb") as fh:
                        headers = BytesParser(policy=policy.default).parse(fh, headersonly=True)
                except OSError:
                    continue
                if str(headers.get("Message-ID", "")).strip() == wanted:
                    return True
        return False


def _item(path: Path) -> OutboxItem | None:
    try:
        with path.open("rb") as fh:
            headers = BytesParser(policy=policy.default).parse(fh, headersonly=True)
        mtime = path.stat().st_mtime
    except OSError:
        return None  # moved or deleted while listing
    when: datetime | None = None
    try:
        raw = headers.get("Date")
        when = parsedate_to_datetime(str(raw)) if raw else None
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None:
        when = datetime.fromtimestamp(mtime, timezone.utc)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return OutboxItem(date=when, to=str(headers.get("To", "")), subject=str(headers.get("Subject", "")), path=path)


def list_outbox(folder: Path) -> list[OutboxItem]:
    """Everything in the outbox Maildir (new and cur), newest first. An absent folder is an empty outbox."""
    folder = Path(folder)
    items: list[OutboxItem] = []
    for sub in ("new", "cur"):
        try:
            entries = [p for p in (folder / sub).iterdir() if p.is_file() and not p.name.startswith(".")]
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise MailError(f"Could not read the outbox {folder}: {exc.strerror or exc}") from None
        items += [item for item in map(_item, entries) if item is not None]
    items.sort(key=lambda i: (i.date, i.path.name), reverse=True)
    return items


# -- choosing one ---------------------------------------------------------------------------------


def make_mailer(cfg: Config, secrets_store: SecretStore | None = None) -> SmtpMailer | OutboxMailer:
    """SMTP when ``cfg.mail.host`` is set (password from the secrets store), else the outbox in the data dir.

    Reading the password may wait on the keyring (bounded by the secrets module's timeout): call it
    from a worker. A secrets failure becomes a MailError.
    """
    if not cfg.mail_uses_smtp:
        return OutboxMailer(cfg.outbox_dir)
    password: str | None = None
    if cfg.mail.user and secrets_store is not None:
        try:
            password = secrets_store.get(SMTP_PASSWORD_KEY)
        except Exception as exc:  # SecretsError, or whatever a keyring backend raises
            raise MailError(f"Could not read the mail password from {secrets_store!r}: {exc}") from None
    return SmtpMailer(
        host=cfg.mail.host,
        port=cfg.mail.port,
        starttls=cfg.mail.starttls,
        user=cfg.mail.user,
        password=password,
    )
