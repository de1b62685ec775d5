"""The site config layer: flags > environment > the user's config.toml > the site's config.toml > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import config
from tui.config import load_keymap


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def dirs(env, monkeypatch):
    monkeypatch.delenv("TRADIECORE_DATA_DIR")
    return env / "config", env / "site"


def test_without_a_site_file_it_is_a_single_user_install(dirs):
    cfg = config.load()
    assert not cfg.is_site
    assert cfg.site_dir == dirs[1]
    assert cfg.data_dir == Path(config.platformdirs.user_data_dir("tradiecore"))


def test_the_site_file_sits_below_the_user_file_key_by_key(dirs, monkeypatch):
    user, site = dirs
    write(site / "config.toml", """
[site]
group = "shop"
user = "tradiecore"
data_dir = "/srv/shop"

[database]
url = "postgresql+psycopg://shop@db/shop"

[mail]
host = "smtp.site.example"
port = 2525
from = "accounts@site.example"

[xero]
client_id = "SITEAPP"
""")
    write(user / "config.toml", """
[mail]
port = 465
""")
    monkeypatch.setenv("TRADIECORE_MAIL_FROM", "me@env.example")
    cfg = config.load()
    assert cfg.is_site
    assert (cfg.site.group, cfg.site.user) == ("shop", "tradiecore")
    assert cfg.data_dir == Path("/srv/shop")
    assert cfg.database_url == "postgresql+psycopg://shop@db/shop"
    assert cfg.mail.host == "smtp.site.example"  # the site's
    assert cfg.mail.port == 465  # the user's, over the site's
    assert cfg.mail.from_ == "me@env.example"  # the environment's, over both
    assert cfg.mail.starttls is True  # nobody's: the default
    assert cfg.xero.client_id == "SITEAPP"
    assert config.load(overrides={"database_url": "sqlite:////tmp/x.db"}).database_url == "sqlite:////tmp/x.db"


def test_the_data_dir_environment_wins_over_the_site(dirs, monkeypatch, tmp_path):
    write(dirs[1] / "config.toml", '[site]\ndata_dir = "/srv/shop"\n')
    monkeypatch.setenv("TRADIECORE_DATA_DIR", str(tmp_path / "mine"))
    cfg = config.load()
    assert cfg.is_site and cfg.data_dir == tmp_path / "mine"


def test_the_keymap_is_the_users_alone(dirs):
    user, site = dirs
    write(site / "config.toml", '[site]\ngroup = "shop"\n\n[keys]\nnew_invoice = "ctrl+x"\n')
    cfg = config.load()
    assert load_keymap(cfg.config_dir, env={})[0] == {}
    write(user / "config.toml", '[keys]\nnew_invoice = "ctrl+n"\n')
    assert load_keymap(config.load().config_dir, env={})[0] == {"new_invoice": "ctrl+n"}


def test_the_demo_is_each_users_own(dirs):
    write(dirs[1] / "config.toml", '[site]\ndata_dir = "/srv/shop"\n\n[database]\nurl = "postgresql://db/shop"\n')
    cfg = config.load(demo=True)
    assert not cfg.is_site
    assert cfg.data_dir == Path(config.platformdirs.user_data_dir("tradiecore")) / "demo"
    assert cfg.database_url.startswith("sqlite:///")


@pytest.mark.parametrize("text, message", [
    ('[site]\ndata_dir = "shop"\n', "[site] data_dir: expected an absolute path, got 'shop'"),
    ("[mail]\nport = 'many'\n", "[mail] port: 'many' is not a whole number"),
    ("[site\n", "config.toml: "),
])
def test_a_bad_site_file_says_which_and_why(dirs, text, message):
    write(dirs[1] / "config.toml", text)
    with pytest.raises(config.ConfigError) as raised:
        config.load()
    assert str(dirs[1] / "config.toml") in str(raised.value) and message in str(raised.value)


def test_set_key_changes_one_key_and_keeps_the_rest():
    text = '# the shop\n[site]\ngroup = "old"\n\n[mail]\nhost = "smtp.example"\n'
    text = config.set_key(text, "site", "group", "shop")
    text = config.set_key(text, "site", "data_dir", "/srv/a \"b\"")
    text = config.set_key(text, "database", "url", "sqlite:////srv/a/t.db")
    assert text.startswith("# the shop\n")
    assert config.tomllib.loads(text) == {"site": {"group": "shop", "data_dir": '/srv/a "b"'},
                                          "mail": {"host": "smtp.example"},
                                          "database": {"url": "sqlite:////srv/a/t.db"}}
