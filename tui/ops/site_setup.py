"""``tradiecore setup --site``: make this server a site install, one business shared by a Unix group.

Run as root. It writes the site config (``config.toml`` in the site dir, mode 0644, or 0640 root:group when the
database URL carries a password), the site's key (``secrets.key``, 0640 root:group: the key of the shared
secrets and of the Xero token set, :mod:`tui.credentials.site_store`), and makes the data dir (root:group, mode 2770:
setgid, so everything made in it belongs to the group), the mail outbox in it, and the database, migrated (a
SQLite file 0660 root:group; SQLite gives its ``-wal`` and ``-shm`` files the same mode and owner). The app and
the sync of a site install run with umask 007 (:mod:`tui.cli`), so whatever else they make there stays
group-writable.

Everything is checked before anything is made (root, the group, every path); a failure while acting removes
what this run made. Each thing done is one line on stdout; a second run finds everything in place and says so.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from tui.config import SITE_DATA_DIR_KEY, SITE_UMASK, Config, set_key
from tui.credentials.site_store import KEY_FILE, KEY_FILE_MODE

DEFAULT_GROUP = "tradiecore"
DEFAULT_DATA_DIR = Path("/var/lib/tradiecore")
DATA_DIR_MODE = 0o2770  # setgid: files made inside belong to the group; the group reads and writes
DB_MODE = 0o660
SITE_DIR_MODE = 0o755
CONFIG_MODE = 0o644
SECRET_CONFIG_MODE = 0o640  # a database URL with a password in it: members of the group only
CONFIG_HEADER = ("# tradiecore's site config: every user of this server reads it below their own config.toml.\n"
                 "# Written by `tradiecore setup --site`; [mail] and [xero] settings may be added here too.\n")


XERO_URL_KEYS = ("login_url", "identity_url", "api_url")  # what --xero-base sets, in [xero]


class SetupRefused(Exception):
    """Setup cannot go ahead; ``str`` is the one line to show. Nothing was made."""


@dataclass
class SitePlan:
    """What the site install is to be, checked; :func:`apply` makes it so."""

    site_dir: Path
    data_dir: Path
    group: str
    gid: int
    db_url: str  # "" : SQLite in the data dir
    user: str = ""
    xero_base: str = ""  # --xero-base: the Xero address (a sandbox) kept for everyone
    config_text: str = ""  # the site config as it is to be
    config_mode: int = CONFIG_MODE
    old_config: str | None = None  # as it is now (None: no file)
    made: list[Path] = field(default_factory=list)  # what this run created, to remove again on failure

    @property
    def config_path(self) -> Path:
        return self.site_dir / "config.toml"

    @property
    def key_path(self) -> Path:
        return self.site_dir / KEY_FILE

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'tradiecore.db'}"

    @property
    def sqlite_path(self) -> Path | None:
        from tui.store.db import sqlite_path

        return sqlite_path(self.database_url)


# -- checking --------------------------------------------------------------------------------------------------------

def _read_site_file(path: Path) -> tuple[str | None, dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, {}
    except OSError as exc:
        raise SetupRefused(f"cannot read {path}: {exc.strerror}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SetupRefused(f"{path}: {exc}; fix or remove it first") from None


def _check_creatable(path: Path) -> None:
    """``path`` is a directory, or can be made one by this process."""
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            raise SetupRefused(f"{path} exists and is not a directory")
        return
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise SetupRefused(f"cannot create {path}: {parent} is not a directory")
    if os.statvfs(parent).f_flag & os.ST_RDONLY:
        raise SetupRefused(f"cannot create {path}: {parent} is on a read-only file system")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SetupRefused(f"cannot create {path}: no permission to write in {parent}")


def _check_key(plan: SitePlan) -> None:
    """An existing key must be a key; a missing one must not leave secrets behind that only it could open."""
    from cryptography.fernet import Fernet

    if plan.key_path.exists():
        try:
            Fernet(plan.key_path.read_bytes().strip())
        except ValueError:
            raise SetupRefused(f"{plan.key_path} does not hold a tradiecore key; restore it from a backup, or "
                               "remove it (then connect Xero and enter the shared secrets again)") from None
        return
    sealed = _sealed_secrets(plan)
    if sealed:
        raise SetupRefused(f"{plan.key_path} is missing but the database holds {sealed} secret(s) locked with it; "
                           "restore it from a backup")


def _sealed_secrets(plan: SitePlan) -> int:
    """Secrets already in the database (encrypted with the site's key): 0 for a database not made yet."""
    from sqlalchemy import inspect, text

    from tui.store.db import make_engine

    if plan.sqlite_path is not None and not plan.sqlite_path.exists():
        return 0
    engine = make_engine(plan.database_url)
    try:
        with engine.connect() as c:
            tables = set(inspect(c).get_table_names())
            return sum(int(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                       for t in ("shared_secret", "xero_token_set") if t in tables)
    except Exception as exc:
        raise SetupRefused(f"cannot open the database {_shown(plan.database_url)}: {_first_line(exc)}") from None
    finally:
        engine.dispose()


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def plan_site(cfg: Config, *, data_dir: str | None = None, group: str | None = None, db: str | None = None,
              user: str | None = None, euid: int | None = None, xero_base: str | None = None) -> SitePlan:
    """Check everything setup is to do, with what the site config says now as the defaults; nothing is made.
    :class:`SetupRefused` says the first thing in the way. ``xero_base`` (``--xero-base``, e.g. a sandbox): kept
    in the site config's ``[xero]`` as all three Xero addresses, for the sync service and every member."""
    site_dir = cfg.site_dir
    old_text, old = _read_site_file(cfg.site_config_path)
    old_site = old.get("site") if isinstance(old.get("site"), dict) else {}
    old_db = old.get("database") if isinstance(old.get("database"), dict) else {}
    group = group or str(old_site.get("group") or DEFAULT_GROUP)
    data = Path(data_dir or str(old_site.get(SITE_DATA_DIR_KEY) or DEFAULT_DATA_DIR))
    db_url = db if db is not None else str(old_db.get("url") or "")
    user = user if user is not None else str(old_site.get("user") or "")
    if (os.geteuid() if euid is None else euid) != 0:
        raise SetupRefused(f"setup --site needs root: it writes {site_dir} and gives {data} to group {group}; "
                           "run it with sudo")
    if not data.is_absolute():
        raise SetupRefused(f"--data-dir must be an absolute path, not {data}")
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise SetupRefused(f"there is no group {group!r}; create it first (groupadd {group}) and add each person "
                           f"to it (usermod -aG {group} NAME)") from None
    if user:
        try:
            pwd.getpwnam(user)
        except KeyError:
            raise SetupRefused(f"there is no user {user!r} (--user: the user the sync service runs as)") from None
    if db_url:
        try:
            make_url(db_url)
        except Exception:
            raise SetupRefused(f"--db: not a database URL: {db_url!r}") from None
    if xero_base:
        parts = urlsplit(xero_base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SetupRefused(f"--xero-base: not an http(s) address: {xero_base!r}")
    plan = SitePlan(site_dir=site_dir, data_dir=data, group=group, gid=gid, db_url=db_url, user=user,
                    old_config=old_text)
    _check_creatable(site_dir)
    _check_creatable(data)
    if plan.sqlite_path is not None:
        _check_creatable(plan.sqlite_path.parent)
    _check_key(plan)
    text = old_text if old_text is not None else CONFIG_HEADER
    text = set_key(text, "site", "group", group)
    text = set_key(text, "site", SITE_DATA_DIR_KEY, str(data))
    if user:
        text = set_key(text, "site", "user", user)
    if db_url:
        text = set_key(text, "database", "url", db_url)
    if xero_base:
        for key in XERO_URL_KEYS:
            text = set_key(text, "xero", key, xero_base.rstrip("/"))
        plan.xero_base = xero_base.rstrip("/")
    plan.config_text = text
    plan.config_mode = SECRET_CONFIG_MODE if db_url and make_url(db_url).password else CONFIG_MODE
    return plan


# -- acting ----------------------------------------------------------------------------------------------------------

def _owned(path: Path, uid: int, gid: int, mode: int) -> bool:
    st = path.stat()
    return st.st_uid == uid and st.st_gid == gid and stat.S_IMODE(st.st_mode) == mode


def _own(path: Path, uid: int, gid: int, mode: int) -> None:
    os.chown(path, uid, gid)
    os.chmod(path, mode)  # after chown, which clears the setgid bit


def _dir(plan: SitePlan, path: Path, gid: int, mode: int, what: str, say: Callable[[str], None]) -> None:
    owner = f"root:{plan.group}" if gid else "root:root"
    if not path.exists():
        missing = []
        parent = path
        while not parent.exists():
            missing.append(parent)
            parent = parent.parent
        for made in reversed(missing):
            made.mkdir()
            plan.made.append(made)
            os.chmod(made, SITE_DIR_MODE)  # the dirs on the way: anyone may pass (the umask would say 0750)
        _own(path, 0, gid, mode)
        say(f"Created {what} {path} ({owner}, mode {mode:04o})")
    elif not _owned(path, 0, gid, mode):
        _own(path, 0, gid, mode)
        say(f"Set {what} {path} to {owner}, mode {mode:04o}")


def _key(plan: SitePlan, say: Callable[[str], None]) -> None:
    from cryptography.fernet import Fernet

    path = plan.key_path
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        plan.made.append(path)
        with os.fdopen(fd, "wb") as fh:
            fh.write(Fernet.generate_key() + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        _own(path, 0, plan.gid, KEY_FILE_MODE)
        say(f"Created the key of the shared secrets and the Xero token set, {path} (root:{plan.group}, mode "
            f"{KEY_FILE_MODE:04o})")
    elif not _owned(path, 0, plan.gid, KEY_FILE_MODE):
        _own(path, 0, plan.gid, KEY_FILE_MODE)
        say(f"Set {path} to root:{plan.group}, mode {KEY_FILE_MODE:04o}")


def _outbox(plan: SitePlan, say: Callable[[str], None]) -> None:
    """The outbox Maildir, made here so that its folders are the group's (Python's Maildir makes them 0700)."""
    outbox = plan.data_dir / "outbox"
    existed = outbox.exists()
    _dir(plan, outbox, plan.gid, DATA_DIR_MODE, "the mail outbox", say)
    folders: list[str] = []
    for sub in ("new", "cur", "tmp"):
        _dir(plan, outbox / sub, plan.gid, DATA_DIR_MODE, "the outbox folder", folders.append)
    if folders and existed:
        say(f"Set the mail outbox's folders in {outbox} to root:{plan.group}, mode {DATA_DIR_MODE:04o}")


def _database(plan: SitePlan, say: Callable[[str], None]) -> None:
    from tui.store.db import make_engine, migrate, schema_is_current

    path = plan.sqlite_path
    new = path is not None and not path.exists()
    engine = make_engine(plan.database_url)
    try:
        if new:
            plan.made.extend([path, Path(f"{path}-wal"), Path(f"{path}-shm")])
        current = not new and schema_is_current(engine)
        if not current:
            migrate(engine)
    finally:
        engine.dispose()
    shown = path if path is not None else _shown(plan.database_url)
    if new:
        say(f"Created the database {shown} (migrated; root:{plan.group}, mode {DB_MODE:04o})")
    elif not current:
        say(f"Migrated the database {shown} to the newest revision")
    if path is None:
        return
    fixed = False
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists() and not _owned(file, 0, plan.gid, DB_MODE):
            _own(file, 0, plan.gid, DB_MODE)
            fixed = True
    if fixed and not new:
        say(f"Set the database {path} to root:{plan.group}, mode {DB_MODE:04o}")


def _config(plan: SitePlan, say: Callable[[str], None]) -> None:
    path = plan.config_path
    gid = plan.gid if plan.config_mode == SECRET_CONFIG_MODE else 0
    if plan.old_config == plan.config_text:
        if not _owned(path, 0, gid, plan.config_mode):
            _own(path, 0, gid, plan.config_mode)
            say(f"Set {path} to mode {plan.config_mode:04o}")
        return
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(plan.config_text)
        fh.flush()
        os.fsync(fh.fileno())
    _own(tmp, 0, gid, plan.config_mode)
    os.replace(tmp, path)
    verb = "Wrote" if plan.old_config is None else "Updated"
    user = f", user = {plan.user}" if plan.user else ""
    xero = f"; [xero] at {plan.xero_base}" if plan.xero_base else ""
    say(f"{verb} the site config {path} ([site] group = {plan.group}, data_dir = {plan.data_dir}{user}{xero}; "
        f"mode {plan.config_mode:04o})")


def apply(plan: SitePlan, say: Callable[[str], None]) -> int:
    """Make the site install ``plan`` describes; returns how many things changed. On failure, what this run
    created is removed again and the error raised."""
    previous = os.umask(SITE_UMASK)
    changed: list[str] = []

    def said(line: str) -> None:
        changed.append(line)
        say(line)

    try:
        _dir(plan, plan.site_dir, 0, SITE_DIR_MODE, "the site dir", said)
        _key(plan, said)
        _dir(plan, plan.data_dir, plan.gid, DATA_DIR_MODE, "the data dir", said)
        _outbox(plan, said)
        _database(plan, said)
        _config(plan, said)  # last: only a finished install is a site install for anybody
    except BaseException:
        _undo(plan)
        raise
    finally:
        os.umask(previous)
    return len(changed)


def _undo(plan: SitePlan) -> None:
    for path in reversed(plan.made):
        try:
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass  # not empty (made by someone else meanwhile): left as it is


def setup_site(cfg: Config, *, data_dir: str | None, group: str | None, db: str | None, user: str | None,
               say: Callable[[str], None], complain: Callable[[str], None], xero_base: str | None = None) -> int:
    """``tradiecore setup --site``: 0 done (or nothing to do), 2 refused (nothing made), 1 failed (undone)."""
    try:
        plan = plan_site(cfg, data_dir=data_dir, group=group, db=db, user=user, xero_base=xero_base)
    except SetupRefused as exc:
        complain(f"tradiecore: {exc}")
        return 2
    try:
        changed = apply(plan, say)
    except Exception as exc:
        complain(f"tradiecore: setup --site failed, and what it made is removed again: {_first_line(exc)}")
        return 1
    if not changed:
        say(f"Nothing to change: {plan.site_dir} is set up for group {plan.group}, data in {plan.data_dir}.")
    else:
        say(f"Done. Add each person to group {plan.group} (usermod -aG {plan.group} NAME); they log in again, "
            "then run tradiecore.")
    return 0
