"""Configuration: the user's `config.toml` over the site's, both overridden key by key by the environment.

Search order for every key (first wins):
1. command-line flags the CLI passes in as ``overrides`` (``--db``, ``--xero-base``)
2. ``TRADIECORE_<SECTION>_<KEY>`` environment variables (``TRADIECORE_XERO_BASE`` sets all three Xero URLs)
3. ``config.toml`` in ``platformdirs.user_config_dir("tradiecore")`` (``TRADIECORE_CONFIG_DIR`` moves it)
4. ``config.toml`` in the site dir, ``/etc/tradiecore`` (``TRADIECORE_SITE_DIR`` moves it): what every user of
   a shop server shares (``tradiecore setup --site`` writes it)
5. the defaults below (real Xero hosts, SQLite in the data dir, mail into a local outbox)

A site config file makes this a site install (:attr:`Config.is_site`): one business for every member of the
site's Unix group, its data in the site's data dir (``[site] data_dir``; ``TRADIECORE_DATA_DIR`` still wins) and
its secrets shared (:mod:`tui.credentials.site_store`). Per-person settings (the keymap, ``[keys]``) are read from the
user's own config.toml only, never from the site's.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from tui.domain.money import parse_whole
from tui.domain.text import control_problem

APP_NAME = "tradiecore"
ENV_PREFIX = "TRADIECORE_"

POLL_INTERVAL_S = 60.0  # seconds between background sync passes (the app's worker and ``tradiecore sync``)

DEFAULT_SCOPES = \
    "offline_access accounting.invoices accounting.payments accounting.contacts accounting.settings.read"


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("TRADIECORE_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def data_dir(env: Mapping[str, str] | None = None, site_data_dir: str = "") -> Path:
    """``TRADIECORE_DATA_DIR``, else the site's ``[site] data_dir``, else the user data dir."""
    env = os.environ if env is None else env
    return Path(env.get("TRADIECORE_DATA_DIR") or site_data_dir or platformdirs.user_data_dir(APP_NAME))


def site_dir(env: Mapping[str, str] | None = None) -> Path:
    """The site dir every user of a shop server reads (``TRADIECORE_SITE_DIR`` moves it, for tests)."""
    env = os.environ if env is None else env
    return Path(env.get("TRADIECORE_SITE_DIR") or "/etc/tradiecore")


SYNC_LOOK_S = 0.25


def sync_look_seconds(env: Mapping[str, str] | None = None) -> float:
    """How often a process that may sync looks at the lease and for passes asked of it: four times a second, or
    ``TRADIECORE_SYNC_LOOK_S`` (0.01 to 60; the tests run at 0.1)."""
    env = os.environ if env is None else env
    raw = env.get("TRADIECORE_SYNC_LOOK_S", "")
    if not raw:
        return SYNC_LOOK_S
    try:
        seconds = float(raw)
    except ValueError:
        raise ConfigError(f"TRADIECORE_SYNC_LOOK_S: expected seconds, got {raw!r}") from None
    if not 0.01 <= seconds <= 60:
        raise ConfigError(f"TRADIECORE_SYNC_LOOK_S: expected 0.01 to 60 seconds, got {raw!r}")
    return seconds


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
    """``[site]`` of the site config: the Unix group whose members share the business, the service's user, and
    the name staff's laptops reach this server by over SSH (``ssh_host``, shown in the ``ssh -L`` line of
    Connect to Xero; unset: the address the SSH session came in on). (``[site] data_dir`` moves the data dir:
    :attr:`Config.data_dir`.)"""

    group: str = ""
    user: str = ""
    ssh_host: str = ""

    @property
    def group_to_join(self) -> str:
        """How a message names the group that gives access: "group tradies", else "the site's group"."""
        return f"group {self.group}" if self.group else "the site's group"


SITE_DATA_DIR_KEY = "data_dir"  # [site] data_dir
SITE_UMASK = 0o007  # the app and the sync of a site install: what they make is the group's to write, no one else's
PRIVATE_UMASK = 0o077  # a single-user install: what it makes is its owner's alone (customers' names, invoices)


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
    is_site: bool = False  # a site config file exists: the business is shared by the site's group
    demo: bool = False
    demo_login: tuple[str, str] | None = None  # tradiecore demo: the login (email, password) its sandbox printed
    outbox_at: Path | None = None  # the outbox's real folder when it is not shown_outbox_dir (screenshots, tests)

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'tradiecore.db'}"

    @property
    def site_config_path(self) -> Path:
        return self.site_dir / "config.toml"

    @property
    def outbox_dir(self) -> Path:
        return self.outbox_at or self.shown_outbox_dir

    @property
    def shown_outbox_dir(self) -> Path:
        """The outbox folder as screens name it: the data dir's ``outbox``."""
        return self.data_dir / "outbox"

    @property
    def mail_uses_smtp(self) -> bool:
        return bool(self.mail.host)

    def with_xero_base(self, base: str) -> "Config":
        base = base.rstrip("/")
        return replace(self, xero=replace(self.xero, login_url=base, identity_url=base, api_url=base))


class ConfigError(ValueError):
    """A config file or environment value that cannot be used; the message says which and why."""


_SECTIONS = {"database": DatabaseConfig, "mail": MailConfig, "xero": XeroConfig, "secrets": SecretsConfig,
             "site": SiteConfig}


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
        text = str(raw) if isinstance(raw, (int, str)) and not isinstance(raw, bool) else ""
        try:
            return parse_whole(text, what="port", low=1, high=65535)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    if (problem := control_problem(str(raw), "value")) is not None:
        raise ConfigError(f"{where}: {problem}")
    return str(raw)


def _table(parsed: Mapping[str, Any], section: str) -> Mapping[str, Any]:
    table = parsed.get(section)
    return table if isinstance(table, dict) else {}


def _section(cls, files: list[tuple[str, Mapping[str, Any]]], env: Mapping[str, str], section: str):
    """One section, key by key: the environment, else the first of ``files`` (name, parsed) that has the key."""
    values = {}
    for f in fields(cls):
        key = _key_name(f)
        env_name = f"{ENV_PREFIX}{section.upper()}_{key.upper()}"
        if env_name in env:
            values[f.name] = _coerce(env[env_name], f.type, env_name)
            continue
        for name, parsed in files:
            table = _table(parsed, section)
            if key in table:
                values[f.name] = _coerce(table[key], f.type, f"{name} [{section}] {key}")
                break
    return cls(**values)


def _read_toml(path: Path) -> dict[str, Any] | None:
    """The parsed file, or None when there is none."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def load(
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, str | None] | None = None,
    demo: bool = False,
) -> Config:
    """Read the user's config.toml, the site's and the environment. ``overrides``: ``database_url``,
    ``xero_base`` from flags. The demo is each user's own, never the site's."""
    env = dict(os.environ if env is None else env)
    overrides = overrides or {}
    cdir = config_dir(env)
    sdir = site_dir(env)
    user_file = _read_toml(cdir / "config.toml")
    site_file = None if demo else _read_toml(sdir / "config.toml")
    files = [("config.toml", user_file or {}), (str(sdir / "config.toml"), site_file or {})]
    sections = {name: _section(cls, files, env, name) for name, cls in _SECTIONS.items()}
    site_data = _table(site_file or {}, "site").get(SITE_DATA_DIR_KEY, "")
    if not isinstance(site_data, str) or (site_data and not os.path.isabs(site_data)):
        raise ConfigError(f"{sdir / 'config.toml'} [site] {SITE_DATA_DIR_KEY}: expected an absolute path, "
                          f"got {site_data!r}")
    cfg = Config(**sections, site_dir=sdir, config_dir=cdir, data_dir=data_dir(env, site_data),
                 is_site=site_file is not None)
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


def set_key(text: str, section: str, key: str, value: str) -> str:
    """``text`` (a config.toml) with ``key = "value"`` in ``[section]``: the key's line replaced if it is there,
    else added under the section's header, else the section added at the end. Everything else stays as it is."""
    line = f"{key} = {json.dumps(value)}"  # a JSON string is a TOML basic string
    header = re.search(rf"(?m)^\[{re.escape(section)}\][ \t]*(#.*)?$", text)
    if header is None:
        return (text.rstrip("\n") + "\n\n" if text.strip() else "") + f"[{section}]\n{line}\n"
    body_start = header.end()
    following = re.search(r"(?m)^[ \t]*\[", text[body_start:])
    body_end = body_start + following.start() if following else len(text)
    body = text[body_start:body_end]
    existing = re.search(rf"(?m)^[ \t]*{re.escape(key)}[ \t]*=.*$", body)
    if existing is not None:
        body = body[:existing.start()] + line + body[existing.end():]
    else:
        body = "\n" + line + body
    return text[:body_start] + body + text[body_end:]


def keep_private(cfg: "Config") -> None:
    """A single-user install's data is its owner's alone: umask 077 for what this process makes, and the data
    dir (0700) and a SQLite database with its WAL files (0600) made so if an older version left them open to every
    local user (a group-only mode someone chose is theirs to keep). A site install's are its group's
    (:data:`SITE_UMASK`, ``tradiecore setup``): untouched."""
    if cfg.is_site:
        return
    os.umask(PRIVATE_UMASK)
    paths = [(cfg.data_dir, 0o700)]
    url = cfg.database_url
    if url.startswith("sqlite") and url.split("///", 1)[-1] not in ("", ":memory:"):
        db = Path(url.split("///", 1)[-1])
        paths += [(db.with_name(db.name + suffix), 0o600) for suffix in ("", "-wal", "-shm")]
    for path, mode in paths:
        try:
            if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o007:
                os.chmod(path, mode)
        except OSError:  # not there yet (made private by the umask), or not ours to change
            pass


def write_client_id(path: Path, client_id: str) -> None:
    """Put ``client_id`` under ``[xero]`` in config.toml, keeping everything else in the file as it is."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", client_id):
        raise ConfigError("A Xero client id has only letters, digits, - and _; check what you copied.")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    parsed = tomllib.loads(text) if text.strip() else {}
    if "client_id" in _table(parsed, "xero"):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(set_key(text, "xero", "client_id", client_id), encoding="utf-8")


def _keys_from(table: object, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(table, dict):
        problems.append(f"{where}: [keys] must be a table of binding id = \"key,key\"")
        return {}
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        if isinstance(keys, str) and keys.strip():
            keymap[str(binding_id)] = keys.replace(" ", "")
        else:
            problems.append(f"{where}: [keys] {binding_id} must be a non-empty string such as \"ctrl+n\"")
    return keymap


def load_keymap(config_dir: Path, env: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The user's key remapping: ``[keys]`` in config.toml, then ``TRADIECORE_KEYS_<ID>`` (environment wins).

    Returns the keymap (binding id -> comma-separated keys) and any problems, to show rather than crash on.
    """
    env = dict(os.environ if env is None else env)
    problems: list[str] = []
    keymap: dict[str, str] = {}
    path = config_dir / "config.toml"
    try:
        parsed = _read_toml(path) or {}
    except ConfigError as exc:
        parsed = {}
        problems.append(str(exc))
    if "keys" in parsed:
        keymap.update(_keys_from(parsed["keys"], str(path), problems))
    prefix = "TRADIECORE_KEYS_"
    for name, value in env.items():
        if name.startswith(prefix) and value.strip():
            keymap[name[len(prefix):].lower()] = value.replace(" ", "")
    return keymap, problems
