"""A free TCP port on loopback, for the servers tradiecore starts itself (the demo's sign-in redirect, the sandbox
a screenshot connects to, the benchmarks' ``tradiecore serve``) and for the tests' own."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
