"""The sandbox as an ASGI application: `create_app(state, control=False)`.

Serve it with uvicorn (`tui.sandbox.cli`, `tui.sandbox.harness`) or call it in-process through
`httpx.ASGITransport(app)`. `control=True` adds the `/_sandbox/...` endpoints (`tui.sandbox.control_routes`).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from tui.sandbox import accounting, control_routes, credit_note_routes, identity, left_out, responses
from tui.sandbox.api import limit_headers
from tui.sandbox.middleware import API_PREFIX, SandboxMiddleware
from tui.sandbox.state import SandboxState


async def _not_found(request: Request, exc: Exception) -> Response:
    headers = limit_headers(request) if request.url.path.lower().startswith(API_PREFIX) else None
    return responses.text(404, responses.TEXT_NOT_FOUND, headers)


def create_app(state: SandboxState, control: bool = False) -> Starlette:
    routes = identity.ROUTES + accounting.ROUTES + credit_note_routes.ROUTES + left_out.ROUTES + (control_routes.ROUTES if control else [])
    app = Starlette(routes=routes, middleware=[Middleware(SandboxMiddleware)],
                    exception_handlers={404: _not_found})
    app.state.sandbox = state
    return app
