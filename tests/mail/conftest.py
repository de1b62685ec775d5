"""Fixtures for the mail tests: sample invoices and a real aiosmtpd server on a free loopback port."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import ssl
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

from tests.fixtures.net import free_port
from tui.domain.business import BusinessDetails
from tui.domain.customer import Customer
from tui.domain.invoice import Invoice, LineItem
from tui.domain.tax import LineAmountTypes

GOOD_USER = "accounts@bobs-plumbing.example"
GOOD_PASSWORD = "correct horse battery staple"
REFUSED_DOMAIN = "refused.example"


# -- sample data -----------------------------------------------------------------------------------


@pytest.fixture
def business() -> BusinessDetails:
    return BusinessDetails(
        name="Bob's Plumbing & Gas",
        abn="51824753556",
        address="1 George St\nSydney NSW 2000",
        email="accounts@bobs-plumbing.example",
        phone="02 9999 0000",
    )


@pytest.fixture
def customer() -> Customer:
    return Customer(name="Jane Citizen", email="jane@example.com", address="2 Pitt St\nSydney NSW 2000", id=1)


def make_invoice(lines, amounts=LineAmountTypes.EXCLUSIVE, **kw) -> Invoice:
    return Invoice(
        customer_id=1,
        issue_date=dt.date(2026, 11, 25),
        due_date=dt.date(2026, 12, 9),
        number=kw.pop("number", "INV-0001"),
        lines=[LineItem(d, Decimal(q), Decimal(p), **({"tax_type": t} if t else {})) for d, q, p, t in lines],
        amounts=amounts,
        **kw,
    )


@pytest.fixture
def invoice() -> Invoice:
    return make_invoice(
        [
            ("Replace hot water system", "1", "1234.5678", None),
            ("Copper pipe 15mm (metres)", "2.5", "12.345", None),
        ],
        reference="Job 42",
    )


# -- reading a PDF's text without a PDF library ------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The text fpdf2 drew, one string per text operator, from the (Flate-compressed) page streams."""
    out: list[str] = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            content = raw
        for m in re.finditer(rb"\((.*?)(?<!\\)\)\s*Tj", content):
            text = re.sub(rb"\\([()\\])", rb"\1", m.group(1))
            out.append(text.decode("cp1252"))
    return "\n".join(out)


# -- a real SMTP server ----------------------------------------------------------------------------------


@dataclass
class Collector:
    """aiosmtpd handler: refuses recipients at REFUSED_DOMAIN, keeps every envelope it accepts."""

    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == (GOOD_USER, GOOD_PASSWORD), handled=False)


@dataclass
class Server:
    host: str
    port: int
    handler: Collector


def _start(**kw):
    handler = Collector()
    if kw.pop("with_auth", False):
        kw["authenticator"] = handler.authenticator
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kw)
    controller.start()
    return controller, Server("127.0.0.1", port, handler)


@pytest.fixture
def smtp_server():
    """Plain SMTP, no STARTTLS, no AUTH: like a relay on the shop's own network."""
    controller, server = _start()
    yield server
    controller.stop()


@pytest.fixture
def smtp_auth_server():
    """AUTH offered over a plain connection (auth_require_tls=False) so a bad password can be tried."""
    controller, server = _start(with_auth=True, auth_require_tls=False, auth_required=True)
    yield server
    controller.stop()


@dataclass
class Tls:
    server_context: ssl.SSLContext
    client_context: ssl.SSLContext


@pytest.fixture(scope="session")
def tls(tmp_path_factory) -> Tls:
    """A self-signed certificate for 127.0.0.1, and a client context that trusts only it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    d = tmp_path_factory.mktemp("tls")
    (d / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(d / "cert.pem", d / "key.pem")
    client_ctx = ssl.create_default_context(cafile=str(d / "cert.pem"))
    return Tls(server_ctx, client_ctx)


@pytest.fixture
def smtp_tls_server(tls):
    """STARTTLS required, AUTH only after it (aiosmtpd's default): like a real submission port."""
    controller, server = _start(with_auth=True, tls_context=tls.server_context, require_starttls=True)
    yield server
    controller.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    return free_port()


@pytest.fixture
def creds() -> tuple[str, str]:
    """The one user and password the AUTH servers accept."""
    return GOOD_USER, GOOD_PASSWORD


@pytest.fixture
def refused_domain() -> str:
    """Recipients at this domain get 550 from the test servers."""
    return REFUSED_DOMAIN


@pytest.fixture
def read_pdf():
    return pdf_text


@pytest.fixture
def new_invoice():
    return make_invoice


@pytest.fixture
def smtps_server(tls):
    """TLS from the first byte (port 465 style), AUTH inside it.

    aiosmtpd only counts STARTTLS as TLS for ``auth_require_tls``, so it is turned off here: the whole
    connection is encrypted anyway.
    """
    controller, server = _start(with_auth=True, ssl_context=tls.server_context, auth_require_tls=False)
    yield server
    controller.stop()
