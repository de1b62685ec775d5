"""Serving the app with uvicorn on a socket bound first, so the port (0 = any free one) is known before serving."""

from __future__ import annotations

import logging
import socket

import uvicorn
from starlette.applications import Starlette


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it: no 40 ms stalls
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _DroppedOnPurpose(logging.Filter):
    """The `close` fault ends responses early on purpose; uvicorn's complaint about it is not an error here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing response."


def make_server(app: Starlette) -> uvicorn.Server:
    """A quiet uvicorn server: no access log (URLs can carry codes), no lifespan."""
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)  # configures uvicorn's loggers
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DroppedOnPurpose) for f in logger.filters):
        logger.addFilter(_DroppedOnPurpose())
    return server
