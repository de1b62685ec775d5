"""What can go wrong talking to Xero, as exceptions whose ``str`` is fit to show a user.

Every error the Xero client raises is a :class:`XeroError`. The UI shows ``str(error)``; the sync engine
branches on the class: :class:`Disconnected` stops syncing until the user selects Continue,
:class:`RateLimited` and :class:`Unavailable` mean "try again later", :class:`ValidationFailed` is a problem
with one record that the user must fix, :class:`UnexpectedReply` is a reply not in the shape Xero documents. No message ever contains a token, a code or a secret.
"""

from __future__ import annotations


class XeroError(Exception):
    """Base class. ``str(error)`` is a complete sentence for the user."""


class NotConfigured(XeroError):
    """The app has no Xero client id (or a custom connection has no secret)."""


class AuthFailed(XeroError):
    """The connect flow did not produce a token set (wrong state, refused code, bad client id...)."""


class AccessDenied(AuthFailed):
    """The user selected Cancel (or Xero refused) on Xero's consent page: nothing changes."""

    def __init__(self, message: str = "Access was not allowed. Nothing was changed."):
        super().__init__(message)


class NotThisSignIn(AuthFailed):
    """An address that is not the answer to the sign-in under way: refused, and that sign-in keeps waiting."""


class StateMismatch(NotThisSignIn):
    """The redirect does not belong to the sign-in this app started (a forged or stale link)."""

    def __init__(self) -> None:
        super().__init__(
            "That address is the answer to another sign-in (an older link, or one started elsewhere), not to the "
            "one under way, so nothing was done with it. tradiecore keeps waiting: open the link it shows now."
        )


class CallbackTimeout(AuthFailed):
    def __init__(self, seconds: float):
        minutes = seconds / 60
        span = f"{minutes:g} minutes" if minutes >= 1 else f"{seconds:g} seconds"
        super().__init__(f"No answer came back from Xero within {span}. Select Connect to Xero to try again.")
        self.seconds = seconds


class Cancelled(AuthFailed):
    def __init__(self) -> None:
        super().__init__("Connecting to Xero was cancelled.")


class Disconnected(XeroError):
    """Xero no longer accepts this app's tokens: the user must reconnect (Continue)."""

    def __init__(self, reason: str):
        super().__init__(f"Disconnected from Xero: {reason}")
        self.reason = reason


class Forbidden(XeroError):
    """Xero refused a call for this organisation (403): missing scope or the organisation is not connected."""


class MissingScope(Forbidden):
    """Xero refused a call the connection's token has no scope for (401 ``AuthorizationUnsuccessful``): the user
    selects Continue to grant it; the connection itself is fine."""


class NotFound(XeroError):
    """The record asked for does not exist in Xero (404)."""


class RateLimited(XeroError):
    """Xero's (or our own) call limit is used up; ``retry_after`` seconds until it may be tried again."""

    def __init__(self, retry_after: float, problem: str = "minute"):
        self.retry_after = retry_after
        self.problem = problem
        if problem == "day":
            text = "Today's Xero call limit for this organisation is used up"
        else:
            text = "Xero asked us to slow down"
        super().__init__(f"{text}; trying again in {_span(retry_after)}.")


class ValidationFailed(XeroError):
    """Xero rejected the data (400): ``messages`` are Xero's own validation messages."""

    def __init__(self, messages: list[str], elements: list | None = None):
        self.messages = list(messages) or ["Xero rejected the data without saying why."]
        self.elements = list(elements or [])
        super().__init__("Xero did not accept this: " + "; ".join(self.messages))


class Unavailable(XeroError):
    """Xero (or the network) did not answer usefully, even after retries; try again later. ``status`` is Xero's
    last HTTP status (500, 503...), None when it was not reached at all."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class UnexpectedReply(XeroError):
    """A reply that cannot be used: not JSON, not the JSON shape Xero documents (e.g. a proxy's HTML page).

    ``status`` is the HTTP status, ``problem`` what was wrong, ``excerpt`` the start of the body on one line
    with anything token-like removed (:func:`tui.xero.replies.excerpt`).
    """

    def __init__(self, what: str, status: int, problem: str, excerpt: str):
        self.what, self.status, self.problem, self.excerpt = what, status, problem, excerpt
        body = f": {excerpt}" if excerpt else " (empty body)"
        super().__init__(f"Unexpected reply from Xero to {what} (HTTP {status}, {problem}){body}")


def _span(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"
