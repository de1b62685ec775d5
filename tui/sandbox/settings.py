"""The sandbox's tunable behaviour: token lifetimes, rate limits, latency, request size."""

from __future__ import annotations

from dataclasses import dataclass

MAX_REQUEST_BYTES = int(3.5 * 1024 * 1024)


@dataclass
class Settings:
    """Tunable behaviour; tests shorten lifetimes or tighten limits, the benchmark adds latency."""

    access_token_ttl: int = 1800  # seconds; Xero's access tokens last 30 minutes
    refresh_token_ttl: int = 60 * 86400  # an unused refresh token dies after 60 days
    refresh_grace: int = 1800  # a rotated refresh token still works for 30 minutes
    code_ttl: int = 300  # authorisation codes are short-lived
    latency: float = 0.0  # seconds added to every request except control calls
    minute_limit: int = 60  # per tenant
    day_limit: int = 5000  # per tenant, rolling 24 hours
    concurrent_limit: int = 5  # per tenant
    app_minute_limit: int = 10000  # per app, all tenants together
    max_request_bytes: int = MAX_REQUEST_BYTES
