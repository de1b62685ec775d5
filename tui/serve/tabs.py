"""One browser tab's app process: textual-serve's :class:`AppService`, started with a clean environment as the
signed-in person, and watched for input so a forgotten tab can be quit."""

from __future__ import annotations

import re
import time
from typing import Mapping

from textual_serve.app_service import AppService

# What a tab's process may inherit from the server's environment: the system's basics, and where the business's
# data and settings are. Nothing else: no Xero client secret, no keys, no passwords, nobody else's name.
BASICS = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")
SETTINGS = re.compile(r"TRADIECORE_((SITE|DATA|CONFIG)_DIR|XERO_BASE|(DATABASE|MAIL|XERO|SECRETS|SITE)_[A-Z_]+)")
SECRET_WORDS = re.compile(r"SECRET|PASSWORD|TOKEN|KEY")
# What textual-serve sets for the web driver (its own names; everything else of its copy is dropped)
DRIVER = {"TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION",
          "COLUMNS", "ROWS"}
SERVED = "TRADIECORE_SERVED"  # set in a tab's process: the app is in a browser tab (tui.xero.browser)


def clean_environment(environ: Mapping[str, str], user: str) -> dict[str, str]:
    """The environment of a tab's process for ``user``: :data:`BASICS` and the non-secret tradiecore settings of
    ``environ``, the person's name (``TRADIECORE_USER``) and :data:`SERVED`."""
    env = {name: value for name, value in environ.items()
           if name in BASICS or (SETTINGS.fullmatch(name) and not SECRET_WORDS.search(name))}
    env.update({"TRADIECORE_USER": user, SERVED: "1"})
    return env


class Tab(AppService):
    """The app process behind one browser tab, run as ``user``."""

    def __init__(self, command: str, *, user: str, environ: Mapping[str, str], **kw) -> None:
        super().__init__(command, **kw)
        self.user = user
        self.environ = environ
        self.last_input = time.monotonic()

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        driver = {k: v for k, v in super()._build_environment(width, height).items() if k in DRIVER}
        return {**clean_environment(self.environ, self.user), **driver}

    async def send_bytes(self, data: bytes) -> bool:
        self.last_input = time.monotonic()
        return await super().send_bytes(data)

    def idle_for(self) -> float:
        return time.monotonic() - self.last_input

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid


