"""`tradiecore` command line: the app, the demo, the Xero sandbox, the headless sync and the shop server's
commands (status, backup, restore, service, connect)."""

from __future__ import annotations

import argparse
import os
import sys

from tui import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tradiecore",
        description="Customers, invoices by email, and two-way Xero sync for trades businesses.",
    )
    p.add_argument("--version", action="version", version=f"tradiecore {__version__}")
    p.add_argument("--db", metavar="URL", help="database URL (default: SQLite in the data dir; env TRADIECORE_DATABASE_URL)")
    p.add_argument("--xero-base", metavar="URL", help="point Xero's login, identity and API hosts at one URL (a sandbox)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    _app_commands(sub)
    _setup_command(sub)
    _sync_command(sub)
    _shop_commands(sub)
    _serve_command(sub)
    connect = sub.add_parser("connect", help="connect Xero without the app: a custom connection (secret on stdin)")
    connect.add_argument("--custom", action="store_true", required=True, help="a Xero custom connection")
    connect.add_argument("--client-id", required=True, metavar="ID", help="the custom connection's client id")
    return p


def _app_commands(sub) -> None:
    """``run`` (the default), ``demo`` and ``sandbox``."""
    sub.add_parser("run", help="run the app on your business's data (the default)")
    demo = sub.add_parser("demo", help="run the app on demo data with a local Xero sandbox")
    demo.add_argument("--reset", action="store_true", help="throw the demo data away and start over")
    sb = sub.add_parser("sandbox", help="run the Xero-compatible sandbox server")
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=0, help="0 picks a free port")
    sb.add_argument("--state", metavar="FILE", help="keep the sandbox's state in this file between runs")
    sb.add_argument("--redirect-uri", action="append", default=[], metavar="URI", help="register a redirect URI")
    sb.add_argument("--control", action="store_true", help="enable the /_sandbox control endpoints")


def _setup_command(sub) -> None:
    """``setup --site``: one business for every member of a Unix group."""
    setup = sub.add_parser("setup", help="set this server up for several users (as root): tradiecore setup --site")
    setup.add_argument("--site", action="store_true", required=True,
                       help="one business for every member of a Unix group: site config, data dir, database, "
                            "shared secrets")
    setup.add_argument("--data-dir", metavar="DIR",
                       help="where the business's data lives (default /var/lib/tradiecore)")
    setup.add_argument("--group", metavar="NAME", help="the Unix group whose members share it (default tradiecore)")
    setup.add_argument("--db", dest="site_db", metavar="URL",
                       help="the business's database (default: SQLite in the data dir)")
    setup.add_argument("--user", dest="site_user", metavar="NAME", help="the user the sync service runs as")
    setup.add_argument("--xero-base", dest="xero_base", metavar="URL", default=argparse.SUPPRESS,
                       help="a Xero other than Xero's own (a sandbox): kept in the site config for everyone")


def _sync_command(sub) -> None:
    """``sync``: the Xero sync headless, with its webhook listener if asked."""
    sync = sub.add_parser("sync", help="run the Xero sync headless (a loop; --once for cron)")
    sync.add_argument("--once", action="store_true", help="one pass, then exit")
    sync.add_argument("--wait", type=_seconds, metavar="SECONDS",
                      help="with --once while another process syncs: wait this long for the pass asked of it "
                           "(default 120)")
    sync.add_argument("--log-file", metavar="FILE", help="log here instead of stderr (each pass is on stdout too)")
    sync.add_argument("--webhook-port", type=_port, metavar="N",
                      help="also receive Xero's webhooks on this port (path /xero/webhook): a change in Xero "
                           "starts a pass at once")
    sync.add_argument("--webhook-host", default="127.0.0.1", metavar="H",
                      help="the address the webhook listener binds (default 127.0.0.1, behind a reverse proxy)")


def _shop_commands(sub) -> None:
    """The shop server's ``status``, ``backup``, ``restore`` and ``service``."""
    status = sub.add_parser("status", help="the Xero sync's state (exit 0 well, 1 needs attention, 2 not connected, "
                                           "3 unreadable)")
    status.add_argument("--json", action="store_true", help="as JSON, for monitoring")
    backup = sub.add_parser("backup", help="a consistent copy of the SQLite database, while the app and the sync run")
    backup.add_argument("file", metavar="FILE")
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    restore = sub.add_parser("restore", help="put a backup in place of the database (nothing may have it open)")
    restore.add_argument("file", metavar="FILE")
    service = sub.add_parser("service", help="print the systemd unit of the sync service (--install: install it)")
    service.add_argument("--install", action="store_true", help="write, enable and start it (needs systemd, root)")
    service.add_argument("--unit-dir", default="/etc/systemd/system", metavar="DIR",
                         help="where --install writes the unit (default /etc/systemd/system)")
    service.add_argument("--serve", action="store_true",
                         help="the unit of `tradiecore serve` (the app for browsers, on 127.0.0.1 behind your https "
                              "proxy) instead of the sync service's")
    service.add_argument("--port", type=int, default=8080, help="with --serve: the port (default 8080)")
    service.add_argument("--public-url", metavar="URL", help="with --serve: the https address people open")


def _serve_command(sub) -> None:
    """``serve``: the app in a web browser, and its sign-in links."""
    serve = sub.add_parser("serve", help="the app in a web browser, for signed-in staff (--add-user NAME gives a "
                                         "sign-in link)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1; any other must sit behind an https proxy)")
    serve.add_argument("--port", type=int, default=8080, help="default 8080")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address people open, e.g. https://office.example.com.au behind a proxy "
                            "(default http://HOST:PORT)")
    serve.add_argument("--max-tabs", type=int, default=20, metavar="N", help="tabs open at once (default 20)")
    serve.add_argument("--idle-minutes", type=_minutes, default=30.0, metavar="M",
                       help="close a tab nobody has typed in for this long (default 30)")
    who = serve.add_mutually_exclusive_group()
    who.add_argument("--add-user", metavar="NAME", help="print a one-time sign-in link for NAME (root on a site "
                                                        "install)")
    who.add_argument("--remove-user", metavar="NAME", help="sign NAME out everywhere and void their links")
    who.add_argument("--revoke-all", action="store_true", help="sign everyone out and void every link")


def _seconds(text: str) -> float:
    from tui.domain.money import parse_decimal

    try:
        value = parse_decimal(text, places=3, what="seconds")
    except ValueError:
        value = -1
    if not 1 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds between 1 and 86400")
    return float(value)


def _port(text: str) -> int:
    from tui.domain.money import parse_whole

    try:
        return parse_whole(text, what="port", low=1, high=65535)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 24 * 60:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes up to a day")
    return value


def _ops(cfg, args: argparse.Namespace) -> int:
    """The shop server's commands (tui/ops): they say what matters themselves, so log records stay off stderr."""
    import logging
    from pathlib import Path

    logging.getLogger().addHandler(logging.NullHandler())

    if args.command == "status":
        from tui.ops.status import status

        return status(cfg, json_output=args.json)
    if args.command == "backup":
        from tui.ops.backup import backup

        return backup(cfg, Path(args.file), force=args.force)
    if args.command == "restore":
        from tui.ops.restore import restore

        return restore(cfg, Path(args.file))
    if args.command == "service":
        from tui.ops.service import service

        serve = None
        if args.serve:
            serve = ("--port", str(args.port), *(("--public-url", args.public_url) if args.public_url else ()))
        return service(cfg, do_install=args.install, unit_dir=Path(args.unit_dir), serve=serve)
    from tui.ops.connect import connect_custom

    return connect_custom(cfg, args.client_id)


def _sync(cfg, args: argparse.Namespace) -> int:
    """`tradiecore sync`, with the webhook listener beside the loop when ``--webhook-port`` asks for it."""
    from tui.ops.sync import DEFAULT_WAIT_S, main as sync_main

    if args.wait is not None and not args.once:
        print("tradiecore: --wait goes with --once (how long to wait for the pass asked of another process)",
              file=sys.stderr)
        return 2
    _resume_sends(cfg)
    if args.webhook_port is None:
        return sync_main(cfg, once=args.once, log_file=args.log_file,
                         wait=DEFAULT_WAIT_S if args.wait is None else args.wait)
    if args.once:
        print("tradiecore: --webhook-port needs the sync loop; leave out --once", file=sys.stderr)
        return 2
    import getpass
    import threading

    from tui.credentials.user_store import SecretsError, TokenStoreUnreadable
    from tui.credentials.site_store import open_secrets
    from tui.sync.webhook import NoWebhookKey, WebhookReceiver, webhook_key

    ask = (lambda: getpass.getpass("Xero webhook key (your app's Webhooks page at Xero): ")) \
        if sys.stdin.isatty() else None
    try:
        key = webhook_key(open_secrets(cfg), ask)
    except TokenStoreUnreadable:
        raise  # exit 3, as for the sync itself
    except (NoWebhookKey, SecretsError) as exc:
        print(f"tradiecore: {exc}", file=sys.stderr)
        return 2
    wake = threading.Event()
    try:
        receiver = WebhookReceiver(key, wake.set, host=args.webhook_host, port=args.webhook_port).start()
    except OSError as exc:
        print(f"tradiecore: cannot listen on {args.webhook_host}:{args.webhook_port} for Xero webhooks: {exc}",
              file=sys.stderr)
        return 2
    print(f"Receiving Xero webhooks at {receiver.url}", file=sys.stderr, flush=True)
    try:
        return sync_main(cfg, once=False, log_file=args.log_file, wake=wake)
    finally:
        receiver.stop()


def _resume_sends(cfg) -> None:
    """Before syncing: the invoice emails a killed process claimed and never finished go now, once."""
    from tui.services import Services

    services = Services(cfg)
    try:
        for line in services.resume_sends():
            print(f"tradiecore: an interrupted send, finished: {line}", file=sys.stderr, flush=True)
    except Exception as exc:  # the sync goes on; the next start (or an app session) tries again
        print(f"tradiecore: unfinished sends not retried: {exc}", file=sys.stderr, flush=True)
    finally:
        services.close()


def _no_way_in(cfg) -> bool:
    """A site install whose data dir this user cannot enter: say so (one line) and do nothing else."""
    if not cfg.is_site or os.access(cfg.data_dir, os.R_OK | os.W_OK | os.X_OK):
        return False
    print(f"tradiecore: cannot open the business's data in {cfg.data_dir}: permission denied; are you in "
          f"{cfg.site.group_to_join}?", file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    finally:
        if "tui.store.db" in sys.modules:  # every engine a command opened is closed: SQLite's WAL checkpointed
            sys.modules["tui.store.db"].close_all()


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    overrides = {"database_url": args.db, "xero_base": args.xero_base}
    if command == "sandbox":
        from tui.sandbox.cli import serve

        return serve(args)
    from tui import config

    try:
        cfg = config.load(overrides=overrides, demo=(command == "demo"))
    except config.ConfigError as exc:
        print(f"tradiecore: {exc}", file=sys.stderr)
        return 3 if command == "status" else 2
    if command == "setup":
        from tui.ops.site_setup import setup_site

        return setup_site(cfg, data_dir=args.data_dir, group=args.group, db=args.site_db, user=args.site_user,
                          say=print, complain=lambda line: print(line, file=sys.stderr), xero_base=args.xero_base)
    if cfg.is_site:  # what the app and the sync make in the shared data dir stays the group's to write
        os.umask(config.SITE_UMASK)
    else:  # a single-user install's data is its owner's alone
        config.keep_private(cfg)
    if command == "service":
        return _ops(cfg, args)
    if command == "sync":
        from tui.credentials.user_store import SecretsError, TokenStoreUnreadable
        from tui.credentials.site_store import check_readable

        try:
            check_readable(cfg)  # the key first: "are you in the group?" names the token store
            if _no_way_in(cfg):
                return 3
            return _sync(cfg, args)
        except TokenStoreUnreadable as exc:  # this process cannot read the business's token store
            print(f"tradiecore: {exc}", file=sys.stderr)
            return 3
        except SecretsError as exc:  # a locked or hung keyring: say so, not a traceback
            print(f"tradiecore sync: the secrets store failed: {exc}", file=sys.stderr)
            return 1
    if command == "demo":
        from tui.demo import run_demo

        return run_demo(cfg, reset=args.reset)
    if _no_way_in(cfg):
        return 3
    if command in ("status", "backup", "restore", "connect"):
        return _ops(cfg, args)
    if command == "serve":
        from tui.serve.command import serve

        return serve(cfg, args)
    from tui.app import run_app

    return run_app(cfg)
