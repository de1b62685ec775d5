"""Whether to open a browser for the sign-in, and the ``ssh -L`` command when the user is remote.

Staff usually SSH into the shop server: there ``webbrowser.open`` would start a text browser on the server
(or nothing). The app then shows the URL instead, with the exact ``ssh -L`` command that lets the laptop's
browser reach the server's loopback listener (and, for the demo, the sandbox's login pages).
"""

from __future__ import annotations

import getpass
import os
import shlex
import sys
from typing import Iterable, Mapping
from urllib.parse import urlsplit

from tui.config import XeroConfig


def is_remote_session(env: Mapping[str, str] | None = None) -> bool:
    """True inside an SSH session (``SSH_CONNECTION`` or ``SSH_TTY`` set)."""
    env = os.environ if env is None else env
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


def in_browser_tab(env: Mapping[str, str] | None = None) -> bool:
    """True in the app process of a browser tab of ``tradiecore serve`` (which sets ``TRADIECORE_SERVED``): a URL
    opened there opens in the person's own browser, which cannot reach this server's loopback listener."""
    env = os.environ if env is None else env
    return env.get("TRADIECORE_SERVED") == "1"


def can_open_browser(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True when a graphical browser can open on this machine for the user sitting at it."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if is_remote_session(env):
        return False
    if platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def ports_to_forward(config: XeroConfig) -> list[int]:
    """The loopback ports the laptop's browser must reach: a loopback login host's (the demo's sandbox), then the
    callback listener's. Real Xero's login pages need no tunnel."""
    ports = []
    login = urlsplit(config.login_url)
    if login.hostname in ("127.0.0.1", "localhost", "::1"):
        ports.append(login.port or (443 if login.scheme == "https" else 80))
    ports.append(config.redirect_port)
    return ports


def ssh_host(configured: str = "", env: Mapping[str, str] | None = None) -> str:
    """The name the laptop reaches this server by: ``configured`` (the site's ``[site] ssh_host``), else the
    address the current SSH session came in on (from ``SSH_CONNECTION``), else ``SERVER``."""
    env = os.environ if env is None else env
    return configured or _ssh_server(env)[0] or "SERVER"


def ssh_forward_command(
    ports: Iterable[int],
    *,
    host: str | None = None,
    user: str | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """The command to run on the laptop so its browser reaches these loopback ports on this server.

    ``ports``: the callback port, and for the demo the sandbox port as well. ``host`` defaults to
    :func:`ssh_host`, ``user`` to the current user.
    """
    env = os.environ if env is None else env
    parts = ["ssh"]
    for port in dict.fromkeys(int(p) for p in ports):
        parts += ["-L", f"{port}:127.0.0.1:{port}"]
    server_port = _ssh_server(env)[1]
    if server_port and server_port != "22":
        parts += ["-p", server_port]
    parts.append(f"{user or getpass.getuser()}@{host or ssh_host(env=env)}")
    return shlex.join(parts)


def _ssh_server(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    # SSH_CONNECTION = "client_ip client_port server_ip server_port"
    fields = (env.get("SSH_CONNECTION") or "").split()
    if len(fields) == 4:
        return fields[2], fields[3]
    return None, None
