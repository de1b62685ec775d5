"""A site install's secrets: Fernet-encrypted rows of the business's database (SQLite and PostgreSQL), the key a
file in the site dir; the Xero token set the encrypted row of xero_token_set, with the same key."""

from __future__ import annotations

import time

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect, text

from tests.site.conftest import GROUP
from tests.fixtures.postgres import throwaway_postgres
from tui import config
from tui.credentials.user_store import TokenStoreUnreadable
from tui.credentials.site_store import SiteSecretStore, open_secrets
from tui.store.db import make_engine, migrate
from tui.xero.tokens import EncryptedTokenStore, TokenSet
from tui.connection.factory import organisation_store, uses_database_tokens


@pytest.fixture(params=["sqlite", "postgres"])
def site(request, env):
    """A site dir with a config naming the database and a key file; the database migrated."""
    if request.param == "sqlite":
        url = f"sqlite:///{env / 'shop.db'}"
        yield from _site(env, url)
    else:
        with throwaway_postgres() as url:
            yield from _site(env, url)


def _site(env, url):
    site_dir = env / "site"
    site_dir.mkdir()
    (site_dir / "config.toml").write_text(f'[site]\ngroup = "shop"\n\n[database]\nurl = "{url}"\n')
    (site_dir / "secrets.key").write_bytes(Fernet.generate_key() + b"\n")
    cfg = config.load()
    engine = make_engine(cfg.database_url)
    migrate(engine)
    yield cfg, engine
    engine.dispose()


def test_shared_secrets_are_ciphertext_in_the_database(site):
    cfg, engine = site
    store = open_secrets(cfg, engine)
    assert isinstance(store, SiteSecretStore)
    store.set("smtp-password", "hunter2-the-shops")
    assert store.get("smtp-password") == "hunter2-the-shops"
    with engine.connect() as c:
        [(blob,)] = c.execute(text("SELECT blob FROM shared_secret WHERE name = 'smtp-password'")).all()
    assert b"hunter2" not in bytes(blob)
    assert "hunter2" not in repr(store) and str(cfg.site_dir / "secrets.key") in store.name
    store.set("smtp-password", "changed")
    assert open_secrets(cfg, engine).get("smtp-password") == "changed"  # another process, the same secret
    store.delete("smtp-password")
    assert store.get("smtp-password") is None


def test_the_token_set_is_the_encrypted_row_with_the_sites_key(site):
    cfg, engine = site
    assert uses_database_tokens(cfg)
    store = organisation_store(cfg, "tenant-1", open_secrets(cfg, engine), engine)
    assert isinstance(store, EncryptedTokenStore)
    tokens = TokenSet("access-xyz", "refresh-xyz", time.time() + 1800, tenant_ids=("tenant-1",))
    store.save(tokens)
    with engine.connect() as c:
        [(blob,)] = c.execute(text("SELECT blob FROM xero_token_set WHERE tenant_id = 'tenant-1'")).all()
    assert b"refresh-xyz" not in bytes(blob)
    key = (cfg.site_dir / "secrets.key").read_bytes().strip()
    assert TokenSet.from_json(Fernet(key).decrypt(bytes(blob)).decode()) == tokens
    assert organisation_store(cfg, "tenant-1", None, engine).load() == tokens


def test_another_key_cannot_read_them(site):
    cfg, engine = site
    open_secrets(cfg, engine).set("xero.client-secret", "s3cret")
    (cfg.site_dir / "secrets.key").write_bytes(Fernet.generate_key())
    with pytest.raises(TokenStoreUnreadable, match=r"cannot read the shared secret 'xero.client-secret': .*"
                                                   r"secrets.key is not the key it was saved with"):
        open_secrets(cfg, engine).get("xero.client-secret")


def test_without_the_key_nothing_is_read_or_written(site):
    cfg, engine = site
    (cfg.site_dir / "secrets.key").unlink()
    store = open_secrets(cfg, engine)
    for call in (lambda: store.get("x"), lambda: store.set("x", "y"), lambda: store.delete("x")):
        with pytest.raises(TokenStoreUnreadable, match="the key file is missing"):
            call()
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM shared_secret")).scalar_one() == 0


def test_a_key_file_without_a_key_is_said(site):
    cfg, engine = site
    (cfg.site_dir / "secrets.key").write_text("not a key\n")
    with pytest.raises(TokenStoreUnreadable, match="secrets.key: the file does not hold a tradiecore key"):
        open_secrets(cfg, engine).get("x")


def test_setup_on_postgresql(site_paths):
    """``setup --site --db URL``: the site config names the database, migrated there; no SQLite file."""
    p = site_paths
    with throwaway_postgres() as url:
        done = p.setup("--data-dir", str(p.data_dir), "--group", GROUP, "--db", url)
        assert done.returncode == 0, done.stderr
        assert f"Migrated the database {url} to the newest revision" in done.stdout.splitlines()
        engine = make_engine(url)
        try:
            assert "shared_secret" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
        assert config.load(env=p.env()).database_url == url
        assert not p.db.exists()
        again = p.setup()
        assert again.returncode == 0 and again.stdout.startswith("Nothing to change")
