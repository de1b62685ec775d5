"""The response bodies Xero sends: JSON with exact money, validation errors, 401/403 problem details, OAuth
errors, and the plain-text bodies of 404, 413, 429, 500 and 503; and, for injected faults, 200 replies that are
not what Xero sends (:func:`malformed`).
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response

from tui.sandbox.wire import dumps

ZERO_ID = "00000000-0000-0000-0000-000000000000"
TEXT_NOT_FOUND = "The resource you're looking for cannot be found"
TEXT_OFFLINE = "The Organisation is offline"
TEXT_TOO_LARGE = "The request is too large. Requests are limited to 3.5 MB."
TEXT_RATE_LIMITED = "Rate limit exceeded. Please retry after the number of seconds in the Retry-After header."
TEXT_INTERNAL = "An error occurred in Xero. Check the API Status page for current service status."
HTML_NOTICE = ("<!DOCTYPE html>\n<html>\n<head><title>Scheduled maintenance</title></head>\n"
               "<body><h1>We&rsquo;ll be back soon</h1><p>This service is briefly unavailable.</p></body>\n</html>\n")


def xero_json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON written with `wire.dumps`, so Decimals keep their exact digits."""
    return Response(dumps(body), status_code=status, headers=headers, media_type="application/json; charset=utf-8")


def error(error_type: str, message: str, *, number: int = 10, elements: list[dict] | None = None,
          status: int = 400) -> Response:
    """Xero's `Error` body: `{"ErrorNumber", "Type", "Message", "Elements"}`."""
    body: dict[str, Any] = {"ErrorNumber": number, "Type": error_type, "Message": message}
    if elements is not None:
        body["Elements"] = elements
    return xero_json(body, status)


def validation_exception(elements: list[dict]) -> Response:
    return error("ValidationException", "A validation exception occurred", elements=elements)


def query_error(message: str) -> Response:
    return error("QueryParseException", message, number=16)


def problem(status: int, detail: str) -> Response:
    """The identity layer's problem-details body for 401 (expired or unknown token) and 403 (tenant)."""
    return JSONResponse({
        "Type": None,
        "Title": "Unauthorized" if status == 401 else "Forbidden",
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }, status_code=status)


def oauth_error(error_code: str, status: int = 400) -> Response:
    return JSONResponse({"error": error_code}, status_code=status, headers={"Cache-Control": "no-store"})


def text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message, status_code=status, headers=headers)


def malformed(kind: str, path: str = "") -> Response:
    """A 200 that is not what Xero sends: an HTML page, a JSON array, Xero's envelope without the collection, or
    with the collection (named after the last part of ``path``, e.g. ``Invoices``) empty."""
    if kind == "html":
        return Response(HTML_NOTICE, media_type="text/html; charset=utf-8")
    if kind == "json_list":
        return xero_json([{"Status": "OK"}])
    if kind == "no_collection":
        return xero_json({"Id": str(uuid.uuid4()), "Status": "OK", "ProviderName": "tradiecore sandbox"})
    if kind == "empty_collection":
        collection = path.rstrip("/").rsplit("/", 1)[-1].capitalize()
        return xero_json({"Id": str(uuid.uuid4()), "Status": "OK", "ProviderName": "tradiecore sandbox",
                          collection: []})
    raise ValueError(f"not a malformed reply: {kind!r}")
