"""Configuration: `config.toml` in the user config dir, overridden key by key by the environment.

Search order for every key (first wins):
1. command-line flags the CLI passes in as ``overrides`` (``--db``, ``--xero-base``)
2. ``TRADIECORE_<SECTION>_<KEY>`` environment variables (``TRADIECORE_XERO_BASE`` sets all three Xero URLs)
3. ``config.toml`` in ``platformdirs.user_config_dir("tradiecore")`` (``TRADIECORE_CONFIG_DIR`` moves it)
4. the defaults below (real Xero hosts, SQLite in the data dir, mail into a local outbox)
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

import platformdirs

APP_NAME = "tradiecore"
ENV_PREFIX = "TRADIECORE_"

DEFAULT_SCOPES = "offline_access accounting.invoices accounting.contacts accounting.settings.read"


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("TRADIECORE_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("TRADIECORE_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def site_dir(env: Mapping[str, str] | None = None) -> Path:
    """The site dir every user of a shop server reads (``TRADIECORE_SITE_DIR`` moves it, for tests)."""
    env = os.environ if env is None else env
    return Path(env.get("TRADIECORE_SITE_DIR") or "/etc/tradiecore")


def current_user() -> str:
    """Who is at the keyboard (``TRADIECORE_USER``, else the login name): stamped on what they change."""
    return os.environ.get(f"{ENV_PREFIX}USER") or getpass.getuser()


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = ""  # empty: SQLite file in the data dir


@dataclass(frozen=True)
class MailConfig:
    host: str = ""  # empty: deliver into the local outbox folder
    port: int = 587
    starttls: bool = True
    user: str = ""
    from_: str = ""


@dataclass(frozen=True)
class XeroConfig:
    client_id: str = ""
    redirect_port: int = 8765
    scopes: str = DEFAULT_SCOPES
    login_url: str = "https://login.xero.com"
    identity_url: str = "https://identity.xero.com"
    api_url: str = "https://api.xero.com"


@dataclass(frozen=True)
class SecretsConfig:
    store: str = "auto"  # auto: keyring, else a 0600 file; "file": always the file


@dataclass(frozen=True)
class SiteConfig:
    """``[site]`` of the site config: the Unix group whose members share the business, the service's user."""

    group: str = ""
    user: str = ""


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    xero: XeroConfig = field(default_factory=XeroConfig)
    secrets: SecretsConfig = field(default_factory=SecretsConfig)
    site: SiteConfig = field(default_factory=SiteConfig)
    site_dir: Path = field(default_factory=site_dir)
    config_dir: Path = field(default_factory=config_dir)
    data_dir: Path = field(default_factory=data_dir)
    demo: bool = False
    demo_login: tuple[str, str] | None = None  # tradiecore demo: the login (email, password) its sandbox printed

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'tradiecore.db'}"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def mail_uses_smtp(self) -> bool:
        return bool(self.mail.host)

    def with_xero_base(self, base: str) -> "Config":
        base = base.rstrip("/")
        return replace(self, xero=replace(self.xero, login_url=base, identity_url=base, api_url=base))


class ConfigError(ValueError):
    """A config file or environment value that cannot be used; the message says which and why."""


_SECTIONS = {"database": DatabaseConfig, "mail": MailConfig, "xero": XeroConfig, "secrets": SecretsConfig}


def _key_name(f) -> str:
    return f.name.rstrip("_")  # `from_` is spelled `from` in the file and the environment


def _coerce(raw: Any, typ: Any, where: str) -> Any:
    if typ in (bool, "bool"):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{where}: expected true or false, got {raw!r}")
    if typ in (int, "int"):
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected a whole number, got {raw!r}") from None
    return str(raw)


def _section(cls, from_file: Mapping[str, Any], env: Mapping[str, str], section: str):
    values = {}
    for f in fields(cls):
        key = _key_name(f)
        env_name = f"{ENV_PREFIX}{section.upper()}_{key.upper()}"
        if env_name in env:
            values[f.name] = _coerce(env[env_name], f.type, env_name)
        elif key in from_file:
            values[f.name] = _coerce(from_file[key], f.type, f"config.toml [{section}] {key}")
    return cls(**values)


def load(
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, str | None] | None = None,
    demo: bool = False,
) -> Config:
    """Read config.toml and the environment. ``overrides``: ``database_url``, ``xero_base`` from flags."""
    env = dict(os.environ if env is None else env)
    overrides = overrides or {}
    cdir = config_dir(env)
    ddir = data_dir(env)
    path = cdir / "config.toml"
    parsed: dict[str, Any] = {}
    if path.exists():
        try:
            parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    sections = {
        name: _section(cls, parsed.get(name, {}) if isinstance(parsed.get(name), dict) else {}, env, name)
        for name, cls in _SECTIONS.items()
    }
    cfg = Config(**sections, config_dir=cdir, data_dir=ddir)
    if env.get("TRADIECORE_XERO_BASE"):
        cfg = cfg.with_xero_base(env["TRADIECORE_XERO_BASE"])
    if overrides.get("xero_base"):
        cfg = cfg.with_xero_base(str(overrides["xero_base"]))
    if overrides.get("database_url"):
        cfg = replace(cfg, database=DatabaseConfig(url=str(overrides["database_url"])))
    if demo:
        cfg = demo_config(cfg)
    return cfg


def demo_config(cfg: Config) -> Config:
    """The demo lives in its own data dir with its own database: demo and real data never mix."""
    demo_dir = cfg.data_dir / "demo"
    return replace(
        cfg,
        data_dir=demo_dir,
        database=DatabaseConfig(url=""),
        mail=MailConfig(from_="accounts@demo.tradiecore.example"),
        demo=True,
    )


def write_client_id(path: Path, client_id: str) -> None:
    """Put ``client_id`` under ``[xero]`` in config.toml, keeping everything else in the file as it is."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", client_id):
        raise ConfigError("A Xero client id has only letters, digits, - and _; check what you copied.")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    parsed = tomllib.loads(text) if text.strip() else {}
    line = f'client_id = "{client_id}"'
    if "xero" not in parsed:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + f"[xero]\n{line}\n"
    elif "client_id" in parsed["xero"]:
        return
    else:
        text = re.sub(r"(?m)^\[xero\][ \t]*$", "[xero]\n" + line, text, count=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
