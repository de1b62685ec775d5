"""Xero's replies checked before use: the JSON shape each call expects, else :class:`UnexpectedReply`.

A 200 from something in between (a captive portal's or a proxy's HTML page), a JSON array where Xero documents
an object, or an object without its collection (``{"Invoices": [...]}`` with no ``Invoices``) is never read as
"nothing there" and never crashes the caller: it is an error with the HTTP status and the start of the body,
on one line, without anything that looks like a token or a secret (:func:`excerpt`).

Shapes are Xero's OpenAPI ones: the accounting API answers an object whose collection (``Invoices``,
``Contacts``, ``Accounts``, ``TaxRates``, ``Organisations``) is an array of objects, with an optional
``pagination`` object of integers; ``/connections`` answers an array of objects, each with its ``tenantId``;
the token endpoint an object with a string ``access_token``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import httpx

from tui.xero import wire
from tui.xero.errors import UnexpectedReply

EXCERPT_CHARS = 120
_SCANNED_CHARS = 2000  # an excerpt is made from the body's start only
_SECRET_VALUE = re.compile(r'("[^"]*(?:token|secret|password|code)[^"]*"\s*:\s*)"[^"]*"', re.IGNORECASE)
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-.~+/=]{32,}")  # JWTs, opaque tokens, long ids: never shown
_SPACE = re.compile(r"\s+")


def excerpt(content: bytes) -> str:
    """The start of a body on one line, at most :data:`EXCERPT_CHARS` characters, token-like runs and the
    values of token/secret/password/code fields replaced by an ellipsis."""
    text = content[: _SCANNED_CHARS * 4].decode("utf-8", errors="replace")[:_SCANNED_CHARS]
    text = _SECRET_VALUE.sub('\\1"…"', text)
    text = _TOKEN_LIKE.sub("…", text)
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def unexpected(response: httpx.Response, what: str, problem: str) -> UnexpectedReply:
    return UnexpectedReply(what, response.status_code, problem, excerpt(response.content))


def parse(response: httpx.Response, what: str) -> Any:
    """The body as JSON (numbers as ``Decimal``), or :class:`UnexpectedReply`."""
    try:
        return wire.loads(response.content)
    except (ValueError, RecursionError):
        raise unexpected(response, what, "not JSON") from None


def collection(response: httpx.Response, key: str, what: str) -> dict:
    """An accounting API reply: an object whose ``key`` is a list of objects (and a sound ``pagination``)."""
    body = parse(response, what)
    if not isinstance(body, dict):
        raise unexpected(response, what, f"{_kind(body)}, not an object")
    if key not in body:
        raise unexpected(response, what, f'no "{key}" list')
    if not _objects(body[key]):
        raise unexpected(response, what, f'"{key}" is not a list of objects')
    pagination = body.get("pagination")
    if pagination is not None and not (isinstance(pagination, dict) and all(
            _integer(pagination.get(name)) for name in ("page", "pageSize", "pageCount", "itemCount"))):
        raise unexpected(response, what, '"pagination" is not an object of whole numbers')
    return body


def objects(response: httpx.Response, what: str, required: str) -> list[dict]:
    """A reply that is a JSON array of objects, each with a string ``required`` (``/connections``: tenantId)."""
    body = parse(response, what)
    if not _objects(body):
        raise unexpected(response, what, "not a list of objects")
    if not all(isinstance(item.get(required), str) and item[required] for item in body):
        raise unexpected(response, what, f'an element without "{required}"')
    return body


def token(response: httpx.Response, what: str) -> httpx.Response:
    """A successful token endpoint reply: an object with a string ``access_token`` (and, when present, a
    numeric ``expires_in`` and a string ``refresh_token``). Returns the response for authlib to read."""
    body = parse(response, what)
    if not isinstance(body, dict):
        raise unexpected(response, what, f"{_kind(body)}, not an object")
    if not isinstance(body.get("access_token"), str) or not body["access_token"]:
        raise unexpected(response, what, 'no "access_token"')
    expires_in = body.get("expires_in")
    if expires_in is not None and (isinstance(expires_in, bool) or not isinstance(expires_in, (int, Decimal))):
        raise unexpected(response, what, '"expires_in" is not a number')
    if body.get("refresh_token") is not None and not isinstance(body["refresh_token"], str):
        raise unexpected(response, what, '"refresh_token" is not a string')
    return response


def _objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _integer(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a boolean" if isinstance(value, bool) else "a number"


def read_capped(http: httpx.Client, method: str, url: str, cap: int, **kwargs: Any) -> httpx.Response:
    """One request whose reply is read up to ``cap`` bytes (streamed: a larger one is refused as soon as it is
    known to be larger, without holding it in memory)."""
    what = f"{method} {httpx.URL(url).path}"
    with http.stream(method, url, **kwargs) as response:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise UnexpectedReply(what, response.status_code, f"{int(declared):,} bytes, over the "
                                  f"{cap:,}-byte limit", "")
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > cap:
                raise UnexpectedReply(what, response.status_code, f"over the {cap:,}-byte limit", "")
    kept = [(k, v) for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=kept, content=bytes(body), request=response.request)
