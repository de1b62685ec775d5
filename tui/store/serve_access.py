"""Who may open the app in a browser (``tradiecore serve``): one-time sign-in links and the sessions they become.

Only SHA-256 digests of the secrets are stored: a copy of the database lets nobody in. A link is good once and for
a day; a session for :data:`SESSION_DAYS` days from sign-in, on the one origin (scheme, host and port) it was
signed in on. Removing a person or revoking everything deletes the rows: the next request of such a session is
refused, and a tab it has open is closed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Field, Session, SQLModel

from tui.store.column_types import UTCDateTime

LINK_HOURS = 24
SESSION_DAYS = 14


class ServeLinkRow(SQLModel, table=True):
    """A sign-in link not yet used: the digest of its token, for whom, until when."""

    __tablename__ = "serve_link"
    token_hash: str = Field(primary_key=True)
    user_name: str = Field(index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class ServeSessionRow(SQLModel, table=True):
    """A signed-in browser: the digest of its cookie, who, on which origin, until when."""

    __tablename__ = "serve_session"
    token_hash: str = Field(primary_key=True)
    user_name: str = Field(index=True)
    origin: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


@dataclass(frozen=True)
class SignedIn:
    user: str
    cookie: str  # the session's secret, for the cookie (never stored)
    expires_at: datetime


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_link(s: Session, user: str, now: datetime) -> str:
    """A new one-time sign-in token for ``user`` (returned once; only its digest is kept)."""
    token = secrets.token_urlsafe(32)
    s.add(ServeLinkRow(token_hash=digest(token), user_name=user, created_at=now,
                       expires_at=now + timedelta(hours=LINK_HOURS)))
    return token


def redeem(s: Session, token: str, origin: str, now: datetime) -> SignedIn | None:
    """Use a sign-in token (once): a new session on ``origin``; None for an unknown, used or expired token."""
    link = s.get(ServeLinkRow, digest(token))
    if link is None:
        return None
    s.delete(link)
    if link.expires_at <= now:
        return None
    cookie = secrets.token_urlsafe(32)
    expires = now + timedelta(days=SESSION_DAYS)
    s.add(ServeSessionRow(token_hash=digest(cookie), user_name=link.user_name, origin=origin, created_at=now,
                          expires_at=expires))
    return SignedIn(link.user_name, cookie, expires)


def session_user(s: Session, cookie: str, origin: str, now: datetime) -> str | None:
    """Who a session cookie belongs to, when it is current and was signed in on ``origin``; else None."""
    row = s.get(ServeSessionRow, digest(cookie))
    if row is None or row.origin != origin or row.expires_at <= now:
        return None
    return row.user_name


def remove_user(s: Session, user: str) -> int:
    """Delete ``user``'s links and sessions; how many there were."""
    gone = 0
    for table in (ServeLinkRow, ServeSessionRow):
        gone += s.execute(delete(table).where(table.user_name == user)).rowcount or 0
    return gone


def revoke_all(s: Session) -> int:
    """Delete every link and session; how many there were."""
    return sum(s.execute(delete(table)).rowcount or 0 for table in (ServeLinkRow, ServeSessionRow))

