"""The rows of ``shared_secret``: a site install's business-wide secrets, as ciphertext only.

:class:`tui.credentials.site_store.SiteSecretStore` encrypts and decrypts; the key stays in the site dir, never here.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import bindparam, text

from tui.store.column_types import UTCDateTime

_WHEN = bindparam("u", type_=UTCDateTime())  # stored like every other time (see tui.store.column_types)


class SharedSecretRows:
    """Read, write and delete one encrypted secret by name, each in its own transaction."""

    def __init__(self, engine):
        self.engine = engine

    def __repr__(self) -> str:
        return f"<SharedSecretRows {self.engine.url.render_as_string(hide_password=True)}>"

    def read(self, name: str) -> bytes | None:
        with self.engine.begin() as c:
            row = c.execute(text("SELECT blob FROM shared_secret WHERE name = :n"), {"n": name}).first()
        return bytes(row[0]) if row else None

    def write(self, name: str, blob: bytes) -> None:
        values = {"n": name, "b": blob, "u": datetime.now(timezone.utc)}
        with self.engine.begin() as c:
            updated = c.execute(text("UPDATE shared_secret SET blob = :b, updated_at = :u WHERE name = :n")
                                .bindparams(_WHEN), values).rowcount
            if not updated:
                c.execute(text("INSERT INTO shared_secret (name, blob, updated_at) VALUES (:n, :b, :u)")
                          .bindparams(_WHEN), values)

    def delete(self, name: str) -> None:
        with self.engine.begin() as c:
            c.execute(text("DELETE FROM shared_secret WHERE name = :n"), {"n": name})

    def count(self) -> int:
        """How many secrets are stored (``tradiecore setup --site`` will not replace a key that opens some)."""
        with self.engine.begin() as c:
            return int(c.execute(text("SELECT count(*) FROM shared_secret")).scalar_one())
