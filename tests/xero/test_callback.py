import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from tui.xero.callback import CallbackListener, parse_pasted_redirect
from tui.xero.errors import AccessDenied, AuthFailed, CallbackTimeout, Cancelled, StateMismatch

STATE = "state-abc"
CODE = "code-SECRET-12345"


@dataclass
class Page:
    status_code: int
    text: str


def get(listener, query, path="/callback") -> Page:
    """A browser's request; urllib logs nothing itself (httpx would log the URL, code included)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{listener.port}{path}?{query}", timeout=5) as response:
            return Page(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return Page(error.code, error.read().decode())


def own_ip() -> str | None:
    """An address of this machine other than loopback, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") else ip


def test_binds_loopback_only():
    with CallbackListener(0, STATE) as listener:
        assert listener.address[0] == "127.0.0.1"
        ip = own_ip()
        if ip is not None:
            with pytest.raises(OSError):
                socket.create_connection((ip, listener.port), timeout=1).close()


def refused(listener) -> bool:
    try:
        socket.create_connection(("127.0.0.1", listener.port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:  # accepted as the listener was closing
        return False
    return False


def wait_until_refused(listener, timeout: float = 10.0) -> float:
    """Seconds until the port refuses connections."""
    started = time.monotonic()
    while not refused(listener):
        assert time.monotonic() - started < timeout, "the port stayed open"
        time.sleep(0.05)
    return time.monotonic() - started


def test_one_valid_callback_returns_code_then_port_closes():
    listener = CallbackListener(0, STATE, linger=0.3)
    response = get(listener, f"code={CODE}&state={STATE}&scope=x")
    assert response.status_code == 200
    assert "You can close this tab" in response.text
    assert CODE not in response.text
    assert listener.wait(5) == CODE
    wait_until_refused(listener)
    with pytest.raises(urllib.error.URLError):
        get(listener, f"code=second&state={STATE}")


def test_after_the_callback_the_port_keeps_answering_for_a_few_seconds():
    """A browser asks again after the redirect (a reload, the favicon, a second connection through an ``ssh -L``
    forward): each gets a short answer, none a refused connection; then the port closes."""
    listener = CallbackListener(0, STATE, linger=2.0)
    assert get(listener, f"code={CODE}&state={STATE}").status_code == 200
    answered_at = time.monotonic()
    assert listener.wait(5) == CODE
    listener.cancel()  # the dialog closing once the answer is in: the port still answers
    reload = get(listener, f"code={CODE}&state={STATE}")
    assert reload.status_code == 200 and "This sign-in has already finished." in reload.text
    assert CODE not in reload.text
    assert get(listener, "", path="/favicon.ico") == Page(204, "")
    assert get(listener, "code=other&state=other").status_code == 200
    assert time.monotonic() - answered_at < 1.5  # all of the above came within the linger
    wait_until_refused(listener)
    assert time.monotonic() - answered_at >= 1.9


def test_a_new_listener_on_the_port_takes_over_from_one_still_answering():
    first = CallbackListener(0, STATE, linger=30)
    assert get(first, f"code={CODE}&state={STATE}").status_code == 200
    assert first.wait(5) == CODE
    with CallbackListener(first.port, "next-state") as second:
        assert get(second, "code=new&state=next-state").status_code == 200
        assert second.wait(5) == "new"


def test_state_mismatch_rejected_and_listener_keeps_waiting():
    with CallbackListener(0, STATE) as listener:
        forged = get(listener, "code=evil&state=other")
        assert forged.status_code == 400
        missing = get(listener, "code=evil")
        assert missing.status_code == 400
        assert get(listener, f"code={CODE}&state={STATE}").status_code == 200
        assert listener.wait(5) == CODE


def test_other_paths_are_not_found():
    with CallbackListener(0, STATE) as listener:
        assert get(listener, "", path="/favicon.ico").status_code == 404


def test_access_denied():
    listener = CallbackListener(0, STATE)
    response = get(listener, f"error=access_denied&state={STATE}")
    assert "Access was not allowed" in response.text
    with pytest.raises(AccessDenied, match="Access was not allowed"):
        listener.wait(5)


def test_other_error_is_reported():
    listener = CallbackListener(0, STATE)
    get(listener, f"error=invalid_scope&error_description=bad+scope&state={STATE}")
    with pytest.raises(AuthFailed, match="invalid_scope"):
        listener.wait(5)


def test_timeout_has_a_clear_message():
    listener = CallbackListener(0, STATE)
    with pytest.raises(CallbackTimeout, match="No answer came back from Xero within 0.2 seconds"):
        listener.wait(0.2)


def test_cancel_stops_waiting_and_frees_the_port():
    listener = CallbackListener(0, STATE)
    port = listener.port
    threading.Timer(0.1, listener.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        listener.wait(30)
    assert time.monotonic() - started < 5
    with CallbackListener(port, STATE):  # the port can be bound again
        pass


def test_busy_port_is_explained():
    with CallbackListener(0, STATE) as listener:
        with pytest.raises(AuthFailed, match=f"Port {listener.port}"):
            CallbackListener(listener.port, STATE)


def test_code_never_logged(caplog, capfd):
    caplog.set_level(logging.DEBUG)
    listener = CallbackListener(0, STATE)
    get(listener, f"code={CODE}&state={STATE}")
    assert listener.wait(5) == CODE
    listener2 = CallbackListener(0, STATE)
    get(listener2, f"code={CODE}&state=wrong")
    listener2.cancel()
    out, err = capfd.readouterr()
    assert CODE not in caplog.text and CODE not in out and CODE not in err
    assert "received the redirect" in caplog.text


def test_parse_pasted_redirect():
    redirect_uri = "http://localhost:8765/callback"
    url = f"http://localhost:8765/callback?code={CODE}&scope=openid&state={STATE}"
    assert parse_pasted_redirect(url, STATE, redirect_uri) == CODE
    assert parse_pasted_redirect(f"  <{url}>\n", STATE, redirect_uri) == CODE
    with pytest.raises(StateMismatch):
        parse_pasted_redirect(url.replace(STATE, "other"), STATE, redirect_uri)
    with pytest.raises(AccessDenied):
        parse_pasted_redirect(f"http://localhost:8765/callback?error=access_denied&state={STATE}", STATE, redirect_uri)
    with pytest.raises(AuthFailed, match="address bar"):
        parse_pasted_redirect("hello", STATE, redirect_uri)


def raw(listener, request: bytes) -> str:
    """Send bytes as they are (no client tidies them up) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("latin-1")


@pytest.mark.parametrize("request_line,status", [
    (b"GET /callback?code=" + b"x" * 70_000 + b" HTTP/1.1", "414"),  # over http.server's 64 KB line limit
    (b"GARBAGE", "400"),
    (b"GET /callback?code=x&state=y HTTP/9", "400"),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "400"),  # a browser speaking TLS to the plain port
])
def test_oversized_or_malformed_requests_are_answered_and_the_listener_keeps_working(
        request_line, status, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    with CallbackListener(0, STATE) as listener:
        answer = raw(listener, request_line + b"\r\nHost: localhost\r\n\r\n")
        assert answer.split(" ", 2)[1] == status, answer[:200]
        assert get(listener, f"code={CODE}&state={STATE}").status_code == 200
        assert listener.wait(5) == CODE
    out, err = capfd.readouterr()
    assert "Traceback" not in err and "Exception" not in err, err
    assert CODE not in caplog.text + out + err


REDIRECT_URI = "http://localhost:8765/callback"


@pytest.mark.parametrize("pasted,refused", [
    ("https://localhost:8765/callback", "https://localhost:8765/callback"),
    ("http://evil.example:8765/callback", "http://evil.example:8765/callback"),
    ("http://127.0.0.1:8765/callback", "http://127.0.0.1:8765/callback"),
    ("http://localhost:9999/callback", "http://localhost:9999/callback"),
    ("http://localhost/callback", "http://localhost/callback"),
    ("http://localhost:8765/other", "http://localhost:8765/other"),
    ("http://localhost:8765/callback/", "http://localhost:8765/callback/"),
    ("localhost:8765/callback", "localhost:8765/callback"),
])
def test_pasted_address_must_be_the_registered_redirect_uri(pasted, refused):
    with pytest.raises(AuthFailed) as info:
        parse_pasted_redirect(f"{pasted}?code={CODE}&state={STATE}", STATE, REDIRECT_URI)
    message = str(info.value)
    assert f"That address goes to {refused}, not to {REDIRECT_URI}" in message
    assert CODE not in message


def test_pasted_address_host_and_scheme_are_not_case_sensitive():
    assert parse_pasted_redirect(f"HTTP://LocalHost:8765/callback?code={CODE}&state={STATE}", STATE,
                                 REDIRECT_URI) == CODE
