"""The secrets of a single-user install: SMTP password, Xero token sets, client secrets, the database token key.
(A site install shares the business's secrets among its group: :mod:`tui.credentials.site_store`, through the same
:class:`SecretStore` interface.)

Keyring first, each call bounded by a timeout (a desktop unlock prompt must never hang the app): the call runs
in a daemon thread, so a keyring that never answers is an error after the timeout and never keeps the process
from exiting. Where the keyring has no backend (a headless shop server) or ``[secrets] store = "file"``, a JSON
file with mode 0600 in the user config dir. Secrets are never logged: ``repr`` of a store shows where it keeps
them, never what.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Callable, TypeVar

import keyring
import keyring.errors
from filelock import FileLock

from tui.config import Config

SERVICE = "tradiecore"
KEYRING_TIMEOUT_S = 5.0
T = TypeVar("T")


class SecretsError(RuntimeError):
    """A secret could not be read or written; the message says where and why, never the secret."""


class TokenStoreUnreadable(SecretsError):
    """This process cannot read the business's Xero token store (no permission, no key file). Never a reason to
    mark the shared connection Disconnected: only Xero says that."""


class SecretStore:
    name: str = ""

    def get(self, key: str) -> str | None:
        raise NotImplementedError

    def set(self, key: str, value: str) -> None:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class FileSecretStore(SecretStore):
    """A JSON object in a 0600 file; writes are atomic and serialised by a file lock."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = FileLock(str(path) + ".lock")
        self.name = f"file {path} (mode 0600)"

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise SecretsError(f"cannot read {self.path}: {type(exc).__name__}") from None

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), 0o600)
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def get(self, key: str) -> str | None:
        return self._read().get(key)

    def set(self, key: str, value: str) -> None:
        with self.lock:
            data = self._read()
            data[key] = value
            self._write(data)

    def delete(self, key: str) -> None:
        with self.lock:
            data = self._read()
            if data.pop(key, None) is not None:
                self._write(data)


def _bounded(fn: Callable[[], T], timeout: float) -> tuple[bool, T | None, BaseException | None]:
    """Run ``fn`` in a daemon thread for at most ``timeout`` s: (finished, result, exception).

    A daemon thread, not a pool: a call stuck in the keyring is abandoned, and the interpreter does not wait
    for it at exit.
    """
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((fn(), None))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append((None, exc))

    worker = threading.Thread(target=run, name="keyring", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return False, None, None
    return True, *outcome[0]


class KeyringSecretStore(SecretStore):
    def __init__(self, backend, timeout: float = KEYRING_TIMEOUT_S):
        self.backend = backend
        self.timeout = timeout
        self.name = f"keyring ({type(backend).__module__}.{type(backend).__name__})"

    def _call(self, fn: Callable[[], T], what: str) -> T:
        finished, result, exc = _bounded(fn, self.timeout)
        if not finished:
            raise SecretsError(f"the keyring did not answer within {self.timeout:g} s ({what}); is it locked?")
        if isinstance(exc, keyring.errors.KeyringError):
            raise SecretsError(f"keyring {what} failed: {type(exc).__name__}") from None
        if exc is not None:
            raise exc
        return result  # type: ignore[return-value]

    def get(self, key: str) -> str | None:
        return self._call(lambda: self.backend.get_password(SERVICE, key), "read")

    def set(self, key: str, value: str) -> None:
        self._call(lambda: self.backend.set_password(SERVICE, key, value), "write")

    def delete(self, key: str) -> None:
        def _delete() -> None:
            try:
                self.backend.delete_password(SERVICE, key)
            except keyring.errors.PasswordDeleteError:
                pass

        self._call(_delete, "delete")


def _usable_backend():
    backend = keyring.get_keyring()
    try:
        from keyring.backends import chainer, fail

        if isinstance(backend, fail.Keyring):
            return None
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            return None
    except ImportError:  # pragma: no cover - keyring always ships these
        pass
    if getattr(backend, "priority", 1) <= 0:
        return None
    return backend


def secrets_file(cfg: Config) -> Path:
    return cfg.config_dir / ("demo-secrets.json" if cfg.demo else "secrets.json")


def open_store(cfg: Config) -> SecretStore:
    """Keyring where one works (and the config does not ask for the file), else the 0600 file."""
    if cfg.secrets.store != "file" and not cfg.demo:
        backend = _usable_backend()
        if backend is not None:
            return KeyringSecretStore(backend)
    return FileSecretStore(secrets_file(cfg))
