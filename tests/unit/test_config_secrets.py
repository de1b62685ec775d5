import os
import stat

import keyring
import pytest

from tui import config
from tui.credentials.user_store import FileSecretStore, KeyringSecretStore, SecretsError, open_store


def test_defaults_point_at_real_xero(cfg):
    assert cfg.xero.login_url == "https://login.xero.com"
    assert cfg.xero.identity_url == "https://identity.xero.com"
    assert cfg.xero.api_url == "https://api.xero.com"
    assert cfg.database_url.startswith("sqlite:///") and cfg.database_url.endswith("tradiecore.db")
    assert not cfg.mail_uses_smtp


def test_environment_wins_over_the_file(env, monkeypatch):
    cdir = env / "config"
    cdir.mkdir()
    (cdir / "config.toml").write_text(
        '[mail]\nhost = "smtp.file.example"\nport = 2525\nstarttls = false\nfrom = "a@b.co"\n'
        '[xero]\nclient_id = "from-file"\n'
    )
    monkeypatch.setenv("TRADIECORE_MAIL_HOST", "smtp.env.example")
    monkeypatch.setenv("TRADIECORE_XERO_BASE", "http://127.0.0.1:9999/")
    cfg = config.load()
    assert cfg.mail.host == "smtp.env.example"
    assert (cfg.mail.port, cfg.mail.starttls, cfg.mail.from_) == (2525, False, "a@b.co")
    assert cfg.xero.client_id == "from-file"
    assert {cfg.xero.login_url, cfg.xero.identity_url, cfg.xero.api_url} == {"http://127.0.0.1:9999"}


def test_flags_win_over_the_environment(env, monkeypatch):
    monkeypatch.setenv("TRADIECORE_DATABASE_URL", "sqlite:////tmp/env.db")
    cfg = config.load(overrides={"database_url": "postgresql+psycopg://x@h/db", "xero_base": "http://h:1"})
    assert cfg.database_url == "postgresql+psycopg://x@h/db"
    assert cfg.xero.api_url == "http://h:1"


def test_bad_values_say_where(env, monkeypatch):
    monkeypatch.setenv("TRADIECORE_MAIL_PORT", "lots")
    with pytest.raises(config.ConfigError, match="TRADIECORE_MAIL_PORT: 'lots' is not a whole number"):
        config.load()


@pytest.mark.parametrize("value", ["1_5", "\u0661\u0662", "\uff11\uff12", "1e3", "25.0", "0", "70000", "-25", "+25"])
def test_numbers_in_the_environment_are_read_one_way(env, monkeypatch, value):
    monkeypatch.setenv("TRADIECORE_MAIL_PORT", value)
    with pytest.raises(config.ConfigError) as raised:
        config.load()
    assert str(raised.value).startswith("TRADIECORE_MAIL_PORT: ")
    monkeypatch.setenv("TRADIECORE_MAIL_PORT", " 2525 ")
    assert config.load().mail.port == 2525


@pytest.mark.parametrize("text", ['port = "1_5"', 'port = "\uff12\uff15"', "port = 0", "port = 99999", "port = true",
                                  "port = 25.0"])
def test_numbers_in_config_toml_are_read_one_way(env, text):
    (env / "config").mkdir(exist_ok=True)
    (env / "config" / "config.toml").write_text(f"[mail]\n{text}\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"config.toml \[mail\] port: "):
        config.load()


def test_control_characters_in_config_are_refused(env, monkeypatch):
    monkeypatch.setenv("TRADIECORE_MAIL_FROM", "accounts@example.com\x1b]0;x\x07")
    with pytest.raises(config.ConfigError, match=r"TRADIECORE_MAIL_FROM: The value holds a control character \(ESC\)"):
        config.load()


def test_demo_keeps_its_own_data(cfg):
    demo = config.demo_config(cfg)
    assert demo.data_dir == cfg.data_dir / "demo"
    assert demo.database_url != cfg.database_url


def test_file_store_is_0600_and_hides_values(tmp_path):
    store = FileSecretStore(tmp_path / "secrets.json")
    store.set("smtp-password", "hunter2")
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert store.get("smtp-password") == "hunter2"
    assert "hunter2" not in repr(store)
    store.delete("smtp-password")
    assert store.get("smtp-password") is None


def test_keyring_is_used_when_it_works(cfg, memory_keyring):
    store = open_store(cfg)
    assert isinstance(store, KeyringSecretStore)
    store.set("k", "v")
    assert memory_keyring.items[("tradiecore", "k")] == "v"


def test_no_keyring_backend_falls_back_to_the_file(cfg):
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    store = open_store(cfg)
    assert isinstance(store, FileSecretStore)
    assert "0600" in store.name


def test_a_hanging_keyring_times_out(memory_keyring):
    import threading

    release = threading.Event()
    memory_keyring.get_password = lambda *a: release.wait(5)
    store = KeyringSecretStore(memory_keyring, timeout=0.2)
    with pytest.raises(SecretsError, match="did not answer"):
        store.get("x")
    release.set()


def test_the_sync_look_is_a_quarter_second_unless_the_environment_says_otherwise():
    from tui.config import ConfigError, sync_look_seconds

    assert sync_look_seconds({}) == 0.25
    assert sync_look_seconds({"TRADIECORE_SYNC_LOOK_S": "0.1"}) == 0.1
    for bad in ("soon", "0", "61"):
        with pytest.raises(ConfigError, match="TRADIECORE_SYNC_LOOK_S"):
            sync_look_seconds({"TRADIECORE_SYNC_LOOK_S": bad})
