"""Delivering invoice emails: a real aiosmtpd server on loopback, and the Maildir outbox."""

from __future__ import annotations

import datetime as dt
import mailbox
import socket
import stat
from dataclasses import replace
from email import policy
from email.parser import BytesParser

import pytest

from tui.config import Config, MailConfig
from tui.mail.render import render_invoice_email
from tui.mail.transport import (
    SMTP_PASSWORD_KEY,
    MailError,
    OutboxMailer,
    SmtpMailer,
    list_outbox,
    make_mailer,
)

# The plain-connection AUTH server is deliberate (to try a wrong password); aiosmtpd warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

FROM = "invoices@bobs-plumbing.example"
NOW = dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.timezone.utc)
WRONG_PASSWORD = "hunter2-wrong-Pa55"


@pytest.fixture
def message(business, customer, invoice):
    return render_invoice_email(business, customer, invoice, from_addr=FROM, now=NOW)


def received(envelope):
    return BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)


# -- SMTP ---------------------------------------------------------------------------------------------


def test_smtp_delivers_the_invoice(smtp_server, message, read_pdf):
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, starttls=False, timeout=5)
    where = mailer.send(message)
    assert where == f"Sent to jane@example.com via 127.0.0.1:{smtp_server.port}"

    [env] = smtp_server.handler.envelopes
    assert env.mail_from == FROM
    assert env.rcpt_tos == ["jane@example.com"]
    got = received(env)
    assert got["Subject"] == "Tax Invoice INV-0001 from Bob's Plumbing & Gas"
    assert got["To"].addresses[0].addr_spec == "jane@example.com"
    assert [p.get_content_type() for p in got.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    text = got.get_body(("plain",)).get_content()
    html = got.get_body(("html",)).get_content()
    [pdf] = list(got.iter_attachments())
    assert "ABN 51 824 753 556" in text and "ABN 51 824 753 556" in html
    # 1,234.57 + 30.86 = 1,265.43; GST 123.46 + 3.09 = 126.55
    assert "Amount due" in text and "$1,391.98" in text
    assert "$1,391.98" in html
    assert pdf.get_filename() == "Tax-Invoice-INV-0001.pdf"
    assert "$1,391.98" in read_pdf(pdf.get_content())


def test_bcc_recipients_get_it_but_are_not_shown(smtp_server, message):
    message["Bcc"] = "office@bobs-plumbing.example"
    SmtpMailer(smtp_server.host, smtp_server.port, starttls=False, timeout=5).send(message)
    [env] = smtp_server.handler.envelopes
    assert env.rcpt_tos == ["jane@example.com", "office@bobs-plumbing.example"]
    assert received(env)["Bcc"] is None


def test_starttls_required_but_not_offered(smtp_server, message):
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, starttls=True, timeout=5)
    with pytest.raises(MailError) as err:
        mailer.send(message)
    assert str(err.value).startswith(f"127.0.0.1:{smtp_server.port} does not offer STARTTLS")
    assert "not be encrypted" in str(err.value)
    assert smtp_server.handler.envelopes == []


def test_starttls_then_login_then_send(smtp_tls_server, tls, message, creds):
    user, password = creds
    mailer = SmtpMailer(
        smtp_tls_server.host, smtp_tls_server.port, starttls=True, user=user, password=password,
        timeout=5, ssl_context=tls.client_context,
    )
    assert mailer.send(message).startswith("Sent to jane@example.com")
    assert smtp_tls_server.handler.logins == [(user, password)]
    [env] = smtp_tls_server.handler.envelopes
    assert env.rcpt_tos == ["jane@example.com"]


def test_implicit_tls_then_login_then_send(smtps_server, tls, message, creds):
    user, password = creds
    mailer = SmtpMailer(
        smtps_server.host, smtps_server.port, user=user, password=password, implicit_tls=True,
        timeout=5, ssl_context=tls.client_context,
    )
    assert mailer.send(message) == f"Sent to jane@example.com via 127.0.0.1:{smtps_server.port}"
    assert smtps_server.handler.logins == [(user, password)]
    assert len(smtps_server.handler.envelopes) == 1


def test_implicit_tls_with_an_untrusted_certificate(smtps_server, message):
    mailer = SmtpMailer(smtps_server.host, smtps_server.port, implicit_tls=True, timeout=5)
    with pytest.raises(MailError, match="Could not set up a secure connection to 127.0.0.1:.*CERTIFICATE_VERIFY_FAILED"):
        mailer.send(message)
    assert smtps_server.handler.envelopes == []


def test_port_465_means_implicit_tls():
    assert SmtpMailer("smtp.example.com", 465).uses_implicit_tls
    assert not SmtpMailer("smtp.example.com", 587).uses_implicit_tls


def test_untrusted_certificate_is_refused_before_the_password_is_sent(smtp_tls_server, message, creds):
    user, password = creds
    # Default context: the system CAs, which do not include the test's self-signed certificate.
    mailer = SmtpMailer(
        smtp_tls_server.host, smtp_tls_server.port, starttls=True, user=user, password=password, timeout=5
    )
    with pytest.raises(MailError, match="certificate of 127.0.0.1:.* could not be verified"):
        mailer.send(message)
    assert smtp_tls_server.handler.logins == []
    assert smtp_tls_server.handler.envelopes == []


def test_wrong_password_is_reported_without_the_password(smtp_auth_server, message, creds):
    user, password = creds
    mailer = SmtpMailer(
        smtp_auth_server.host, smtp_auth_server.port, starttls=False, user=user, password=WRONG_PASSWORD, timeout=5
    )
    with pytest.raises(MailError) as err:
        mailer.send(message)
    text = str(err.value)
    assert text.startswith(f"The mail server rejected the password for user {user}")
    assert "535" in text  # the server's own answer, for whoever has to look into it
    for shown in (text, repr(err.value), repr(mailer), str(err.value.__cause__), str(err.value.__context__)):
        assert WRONG_PASSWORD not in shown
    assert err.value.__cause__ is None
    # smtplib tries each mechanism it shares with the server (PLAIN, then LOGIN)
    assert set(smtp_auth_server.handler.logins) == {(user, WRONG_PASSWORD)}
    assert smtp_auth_server.handler.envelopes == []


def test_right_password_on_plain_connection(smtp_auth_server, message, creds):
    user, password = creds
    mailer = SmtpMailer(
        smtp_auth_server.host, smtp_auth_server.port, starttls=False, user=user, password=password, timeout=5
    )
    mailer.send(message)
    assert len(smtp_auth_server.handler.envelopes) == 1


def test_user_without_saved_password(smtp_auth_server, message, creds):
    user, _ = creds
    mailer = SmtpMailer(smtp_auth_server.host, smtp_auth_server.port, starttls=False, user=user, timeout=5)
    with pytest.raises(MailError, match=f"No password is saved for the mail user {user}"):
        mailer.send(message)


def test_server_requires_login_but_none_configured(smtp_auth_server, message):
    mailer = SmtpMailer(smtp_auth_server.host, smtp_auth_server.port, starttls=False, timeout=5)
    with pytest.raises(MailError) as err:
        mailer.send(message)
    assert str(err.value).startswith(f"127.0.0.1:{smtp_auth_server.port} requires a login: set the mail user")
    assert "530" in str(err.value)  # aiosmtpd: authentication required
    assert smtp_auth_server.handler.envelopes == []


def test_refused_recipient(smtp_server, business, customer, invoice, refused_domain):
    domain = refused_domain
    msg = render_invoice_email(
        business, replace(customer, email=f"nobody@{domain}"), invoice, from_addr=FROM, now=NOW
    )
    with pytest.raises(MailError) as err:
        SmtpMailer(smtp_server.host, smtp_server.port, starttls=False, timeout=5).send(msg)
    assert str(err.value) == f"The customer's address was refused: nobody@{domain} (550 5.1.1 No such user here)"
    assert smtp_server.handler.envelopes == []


def test_partly_refused_recipients_are_reported(smtp_server, message, refused_domain):
    domain = refused_domain
    message["Cc"] = f"nobody@{domain}"
    where = SmtpMailer(smtp_server.host, smtp_server.port, starttls=False, timeout=5).send(message)
    assert where.startswith(f"Sent to jane@example.com via 127.0.0.1:{smtp_server.port}; refused: nobody@")
    [env] = smtp_server.handler.envelopes
    assert env.rcpt_tos == ["jane@example.com"]


def test_connection_refused_on_a_closed_port(message, closed_port):
    port = closed_port
    with pytest.raises(MailError) as err:
        SmtpMailer("127.0.0.1", port, timeout=5).send(message)
    assert str(err.value) == f"Could not connect to 127.0.0.1:{port}: connection refused"


def test_server_that_never_answers_times_out(message):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the TCP connection, never says hello
        port = silent.getsockname()[1]
        with pytest.raises(MailError) as err:
            SmtpMailer("127.0.0.1", port, timeout=0.5).send(message)
    assert str(err.value) == f"Could not connect to 127.0.0.1:{port}: no answer within 0.5 s"


def test_unknown_host(message, monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # Not left to the machine's resolver: without network it can take many seconds to give up.
    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(MailError, match="Could not find the mail server 'no-such-host.invalid'"):
        SmtpMailer("no-such-host.invalid", 587, timeout=5).send(message)


def test_mailer_repr_hides_the_password():
    mailer = SmtpMailer("smtp.example.com", 587, user="u", password="s3cret-value")
    assert "s3cret-value" not in repr(mailer)


# -- outbox ----------------------------------------------------------------------------------------------


def test_outbox_delivers_into_a_maildir(tmp_path, message, read_pdf):
    folder = tmp_path / "data" / "outbox"
    where = OutboxMailer(folder).send(message)
    assert where.startswith(f"Saved to the outbox for jane@example.com: {folder / 'new'}")

    box = mailbox.Maildir(folder, create=False)
    [key] = box.keys()
    path = folder / "new" / key
    assert str(path) in where
    raw = path.read_bytes()
    assert b"\r\n" not in raw  # LF endings on disk, as Maildir readers expect
    got = BytesParser(policy=policy.default).parsebytes(raw)
    assert got["Subject"] == "Tax Invoice INV-0001 from Bob's Plumbing & Gas"
    assert "ABN 51 824 753 556" in got.get_body(("plain",)).get_content()
    assert "ABN 51 824 753 556" in got.get_body(("html",)).get_content()
    [pdf] = list(got.iter_attachments())
    assert pdf.get_content() == next(message.iter_attachments()).get_content()
    assert "TAX INVOICE" in read_pdf(pdf.get_content())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # customer data: owner only


def test_list_outbox_newest_first(tmp_path, business, customer, new_invoice):
    folder = tmp_path / "outbox"
    mailer = OutboxMailer(folder)
    for n, day in ((1, 20), (3, 24), (2, 22)):
        inv = new_invoice([("Work", "1", "10", None)], number=f"INV-000{n}")
        when = dt.datetime(2026, 11, day, 9, 0, tzinfo=dt.timezone.utc)
        mailer.send(render_invoice_email(business, customer, inv, from_addr=FROM, now=when))

    items = list_outbox(folder)
    assert [i.subject for i in items] == [
        "Tax Invoice INV-0003 from Bob's Plumbing & Gas",
        "Tax Invoice INV-0002 from Bob's Plumbing & Gas",
        "Tax Invoice INV-0001 from Bob's Plumbing & Gas",
    ]
    assert [i.date.day for i in items] == [24, 22, 20]
    assert all(i.date.tzinfo is not None for i in items)
    assert items[0].to == "Jane Citizen <jane@example.com>"
    assert all(i.path.is_file() and i.path.parent == folder / "new" for i in items)


def test_list_outbox_includes_read_messages_and_tolerates_junk(tmp_path, message):
    folder = tmp_path / "outbox"
    OutboxMailer(folder).send(message)
    box = mailbox.Maildir(folder)
    [key] = box.keys()
    m = box[key]
    m.set_subdir("cur")  # a mail client opened it
    box[key] = m
    (folder / "new" / "junk").write_bytes(b"not an email at all")
    items = list_outbox(folder)
    assert len(items) == 2
    mail = [i for i in items if i.path.parent.name == "cur"]
    assert len(mail) == 1 and mail[0].subject.startswith("Tax Invoice INV-0001")
    junk = [i for i in items if i.path.name == "junk"][0]
    assert junk.subject == "" and junk.date.tzinfo is not None


def test_list_outbox_of_a_missing_folder_is_empty(tmp_path):
    assert list_outbox(tmp_path / "nothing-here") == []


def test_outbox_that_cannot_be_written(tmp_path, message):
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(MailError, match="Could not save the email in the outbox"):
        OutboxMailer(blocker).send(message)


# -- choosing a mailer -------------------------------------------------------------------------------------


class DictStore:
    def __init__(self, data=None, fail=False):
        self.data = dict(data or {})
        self.fail = fail
        self.asked: list[str] = []

    def get(self, key):
        self.asked.append(key)
        if self.fail:
            raise RuntimeError("the keyring did not answer within 5 s (read); is it locked?")
        return self.data.get(key)

    def __repr__(self):
        return "<DictStore test>"


def test_make_mailer_uses_the_outbox_without_a_host(tmp_path):
    cfg = Config(data_dir=tmp_path, config_dir=tmp_path)
    store = DictStore()
    mailer = make_mailer(cfg, store)
    assert isinstance(mailer, OutboxMailer)
    assert mailer.folder == cfg.outbox_dir == tmp_path / "outbox"
    assert store.asked == []


def test_make_mailer_uses_smtp_with_the_stored_password(tmp_path, smtp_auth_server, message, creds):
    user, password = creds
    mail = MailConfig(host=smtp_auth_server.host, port=smtp_auth_server.port, starttls=False, user=user, from_=FROM)
    cfg = Config(mail=mail, data_dir=tmp_path, config_dir=tmp_path)
    store = DictStore({SMTP_PASSWORD_KEY: password})
    mailer = make_mailer(cfg, store)
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.starttls, mailer.user) == ("127.0.0.1", smtp_auth_server.port, False, user)
    assert mailer.timeout == 20
    assert store.asked == ["smtp-password"]
    mailer.send(message)
    assert smtp_auth_server.handler.logins == [(user, password)]


def test_make_mailer_with_the_real_file_store(tmp_path):
    from tui.config import SecretsConfig
    from tui.credentials.user_store import open_store

    cfg = Config(
        mail=MailConfig(host="smtp.example.com", user="me"),
        secrets=SecretsConfig(store="file"),
        data_dir=tmp_path,
        config_dir=tmp_path,
    )
    store = open_store(cfg)
    store.set(SMTP_PASSWORD_KEY, "from-the-file")
    assert make_mailer(cfg, store).password == "from-the-file"


def test_make_mailer_reports_a_secrets_failure(tmp_path):
    cfg = Config(mail=MailConfig(host="smtp.example.com", user="me"), data_dir=tmp_path, config_dir=tmp_path)
    with pytest.raises(MailError, match="Could not read the mail password from <DictStore test>: the keyring"):
        make_mailer(cfg, DictStore(fail=True))
