"""One organisation's Xero tokens (:class:`TokenSet`), as an OAuth token response gives them and as they are stored."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Mapping

REFRESH_TOKEN_LIFETIME_S = 60 * 86_400.0  # Xero: a refresh token unused for 60 days dies


@dataclass(frozen=True)
class TokenSet:
    """One organisation's tokens. ``repr`` and ``str`` never show a token."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)  # None for a custom connection (client credentials)
    expires_at: float  # epoch seconds when the access token expires
    scopes: tuple[str, ...] = ()
    tenant_ids: tuple[str, ...] = ()
    refreshed_at: float = 0.0  # epoch seconds of the last token response (sets the refresh token's life)
    grant: str = "authorization_code"  # or "client_credentials"
    disconnected: str = ""  # why Xero stopped accepting this set (then no process tries it again)
    disconnected_at: float = 0.0  # epoch seconds when that was found

    @classmethod
    def from_response(
        cls, token: Mapping, now: float, tenant_ids: tuple[str, ...] = (), grant: str = "authorization_code"
    ) -> "TokenSet":
        """Build from an OAuth token response (authlib's dict)."""
        # from expires_in on the caller's clock (authlib's own expires_at uses the wall clock)
        if token.get("expires_in") is not None:
            expires_at = now + float(token["expires_in"])
        else:
            expires_at = float(token.get("expires_at") or now + 1800)
        scope = token.get("scope") or ""
        return cls(
            access_token=str(token["access_token"]),
            refresh_token=token.get("refresh_token"),
            expires_at=float(expires_at),
            scopes=tuple(scope.split()) if isinstance(scope, str) else tuple(scope),
            tenant_ids=tenant_ids,
            refreshed_at=now,
            grant=grant,
        )

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at - now <= seconds

    @property
    def refresh_token_expires_at(self) -> float | None:
        """When Xero will drop the refresh token if it is never used (None for client credentials)."""
        return self.refreshed_at + REFRESH_TOKEN_LIFETIME_S if self.refresh_token else None

    def to_json(self) -> str:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        data["tenant_ids"] = list(self.tenant_ids)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "TokenSet":
        data = json.loads(text)
        data["scopes"] = tuple(data.get("scopes") or ())
        data["tenant_ids"] = tuple(data.get("tenant_ids") or ())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
