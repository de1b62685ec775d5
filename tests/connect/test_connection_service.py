"""The connection service against the sandbox over real HTTP (the browser's part done with plain requests)."""

from __future__ import annotations

import logging
import os
import stat
import threading
from dataclasses import replace

import pytest

from tui.connection import CATEGORIES, OtherOrganisation
from tui.xero.errors import AccessDenied, NotConfigured, StateMismatch


def connect(xero, http_browser, organisation=None):
    started = xero.start()
    location = http_browser.consent(started.url, organisation=organisation)
    got: dict = {}
    t = threading.Thread(target=lambda: got.setdefault("code", xero.wait(started)))
    t.start()
    assert http_browser.follow(location).status_code == 200
    t.join(10)
    pending = xero.finish(started, got["code"])
    return pending


def test_connect_stores_organisation_tokens_and_default_mappings(xero, http_browser, xservices):
    pending = connect(xero, http_browser)
    assert [o.name for o in pending.organisations] == ["Demo Company (AU)"]
    overview = xero.choose(pending, pending.organisations[0])
    assert overview.state == "connected"
    assert overview.organisation == "Demo Company (AU)"
    assert [m.category for m in overview.mappings] == list(CATEGORIES)
    assert {(m.code, m.name) for m in overview.mappings} == {("200", "Sales")}
    assert xservices.connection.overview().state == "connected"
    accounts = xero.chart_of_accounts()
    assert [a.code for a in accounts] == ["200", "210", "220", "260", "270"]
    assert accounts[0].tax_type == "OUTPUT"


def test_access_denied_changes_nothing(xero, http_browser, xservices):
    started = xero.start()
    location = http_browser.consent(started.url, decision="cancel")
    got: dict = {}

    def wait():
        try:
            xero.wait(started)
        except Exception as exc:
            got["error"] = exc

    t = threading.Thread(target=wait)
    t.start()
    http_browser.follow(location)
    t.join(10)
    assert isinstance(got["error"], AccessDenied)
    assert str(got["error"]).startswith("Access was not allowed")
    assert xservices.connection.overview().state == "not connected"


def test_paste_back_and_forged_state(xero, http_browser):
    started = xero.start()
    location = http_browser.consent(started.url)
    forged = location.replace("state=", "state=x")
    with pytest.raises(StateMismatch):
        xero.code_from_paste(started, forged)
    code = xero.code_from_paste(started, location)
    pending = xero.finish(started, code)
    assert pending.organisations[0].name == "Demo Company (AU)"


def test_mapping_update_archived_flag_and_disconnect_revoke(xero, http_browser, xservices, sandbox):
    pending = connect(xero, http_browser)
    xero.choose(pending, pending.organisations[0])
    labour = next(a for a in xero.chart_of_accounts() if a.code == "210")
    xero.save_mapping("Labour", labour)
    sandbox.control.archive_account("210")
    accounts = xero.chart_of_accounts()
    assert "210" not in [a.code for a in accounts]
    overview = xero.overview()
    assert [m.category for m in overview.archived] == ["Labour"]
    assert any("210 Labour Income" in line for line in xero_warnings(xero))
    # revoke in Xero: the check marks it Disconnected with a reason and the time
    sandbox.control.revoke_connection()
    checked = xero.check()
    assert checked.state == "disconnected"
    assert checked.reason
    assert checked.since is not None
    assert xservices.connection.overview().state == "disconnected"


def xero_warnings(xero):
    return xero.todo_warnings()


def test_reconnect_keeps_tenant_and_refuses_another(xero, http_browser, sandbox):
    pending = connect(xero, http_browser)
    first = xero.choose(pending, pending.organisations[0])
    labour = next(a for a in xero.chart_of_accounts() if a.code == "220")
    xero.save_mapping("Materials", labour)
    sandbox.control.revoke_connection()
    assert xero.check().state == "disconnected"
    # the user picks the other organisation on Xero's page: said plainly, nothing switches
    other = connect(xero, http_browser, organisation="Smith Plumbing & Gas Pty Ltd")
    assert other.keep_tenant_id == first.tenant_id
    with pytest.raises(OtherOrganisation, match="Demo Company"):
        xero.choose(other, other.organisations[0])
    assert xero.overview().state == "disconnected"
    again = connect(xero, http_browser, organisation="Demo Company (AU)")
    demo = next(o for o in again.organisations if o.tenant_id == first.tenant_id)
    assert again.organisations[again.suggested].tenant_id == first.tenant_id
    overview = xero.choose(again, demo)
    assert overview.state == "connected" and overview.tenant_id == first.tenant_id
    assert {m.category: m.code for m in overview.mappings}["Materials"] == "220"


def test_disconnect_deletes_connection_and_revokes(xero, http_browser, sandbox, xservices):
    pending = connect(xero, http_browser)
    xero.choose(pending, pending.organisations[0])
    def ours():
        return [c for c in sandbox.control.snapshot()["connections"] if c["clientId"] == sandbox.pkce_client_id]

    assert len(ours()) == 1
    overview = xero.disconnect()
    assert overview.state == "not connected"
    assert ours() == []
    assert xservices.connection.overview().state == "not connected"


def test_missing_client_id_says_what_to_register(xero, xservices):
    from dataclasses import replace

    xservices.cfg = replace(xservices.cfg, xero=replace(xservices.cfg.xero, client_id=""))
    assert not xero.configured
    with pytest.raises(NotConfigured, match=r"redirect URI http://localhost:\d+/callback"):
        xero.start()


def test_custom_connection(xero, sandbox, xservices):
    from dataclasses import replace

    xservices.cfg = replace(xservices.cfg, xero=replace(xservices.cfg.xero, client_id=""))
    pending = xero.setup_custom(sandbox.custom_client_id, sandbox.custom_client_secret)
    assert pending.kind == "custom"
    overview = xero.choose(pending, pending.organisations[0])
    assert overview.kind == "custom" and overview.organisation == "Demo Company (AU)"
    assert xero.check().state == "connected"
    assert xservices.secrets.get("xero.client-secret") == sandbox.custom_client_secret
    assert f'client_id = "{sandbox.custom_client_id}"' in (xservices.cfg.config_dir / "config.toml").read_text()
    # the sync engine builds its API the same way: the config's client id and the stored secret
    from tui.connection.factory import oauth_for

    assert repr(oauth_for(xservices.cfg, xservices.secrets)).startswith("<XeroOAuth custom connection")


def test_write_client_id_keeps_the_rest_of_config(tmp_path):
    from tui.config import ConfigError, write_client_id

    path = tmp_path / "config.toml"
    path.write_text('[mail]\nhost = "smtp.example"\n\n[xero]\nredirect_port = 9000\n')
    write_client_id(path, "ABC123")
    import tomllib

    parsed = tomllib.loads(path.read_text())
    assert parsed == {"mail": {"host": "smtp.example"}, "xero": {"client_id": "ABC123", "redirect_port": 9000}}
    with pytest.raises(ConfigError, match="only letters, digits"):
        write_client_id(path, 'bad" id')


def test_token_file_is_0600_and_no_code_or_token_in_logs(xero, http_browser, xservices, caplog):
    from tui.credentials.user_store import FileSecretStore, secrets_file

    store = FileSecretStore(secrets_file(xservices.cfg))
    xservices._secrets = store
    started = xero.start()
    location = http_browser.consent(started.url)  # the browser's side: not the app's logs
    caplog.set_level(logging.DEBUG)
    code = xero.code_from_paste(started, location)
    pending = xero.finish(started, code)
    xero.choose(pending, pending.organisations[0])
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600
    stored = store.get(f"xero.tokens.{pending.organisations[0].tenant_id}")
    assert stored and pending.tokens.refresh_token in stored
    text = caplog.text
    assert code not in text
    assert pending.tokens.access_token not in text
    assert pending.tokens.refresh_token not in text
    assert "access_token" not in repr(pending)


def test_listener_binds_loopback_only(xero):
    started = xero.start()
    try:
        host, port = started.consent.listener.address
        assert host == "127.0.0.1"
        assert started.redirect_uri == f"http://localhost:{port}/callback"
    finally:
        xero.cancel(started)


def test_organisation_removed_while_another_stays_marks_tokens_too(xero, http_browser, sandbox):
    from tests.connect.helpers import connect_second_organisation

    connect_second_organisation(sandbox)  # the grant keeps living through the other organisation
    pending = connect(xero, http_browser)
    demo = next(o for o in pending.organisations if o.name == "Demo Company (AU)")
    xero.choose(pending, demo)
    sandbox.control.revoke_connection()
    checked = xero.check()
    assert checked.state == "disconnected"
    assert "disconnected from tradiecore in Xero" in checked.reason
    stored = xero._store(demo.tenant_id).load()
    assert stored.disconnected and not stored.refresh_token


def test_callback_timeout_says_so(xero):
    from tui.xero.errors import CallbackTimeout

    xero.wait_timeout = 0.2
    started = xero.start()
    with pytest.raises(CallbackTimeout, match="No answer came back from Xero"):
        xero.wait(started)


def test_todo_warns_when_the_connection_is_near_expiry(xero, http_browser):
    import time
    from dataclasses import replace

    pending = connect(xero, http_browser)
    xero.choose(pending, pending.organisations[0])
    store = xero._store(pending.organisations[0].tenant_id)
    store.save(replace(store.load(), refreshed_at=time.time() - 55 * 86_400))
    assert any("expires in" in line for line in xero.todo_warnings())


def test_database_token_store_encrypts_and_shares_one_set(xero, http_browser, xservices, monkeypatch):
    """PostgreSQL deployments keep the set in the database (tried here on SQLite): encrypted, never plain."""
    import sqlalchemy as sa

    import tui.connection.factory as factory

    monkeypatch.setattr(factory, "uses_database_tokens", lambda cfg: True)
    pending = connect(xero, http_browser)
    overview = xero.choose(pending, pending.organisations[0])
    with xservices.engine.connect() as c:
        blob = c.execute(sa.text("SELECT blob FROM xero_token_set WHERE tenant_id = :t"),
                         {"t": overview.tenant_id}).scalar_one()
    assert pending.tokens.refresh_token.encode() not in bytes(blob)
    assert pending.tokens.access_token.encode() not in bytes(blob)
    assert xservices.secrets.get("xero.token-key")  # the key, in this machine's secrets store
    assert xero.check().state == "connected"  # reads (and refreshes) through the row
    assert [a.code for a in xero.chart_of_accounts()][:1] == ["200"]
    # another machine without the key is told what to copy
    from tui.xero.tokens import TokenKeyError

    from tui.credentials.user_store import FileSecretStore

    other_secrets = FileSecretStore(xservices.cfg.config_dir / "other-machine.json")
    with pytest.raises(TokenKeyError, match="xero.token-key"):
        factory.token_store_for(xservices.cfg, overview.tenant_id, other_secrets, xservices.engine).load()
    xero.disconnect()
    with xservices.engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM xero_token_set")).scalar_one() == 0


def test_abandoned_reconnect_keeps_the_consent(xero, http_browser, sandbox):
    """Leaving the picker on a reconnect revokes nothing: that consent is the business's organisation's."""
    def ours():
        return [c for c in sandbox.control.snapshot()["connections"] if c["clientId"] == sandbox.pkce_client_id]

    pending = connect(xero, http_browser)
    xero.choose(pending, pending.organisations[0])
    sandbox.control.revoke_connection()
    assert xero.check().state == "disconnected"
    again = connect(xero, http_browser)
    assert again.keep_tenant_id == pending.organisations[0].tenant_id
    xero.abandon(again)
    assert len(ours()) == 1
    # Another business on the same Xero login connecting afresh, then leaving the picker: the organisation's
    # connection was there before that consent (it only renewed it), so it stays.
    xero.abandon(replace(connect(xero, http_browser), keep_tenant_id=""))
    assert len(ours()) == 1


@pytest.mark.parametrize("site_file,ssh_host", [
    ('[site]\ngroup = "shop"\nssh_host = "shop.example.com.au"\n', "shop.example.com.au"),
    ('[site]\ngroup = "shop"\n', "192.0.2.10"),
])
def test_the_ssh_line_names_the_sites_ssh_host_else_the_sessions_address(site_file, ssh_host, env, sandbox,
                                                                        redirect_port, monkeypatch):
    """Over SSH the ``ssh -L`` line names the server as the site config's ``[site] ssh_host`` says, else by the
    address the SSH session came in on (``SSH_CONNECTION``)."""
    from tests.fixtures.connect import sandbox_cfg
    from tui import config
    from tui.services import Services

    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50122 192.0.2.10 22")
    (env / "site").mkdir()
    (env / "site" / "config.toml").write_text(site_file, encoding="utf-8")
    services = Services(sandbox_cfg(config.load(), sandbox, redirect_port), user="sam")
    started = services.connection.start()
    try:
        assert started.remote and not started.open_browser
        assert started.forward_host == ssh_host
        assert started.forward_command.endswith(f"@{ssh_host}")
        assert f"-L {redirect_port}:127.0.0.1:{redirect_port}" in started.forward_command
    finally:
        services.connection.cancel(started)


def test_a_pasted_answer_ends_the_wait_and_a_pasted_stranger_does_not(xero, http_browser):
    """Over real HTTP: an address from another sign-in leaves the listener waiting (the browser's own answer still
    arrives); this sign-in's "access not allowed", pasted, ends the wait at once."""
    from tui.xero.errors import Cancelled, NotThisSignIn

    started = xero.start()
    stranger = http_browser.consent(started.url.replace("state=", "state=other"))
    with pytest.raises(NotThisSignIn):
        xero.code_from_paste(started, stranger)
    got: dict = {}
    waiting = threading.Thread(target=lambda: got.setdefault("code", xero.wait(started)))
    waiting.start()
    assert http_browser.follow(http_browser.consent(started.url)).status_code == 200
    waiting.join(10)
    assert got["code"]
    xero.cancel(started)

    started = xero.start()
    refused = http_browser.consent(started.url, decision="deny")
    with pytest.raises(AccessDenied):
        xero.code_from_paste(started, refused)
    with pytest.raises(Cancelled):
        xero.wait(started)  # at once: the listener has stopped
