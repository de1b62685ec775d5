"""What a failed reply from Xero says: the error to raise for a 4xx, the wait a 429 or 5xx asks for, and the
message a 5xx or 503 shows the user."""

from __future__ import annotations

from typing import Any

import httpx

from tui.xero import wire
from tui.xero.errors import Disconnected, Forbidden, MissingScope, NotFound, ValidationFailed, XeroError

MISSING_SCOPE = "AuthorizationUnsuccessful"  # Xero's 401 detail for a token without the scope a call needs


def client_error(response: httpx.Response) -> XeroError:
    """The error a 4xx reply is (a 403 for an organisation no longer connected is the caller's to tell)."""
    status = response.status_code
    detail = _detail(response)
    if status == 400:
        return ValidationFailed(*_validation(response))
    if status == 401 and detail == MISSING_SCOPE:
        return MissingScope("Xero did not allow this: the connection lacks a permission (scope) it needs.")
    if status == 401:
        return Disconnected(f"Xero rejected this app's access even after a refresh{_paren(detail)}")
    if status == 403:
        return Forbidden(f"Xero did not allow this{_paren(detail)}. The connection may lack a permission (scope).")
    if status == 404:
        return NotFound(f"Xero has no such record{_paren(detail)}.")
    return XeroError(f"Xero answered HTTP {status}{_paren(detail)}.")


def retry_after(response: httpx.Response, default: float = 60.0) -> float:
    raw = response.headers.get("Retry-After")
    try:
        return max(float(raw), 0.0) if raw is not None else default
    except ValueError:
        return default


def unavailable_message(response: httpx.Response) -> str:
    if response.status_code == 503:
        return "Xero is offline (for maintenance or an outage); sync will try again later."
    return f"Xero had a problem (HTTP {response.status_code}); sync will try again later."


def _body(response: httpx.Response) -> Any:
    try:
        return wire.loads(response.content)
    except ValueError:
        return None


def _detail(response: httpx.Response) -> str:
    body = _body(response)
    if isinstance(body, dict):
        for key in ("Message", "Detail", "Title", "detail", "title", "error"):
            if body.get(key):
                return str(body[key])
    return ""


def _paren(text: str) -> str:
    return f" ({text})" if text else ""


def _validation(response: httpx.Response) -> tuple[list[str], list]:
    body = _body(response)
    if not isinstance(body, dict):
        return [], []
    elements = body.get("Elements") or []
    messages = [m for element in elements for m in wire.validation_messages(element)]
    if not messages and body.get("Message"):
        messages = [str(body["Message"])]
    return messages, elements
