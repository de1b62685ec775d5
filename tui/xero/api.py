"""Xero's accounting API and connections, over a sync ``httpx.Client`` (the app calls it from thread workers).

Every call goes through the tenant's :class:`~tui.xero.ratelimit.RateLimiter`, carries a current access token
from the :class:`~tui.xero.tokens.TokenManager` (one refresh and retry on 401), is retried with backoff on
5xx, 503 (offline) and network errors, waits out 429s as Xero asks, and ends in a parsed JSON body (numbers
as ``Decimal``) or a :class:`~tui.xero.errors.XeroError` whose message can be shown to the user. Every reply
is checked against the shape Xero documents before it is used (:mod:`tui.xero.replies`): an HTML page, a
JSON array or an object without its collection is :class:`~tui.xero.errors.UnexpectedReply`, not retried.

Writes go in batches with ``summarizeErrors=false`` (each element comes back with its own
``ValidationErrors``; see :func:`tui.xero.wire.validation_messages`) and an ``Idempotency-Key``, which the
retries reuse, so a retried write never creates a second record.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Callable, Iterator, Sequence

import httpx

from tui import __version__
from tui.config import XeroConfig
from tui.xero import replies, wire
from tui.xero.errors import Disconnected, Forbidden, NotFound, RateLimited, Unavailable, XeroError
from tui.xero.failures import client_error, retry_after, unavailable_message
from tui.xero.paging import Page, all_pages, csv, flag
from tui.xero.ratelimit import Backoff, RateLimiter, Usage
from tui.xero.tokens import TokenManager

__all__ = ["IDEMPOTENCY_KEY_MAX", "MAX_REPLY_BYTES", "PAGE_SIZE", "TIMEOUT_S", "WAIT_SLICE_S", "Page", "XeroApi"]

log = logging.getLogger(__name__)

PAGE_SIZE = 1000  # Xero's maximum: fewer calls for a full read
IDEMPOTENCY_KEY_MAX = 128
TIMEOUT_S = 60.0
MAX_REPLY_BYTES = 20_000_000  # a reply larger than this (20 MB) is refused, never read whole; a full page is far less
WAIT_SLICE_S = 10.0  # a watched call's waits are cut into slices this long at most (see XeroApi.watched)
_CONNECTIONS_KEY = "connections"  # limiter bucket for /connections, which has no tenant


class XeroApi:
    """One organisation's (tenant's) view of Xero. Thread-safe; share one per tenant."""

    def __init__(
        self,
        config: XeroConfig,
        tokens: TokenManager,
        tenant_id: str | None = None,
        *,
        limiter: RateLimiter | None = None,
        backoff: Backoff | None = None,
        client: httpx.Client | None = None,
        owns_tokens: bool = False,
        max_reply_bytes: int = MAX_REPLY_BYTES,
    ):
        """``owns_tokens``: closing the API closes the token manager's OAuth client too (nothing else uses it).
        ``max_reply_bytes``: a larger reply (as declared, or as it streams in, decompressed) is
        :class:`~tui.xero.errors.UnexpectedReply` once that many bytes have come, the rest never read."""
        self.max_reply_bytes = max_reply_bytes
        self.config = config
        self.tokens = tokens
        self.tenant_id = tenant_id
        self.limiter = limiter or RateLimiter()
        self.backoff = backoff or Backoff()
        self._owns_client = client is None
        self._owns_tokens = owns_tokens
        self.http = client or httpx.Client(timeout=TIMEOUT_S)
        self.base = f"{config.api_url.rstrip('/')}/api.xro/2.0/"
        self.connections_url = f"{config.api_url.rstrip('/')}/connections"
        self._watch = threading.local()

    def __repr__(self) -> str:
        return f"<XeroApi {self.config.api_url} tenant={self.tenant_id}>"

    def close(self) -> None:
        if self._owns_client:
            self.http.close()
        if self._owns_tokens:
            self.tokens.oauth.close()

    def __enter__(self) -> "XeroApi":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def watched(self, keep_alive: Callable[[], None], every: float = WAIT_SLICE_S) -> Iterator[None]:
        """Calls made in this block on this thread run ``keep_alive()`` right before each request goes out and
        at least every ``every`` seconds while they wait (``Retry-After``, backoff, the rate limits).

        The sync renews its lease there; what ``keep_alive`` raises (the lease was lost, the sync was told to
        stop) ends the call at once, before anything more is sent.
        """
        previous = getattr(self._watch, "hook", None)
        self._watch.hook = (keep_alive, every)
        try:
            yield
        finally:
            self._watch.hook = previous

    def _keep_alive(self) -> None:
        hook = getattr(self._watch, "hook", None)
        if hook is not None:
            hook[0]()

    def _wait(self, seconds: float) -> None:
        """Sleep on the limiter's clock, in slices with ``keep_alive`` before each when the call is watched."""
        hook = getattr(self._watch, "hook", None)
        if hook is None:
            self.limiter.clock.sleep(seconds)
            return
        keep_alive, every = hook
        while seconds > 0:
            keep_alive()
            step = min(seconds, every)
            self.limiter.clock.sleep(step)
            seconds -= step

    def usage(self) -> Usage:
        """Calls used today and what is left, for the sync screen."""
        return self.limiter.usage(self._tenant())

    # -- connections -------------------------------------------------------------------------------------

    def connections(self) -> list[dict]:
        """The organisations this token may use (``tenantId``, ``tenantName``, ``tenantType``, ``id``...)."""
        try:
            response = self._send("GET", self.connections_url, bucket=_CONNECTIONS_KEY)
        except Forbidden as exc:
            raise Disconnected(f"Xero refused to list the connected organisations ({exc})") from None
        return replies.objects(response, "GET connections", "tenantId")

    def delete_connection(self, connection_id: str) -> None:
        """Disconnect one organisation (``id`` from :meth:`connections`, not the tenant id)."""
        try:
            self._send("DELETE", f"{self.connections_url}/{connection_id}", bucket=_CONNECTIONS_KEY)
        except NotFound:
            pass  # already gone

    # -- settings ----------------------------------------------------------------------------------------

    def organisation(self) -> dict:
        orgs = self._get("Organisation", "Organisations")["Organisations"]
        if not orgs:
            raise NotFound("Xero returned no organisation for this connection.")
        return orgs[0]

    def accounts(self, where: str | None = None) -> list[dict]:
        """The chart of accounts, e.g. ``where='Class=="REVENUE"&&Status=="ACTIVE"'``."""
        return self._get("Accounts", "Accounts", params={"where": where})["Accounts"]

    def tax_rates(self) -> list[dict]:
        return self._get("TaxRates", "TaxRates")["TaxRates"]

    # -- contacts ----------------------------------------------------------------------------------------

    def contacts_page(
        self,
        page: int = 1,
        *,
        where: str | None = None,
        search_term: str | None = None,
        ids: Sequence[str] = (),
        modified_since: datetime | None = None,
        include_archived: bool = False,
        summary_only: bool = False,
        page_size: int = PAGE_SIZE,
    ) -> Page:
        params = {
            "page": page,
            "pageSize": page_size,
            "where": where,
            "searchTerm": search_term,
            "IDs": csv(ids),
            "includeArchived": flag(include_archived),
            "summaryOnly": flag(summary_only),
        }
        return self._page("Contacts", params, modified_since, page, page_size)

    def contacts(self, **filters: Any) -> list[dict]:
        """Every contact matching the filters of :meth:`contacts_page`, all pages read."""
        return list(all_pages(self.contacts_page, filters))

    def put_contacts(self, contacts: list[dict], idempotency_key: str) -> list[dict]:
        """Create contacts; returns one element per contact (check each for ``ValidationErrors``)."""
        return self._write("PUT", "Contacts", {"Contacts": contacts}, idempotency_key)["Contacts"]

    def post_contacts(self, contacts: list[dict], idempotency_key: str) -> list[dict]:
        """Update (by ``ContactID``) or create contacts."""
        return self._write("POST", "Contacts", {"Contacts": contacts}, idempotency_key)["Contacts"]

    # -- invoices ----------------------------------------------------------------------------------------

    def invoices_page(
        self,
        page: int = 1,
        *,
        modified_since: datetime | None = None,
        statuses: Sequence[str] = (),
        ids: Sequence[str] = (),
        invoice_numbers: Sequence[str] = (),
        contact_ids: Sequence[str] = (),
        where: str | None = None,
        summary_only: bool = False,
        created_by_my_app: bool = False,
        page_size: int = PAGE_SIZE,
    ) -> Page:
        params = {
            "page": page,
            "pageSize": page_size,
            "Statuses": csv(statuses),
            "IDs": csv(ids),
            "InvoiceNumbers": csv(invoice_numbers),
            "ContactIDs": csv(contact_ids),
            "where": where,
            "summaryOnly": flag(summary_only),
            "createdByMyApp": flag(created_by_my_app),
            "unitdp": 4,
        }
        return self._page("Invoices", params, modified_since, page, page_size)

    def invoices(self, **filters: Any) -> list[dict]:
        """Every invoice matching the filters of :meth:`invoices_page`, all pages read."""
        return list(all_pages(self.invoices_page, filters))

    def post_invoices(self, invoices: list[dict], idempotency_key: str) -> list[dict]:
        """Update (by ``InvoiceID``) or create invoices (``unitdp=4``)."""
        return self._write("POST", "Invoices", {"Invoices": invoices}, idempotency_key, unitdp=True)["Invoices"]

    # -- payments ----------------------------------------------------------------------------------------

    def put_payments(self, payments: list[dict], idempotency_key: str) -> list[dict]:
        """Create payments against invoices; one element back per payment (check each for ``ValidationErrors``)."""
        return self._write("PUT", "Payments", {"Payments": payments}, idempotency_key)["Payments"]

    def delete_payment(self, payment_id: str, idempotency_key: str) -> dict:
        """Delete (reverse) a payment: ``POST /Payments/{id}`` with ``Status: DELETED``; the payment back."""
        return self._write("POST", f"Payments/{payment_id}", {"Payments": [{"Status": "DELETED"}]}, idempotency_key,
                           key="Payments")["Payments"][0]

    # -- plumbing ----------------------------------------------------------------------------------------

    def _tenant(self) -> str:
        if not self.tenant_id:
            raise XeroError("No Xero organisation is chosen for this connection yet.")
        return self.tenant_id

    def _get(self, path: str, key: str, params: dict | None = None, headers: dict | None = None) -> dict:
        """GET ``path``: Xero's object whose ``key`` is a list of objects."""
        response = self._send("GET", self.base + path, params=params, headers=headers)
        return replies.collection(response, key, f"GET {path}")

    def _page(self, path: str, params: dict, modified_since: datetime | None, page: int, page_size: int) -> Page:
        headers = {"If-Modified-Since": wire.format_modified_since(modified_since)} if modified_since else None
        body = self._get(path, path, params, headers)
        pagination = body.get("pagination") or {}
        return Page(
            items=body[path],
            page=page,
            page_size=page_size,
            page_count=pagination.get("pageCount"),
            item_count=pagination.get("itemCount"),
        )

    def _write(self, method: str, path: str, body: dict, idempotency_key: str, unitdp: bool = False,
               key: str | None = None) -> dict:
        """PUT/POST ``body`` (``{key: [...]}``, ``key`` being ``path`` unless given): Xero's object whose ``key``
        is a list, one element per record."""
        key = key or path
        if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
            raise ValueError(f"an Idempotency-Key has 1 to {IDEMPOTENCY_KEY_MAX} characters")
        params = {"summarizeErrors": "false"}
        if unitdp:
            params["unitdp"] = "4"
        response = self._send(
            method,
            self.base + path,
            params=params,
            content=wire.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "Idempotency-Key": idempotency_key},
        )
        reply = replies.collection(response, key, f"{method} {path}")
        sent, answered = len(body.get(key) or []), len(reply[key])
        if answered != sent:  # each record's outcome is read from its own element: none may be missing
            raise replies.unexpected(response, f"{method} {path}", f"{answered} {key} in reply to {sent}")
        return reply

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._send_with_retries(method, url, **kwargs)
        except XeroError as exc:
            log.warning("Xero %s %s failed: %s", method, httpx.URL(url).path, exc)
            raise

    def _send_with_retries(
        self,
        method: str,
        url: str,
        *,
        params: dict | None = None,
        content: bytes | None = None,
        headers: dict | None = None,
        bucket: str | None = None,
    ) -> httpx.Response:
        tenant = bucket is None
        key = self._tenant() if tenant else bucket
        query = {k: v for k, v in (params or {}).items() if v is not None}
        refreshed = False
        failures = 0
        throttled = 0
        while True:
            token = self.tokens.access_token()
            request_headers = self._headers(token, key if tenant else None, headers)
            try:
                response = self._attempt(key, method, url, params=query, content=content, headers=request_headers)
            except httpx.TransportError as exc:
                failures += 1
                if failures >= self.backoff.attempts:
                    message = f"Could not reach Xero ({type(exc).__name__}) after {failures} tries; try again later."
                    raise Unavailable(message) from None
                self._wait(self.backoff.delay(failures))
                continue
            status = response.status_code
            log.debug("xero %s %s -> %d", method, httpx.URL(url).path, status)
            if status == 401 and not refreshed:  # or a newer set, stored by a Continue that granted a scope
                self.tokens.refresh(rejected=token)
                refreshed = True
                continue
            if status == 429:
                throttled += 1
                self._throttled(key, response, throttled)
                continue  # the limiter holds the next try back until Retry-After has passed
            if status >= 500:
                failures += 1
                if failures >= self.backoff.attempts:
                    raise Unavailable(unavailable_message(response), status) from None
                self._wait(max(self.backoff.delay(failures), retry_after(response, 0.0)))
                continue
            if status >= 400:
                raise self._client_error(response, tenant)
            return response

    @staticmethod
    def _headers(token: str, tenant_id: str | None, extra: dict | None) -> dict:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "User-Agent": f"tradiecore/{__version__}",
            **(extra or {}),
        }
        if tenant_id is not None:
            headers["xero-tenant-id"] = tenant_id
        return headers

    def _attempt(self, key: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One try, in its turn under the limits of ``key`` (the tenant, or the connections' bucket)."""
        with self.limiter.slot(key, sleep=self._wait):
            self._keep_alive()
            response = replies.read_capped(self.http, method, url, self.max_reply_bytes, **kwargs)
            self.limiter.observe(key, response.headers, refused=response.status_code == 429)
        return response

    def _throttled(self, key: str, response: httpx.Response, times: int) -> None:
        """A 429: the limiter waits out Retry-After before the next try, unless the day's limit is spent or
        Xero has refused this call too often (:class:`~tui.xero.errors.RateLimited`)."""
        wait = retry_after(response)
        problem = (response.headers.get("X-Rate-Limit-Problem") or "minute").lower()
        self.limiter.penalise(key, wait, problem)
        if problem == "day" or times >= self.backoff.rate_limit_attempts:
            raise RateLimited(wait, problem)

    def _client_error(self, response: httpx.Response, tenant: bool) -> XeroError:
        if response.status_code == 403 and tenant and not self._tenant_still_connected():
            reason = "the organisation was disconnected from tradiecore in Xero"
            self.tokens.mark_disconnected(reason, self._tenant())
            return Disconnected(reason)
        return client_error(response)

    def _tenant_still_connected(self) -> bool:
        try:
            return any(c.get("tenantId") == self.tenant_id for c in self.connections())
        except Disconnected:
            return False
