"""`tradiecore sandbox`: run the sandbox server until interrupted.

Before serving it prints, and flushes, one `key: value` line each for `base_url`, `login_email`,
`login_password`, `pkce_client_id`, `custom_client_id` and `custom_client_secret`. With `--state FILE` the
state is read from the file if it exists (else seeded) and written back after every change. Ctrl-C or SIGTERM
stops it cleanly.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from tui.sandbox.app import create_app
from tui.sandbox.control import ControlError, SandboxControl
from tui.sandbox.persistence import attach, load
from tui.sandbox.seed import seed
from tui.sandbox.server import base_url, bind, make_server
from tui.sandbox.state import SandboxState


def serve(args: argparse.Namespace) -> int:
    path = Path(args.state).expanduser() if args.state else None
    try:
        state = load(path) if path is not None and path.exists() else seed(SandboxState())
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"tradiecore sandbox: cannot read the state file: {exc}", file=sys.stderr)
        return 2
    control = SandboxControl(state)
    try:
        for uri in args.redirect_uri:
            control.register_redirect_uri(uri)
    except ControlError as exc:
        print(f"tradiecore sandbox: {exc}", file=sys.stderr)
        return 2
    if path is not None:
        attach(state, path)
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        print(f"tradiecore sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    lines = {"base_url": base_url(sock), **state.credentials()}
    print("\n".join(f"{key}: {value}" for key, value in lines.items()), flush=True)
    # uvicorn shuts down cleanly on Ctrl-C or SIGTERM, then re-raises the signal: make that an ordinary exit
    signal.signal(signal.SIGTERM, _exit)
    try:
        make_server(create_app(state, control=args.control)).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return 0


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)
