"""``tradiecore serve``: serve the app to browsers, or manage who may sign in (``--add-user``, ``--remove-user``,
``--revoke-all``)."""

from __future__ import annotations

import ipaddress
import os
import re
import sys

from tui.serve.access import Access, sign_in_link

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
LOOPBACK_NAMES = {"localhost"}


def _say_error(message: str, code: int) -> int:
    print(f"tradiecore serve: {message}", file=sys.stderr)
    return code


def public_url(host: str, port: int, given: str | None) -> str:
    if given:
        return given.rstrip("/")
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_argv() -> list[str]:
    """A tab's command: this Python running the app (the business's data comes from its environment)."""
    return [sys.executable, "-m", "tui", "run"]


def serve(cfg, args, environ=None) -> int:
    environ = dict(os.environ if environ is None else environ)
    url = public_url(args.host, args.port, args.public_url)
    managing = args.add_user or args.remove_user or args.revoke_all
    if managing:
        if cfg.is_site and os.geteuid() != 0:
            return _say_error("only root gives out and takes back sign-ins on a site install", 2)
        name = args.add_user or args.remove_user
        if name and not NAME.fullmatch(name):
            return _say_error(f"{name!r} is not a name: letters, digits, '.', '_' and '-', up to 64", 2)
    access = Access(cfg.database_url)
    try:
        if args.add_user:
            token = access.add_user(args.add_user)
            print(f"Sign-in link for {args.add_user} (once, within a day):\n{sign_in_link(url, token)}")
            return 0
        if args.remove_user:
            gone = access.remove_user(args.remove_user)
            print(f"{args.remove_user}: {gone} sign-in link(s) and session(s) removed; their open tabs close "
                  f"within seconds")
            return 0
        if args.revoke_all:
            gone = access.revoke_all()
            print(f"{gone} sign-in link(s) and session(s) revoked; every open tab closes within seconds")
            return 0
        return _run(cfg, args, access, environ, url)
    finally:
        access.close()


def _run(cfg, args, access: Access, environ: dict[str, str], url: str) -> int:
    from tui.serve.server import GuardedServer

    if not is_loopback(args.host):
        print(f"tradiecore serve: listening on {args.host}, beyond this machine: it must sit behind a reverse proxy "
              f"that serves it over https (TLS), with --public-url set to the address people open (README, "
              f"'In a web browser')", file=sys.stderr)
    # the tabs reach the same business as this command: its --db and --xero-base, through their environment
    environ["TRADIECORE_DATABASE_URL"] = cfg.database_url
    if args.xero_base:
        environ["TRADIECORE_XERO_BASE"] = args.xero_base
    server = GuardedServer(app_argv(), access=access, environ=environ, host=args.host, port=args.port,
                           public_url=url, max_tabs=args.max_tabs, idle_timeout=args.idle_minutes * 60)
    try:
        server.serve()
    except OSError as exc:
        return _say_error(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", 2)
    return 0
