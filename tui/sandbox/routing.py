"""Routes that match their path without regard to case, as Xero's hosts do (`/Connections`, `/api.xro/2.0/invoices`)."""

from __future__ import annotations

import re
from typing import Any, Callable

from starlette.routing import Route


def route(path: str, endpoint: Callable[..., Any], methods: list[str]) -> Route:
    r = Route(path, endpoint, methods=methods)
    r.path_regex = re.compile(r.path_regex.pattern, re.IGNORECASE)
    return r
