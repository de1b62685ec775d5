"""Where Xero's redirect comes back: a one-shot loopback listener, or a URL pasted by the user.

:class:`CallbackListener` binds 127.0.0.1 only, on the port registered at Xero, and serves ``/callback``.
A redirect whose ``state`` is not the one this sign-in started is answered 400 and ignored (a forged or
stale link cannot end the sign-in); the first redirect with the right ``state`` is answered with a plain
"You can close this tab" page and ends it. The listener then keeps answering for a few seconds (``linger``):
a reload of that tab gets a short "already finished" page, anything else 204, so a browser's further requests, through an
``ssh -L`` forward too, are not refused; then the port is closed. A new listener on the same port takes over at
once from one that is lingering. A request line over 64 KB is answered 414 and a malformed one 400
(``http.server`` does that; the listener keeps waiting).
:meth:`CallbackListener.wait` hands back the code, or raises ``AccessDenied`` / ``AuthFailed`` /
``CallbackTimeout`` / ``Cancelled``.

Over SSH with no forwarded port the user pastes the address from the browser's address bar instead:
:func:`parse_pasted_redirect`, which takes only an address on the registered redirect URI (Xero redirects to
exactly that URI: same scheme, host, port and path). The code is never logged.
"""

from __future__ import annotations

import html
import logging
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import SplitResult, parse_qs, urlsplit, urlunsplit

from tui.xero.errors import (AccessDenied, AuthFailed, CallbackTimeout, Cancelled, NotThisSignIn, StateMismatch,
                             XeroError)

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
DEFAULT_TIMEOUT_S = 300.0
LINGER_S = 5.0  # how long the port keeps answering after the redirect

_lingering: dict[int, "CallbackListener"] = {}  # port -> the listener still answering after its redirect
_lingering_lock = threading.Lock()

_DONE_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>tradiecore</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>{title}</h1>
<p>{text}</p>
<p>You can close this tab and return to tradiecore.</p>
</body></html>
"""


@dataclass(frozen=True)
class CallbackOutcome:
    """What one redirect said: a code, or Xero's error."""

    code: str | None = field(default=None, repr=False)
    error: str | None = None
    error_description: str | None = None

    def code_or_raise(self) -> str:
        if self.error == "access_denied":
            raise AccessDenied()
        if self.error:
            detail = f" ({self.error_description})" if self.error_description else ""
            raise AuthFailed(f"Xero did not complete the sign-in: {self.error}{detail}.")
        if not self.code:
            raise AuthFailed("Xero's answer had no sign-in code. Start Connect to Xero again.")
        return self.code


def _outcome(query: str, expected_state: str) -> CallbackOutcome:
    params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if params.get("state") != expected_state:
        raise StateMismatch()
    return CallbackOutcome(
        code=params.get("code") or None,
        error=params.get("error") or None,
        error_description=params.get("error_description") or None,
    )


def _target(parts: SplitResult) -> tuple[str, str, int | None, str]:
    """Scheme, host, port (the scheme's default when none is written) and path: where an address leads."""
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        port = -1
    if port is None:
        port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port, parts.path


def parse_pasted_redirect(url: str, expected_state: str, redirect_uri: str) -> str:
    """The code from a redirect URL the user pasted (``http://localhost:PORT/callback?code=...&state=...``).

    The address must lead to ``redirect_uri`` (the one registered at Xero and sent in the authorisation
    request): Xero redirects to exactly that, so anything else was not Xero's redirect. Raises ``NotThisSignIn``
    for anything that is not such a URL (saying what was refused) and its ``StateMismatch`` for a link from
    another sign-in: neither ends the sign-in. ``AccessDenied`` (the user did not allow access) and
    ``AuthFailed`` (Xero's other errors) are this sign-in's answer.
    """
    text = url.strip().strip("<>\"'")
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced [ in the host
        parts = urlsplit("")
    if not parts.query or ("code=" not in parts.query and "error=" not in parts.query):
        raise NotThisSignIn(
            "That is not the address Xero sent the browser to. Copy the whole address from the address bar "
            "of the tab that shows the error page (it starts with http://localhost)."
        )
    if _target(parts) != _target(urlsplit(redirect_uri)):
        went = urlunsplit(parts._replace(query="", fragment=""))  # never the code
        raise NotThisSignIn(
            f"That address goes to {went}, not to {redirect_uri}, where Xero sends the browser back. "
            "Copy the whole address from the address bar of the tab Xero sent back."
        )
    return _outcome(parts.query, expected_state).code_or_raise()


class _Server(ThreadingHTTPServer):
    # threads: a browser's idle speculative connection must not hold up the real redirect
    allow_reuse_address = True
    daemon_threads = True
    owner: "CallbackListener"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10
    default_request_version = "HTTP/1.0"  # a malformed request line is answered with a status line (400)

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        self.server.owner._handle(self)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the http.server signature
        # The default writes the request line, code included, to stderr: log the path only. A request line
        # that is too long or malformed is answered (414, 400) before ``path`` is set.
        path = getattr(self, "path", None)
        where = path.split("?", 1)[0] if path else "(no valid request line)"
        log.debug("callback listener: %s %s", getattr(self, "command", None) or "-", where)

    def reply_empty(self) -> None:
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def reply(self, status: int, title: str, text: str) -> None:
        body = _DONE_PAGE.format(title=html.escape(title), text=html.escape(text)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class CallbackListener:
    """One sign-in's loopback listener. Use as a context manager, or call :meth:`close`.

    ``port=0`` picks a free port (tests); the app passes the registered ``redirect_port``. ``linger``: seconds
    the port keeps answering after the redirect.
    """

    def __init__(self, port: int, expected_state: str, path: str = "/callback", linger: float = LINGER_S):
        self.path = path
        self._state = expected_state
        self._linger = linger
        self._done = threading.Event()
        self._result: CallbackOutcome | XeroError | None = None
        self._lock = threading.Lock()
        self._closing: threading.Timer | None = None
        with _lingering_lock:
            previous = _lingering.get(port) if port else None
        if previous is not None:  # the last sign-in's listener, still answering: this one takes the port
            previous.close()
        try:
            self._server = _Server((LOOPBACK, port), _Handler)
        except OSError as exc:
            raise AuthFailed(
                f"Port {port} on this machine is busy ({exc.strerror}), so Xero's answer cannot come back. "
                "Close the other program using it, or paste the address from the browser instead."
            ) from None
        self._server.owner = self
        self._thread = threading.Thread(target=self._serve, name="xero-callback", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"<CallbackListener {LOOPBACK}:{self.port}{self.path}>"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def address(self) -> tuple[str, int]:
        return self._server.server_address[:2]

    def _serve(self) -> None:
        self._server.serve_forever(poll_interval=0.05)
        self._server.server_close()

    def _handle(self, request: _Handler) -> None:
        try:
            parts = urlsplit(request.path)
        except ValueError:
            request.reply(400, "Not a sign-in address", "This address is not part of the sign-in.")
            return
        if self._done.is_set():  # the sign-in has its answer: a reload, or the browser asking for more
            self._answer_again(request, parts.path)
            return
        if parts.path != self.path:
            request.reply(404, "Not found", "This address is not part of the sign-in.")
            return
        try:
            outcome = _outcome(parts.query, self._state)
        except StateMismatch as exc:
            log.warning("callback listener: ignored a redirect with a state from another sign-in")
            request.reply(400, "This sign-in link is not the current one", str(exc))
            return
        with self._lock:
            answered = self._done.is_set()
            if not answered:
                self._result = outcome
                self._done.set()
                self._close_later()
        if answered:
            self._answer_again(request, parts.path)
            return
        if outcome.error == "access_denied":
            request.reply(200, "Access was not allowed", "Nothing was changed in tradiecore.")
        elif outcome.error or not outcome.code:
            request.reply(200, "The sign-in did not finish", "tradiecore shows what happened.")
        else:
            request.reply(200, "Connected", "tradiecore has the answer from Xero.")
        log.info("callback listener: received the redirect from Xero")

    def _answer_again(self, request: _Handler, path: str) -> None:
        if path == self.path:
            request.reply(200, "Already done", "This sign-in has already finished.")
        else:
            request.reply_empty()

    def _close_later(self) -> None:
        with _lingering_lock:
            _lingering[self.port] = self
        self._closing = threading.Timer(self._linger, self.close)
        self._closing.daemon = True
        self._closing.start()

    def wait(self, timeout: float = DEFAULT_TIMEOUT_S) -> str:
        """Block until the redirect arrives; return its code. On a timeout the port is closed at once; after the
        redirect it closes ``linger`` seconds later."""
        if not self._done.wait(timeout):
            self.cancel()
            raise CallbackTimeout(timeout)
        result = self._result
        if self._closing is None:  # cancelled: the port is free before this returns
            self.close()
        if isinstance(result, XeroError):
            raise result
        assert result is not None
        return result.code_or_raise()

    def cancel(self) -> None:
        """Stop waiting: :meth:`wait` raises ``Cancelled`` and the port is closed. Once the redirect has come it
        changes nothing: the port keeps answering until the linger is over."""
        with self._lock:
            if not self._done.is_set():
                self._result = Cancelled()
                self._done.set()
        if self._closing is None:
            self.close()

    def close(self) -> None:
        if self._closing is not None:
            self._closing.cancel()
        with _lingering_lock:
            if _lingering.get(self.port) is self:
                del _lingering[self.port]
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)

    def __enter__(self) -> "CallbackListener":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
