"""The web server: textual-serve's :class:`Server`, with every request signed in.

textual-serve gives each websocket its own app process and relays the screen, keys, URLs to open and file
downloads. Around it this adds: ``/signin`` (a one-time link becomes an HttpOnly, SameSite=Strict session cookie,
Secure over https); a guard that answers 403 to any other request without a current session of this origin, before
anything else runs (no app process is started); the websocket's ``Origin`` checked against the served origin;
downloads only to the person whose tab made them; ``/static`` without directory listings; a cap on open tabs; an
idle timeout, and a revoked session's tab closed; sign-ins and refusals logged with the client's address.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from typing import Mapping

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.server import Server

from tui.serve.access import COOKIE, SIGN_IN_PATH, Access, origin_of
from tui.serve.pages import SIGN_IN, refused
from tui.serve.tabs import Tab

log = logging.getLogger("tradiecore.serve")

HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "same-origin"}  # no-referrer would make Origin "null"


def client_address(request: web.Request) -> str:
    """The peer, and the address a reverse proxy says it forwarded for."""
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
    return f"{request.remote} (for {forwarded})" if forwarded else str(request.remote)


class GuardedServer(Server):
    """Serves ``argv`` (the app) to signed-in people only."""

    def __init__(self, argv: list[str], *, access: Access, environ: Mapping[str, str], host: str, port: int,
                 public_url: str | None = None, max_tabs: int = 20, idle_timeout: float = 1800.0,
                 tick: float = 5.0) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title="tradiecore", public_url=public_url)
        self.public_url = self.public_url.rstrip("/")
        self.origin = origin_of(self.public_url)
        self.secure = self.public_url.startswith("https:")
        self.access = access
        self.environ = environ
        self.max_tabs = max_tabs
        self.idle_timeout = idle_timeout
        self.tick = min(tick, idle_timeout / 2)
        self.tabs: set[Tab] = set()

    # -- start-up -------------------------------------------------------------------------------------
    def initialize_logging(self) -> None:
        logging.basicConfig(level="DEBUG" if self.debug else "INFO", stream=sys.stderr,
                            format="%(asctime)s %(name)s %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        print(f"Serving tradiecore on {self.public_url} (at most {self.max_tabs} tabs; a tab idle for "
              f"{self.idle_timeout / 60:g} min is closed). Ctrl+C to stop.", flush=True)

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get(SIGN_IN_PATH, self.sign_in_page),
            web.post(SIGN_IN_PATH, self.sign_in),
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.close_tabs)
        return app

    # -- who is asking --------------------------------------------------------------------------------
    def refuse(self, request: web.Request, why: str) -> web.Response:
        log.warning("refused %s %s from %s: %s", request.method, request.path, client_address(request), why)
        return web.Response(status=403, text=refused(why), content_type="text/html", headers=HEADERS)

    async def user_of(self, request: web.Request) -> str | None:
        cookie = request.cookies.get(COOKIE, "")
        if not cookie:
            return None
        return await asyncio.to_thread(self.access.user_of, cookie, self.origin)

    @web.middleware
    async def guard(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path != SIGN_IN_PATH:
            if not request.cookies.get(COOKIE):
                return self.refuse(request, "Not signed in.")
            user = await self.user_of(request)
            if user is None:
                return self.refuse(request, "This sign-in is not valid here (signed out, revoked or expired).")
            request["user"] = user
        response = await handler(request)
        if not response.prepared:
            response.headers.update(HEADERS)
        return response

    # -- signing in -----------------------------------------------------------------------------------
    async def sign_in_page(self, request: web.Request) -> web.Response:
        return web.Response(text=SIGN_IN, content_type="text/html", headers=HEADERS)

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Origin") != self.origin:
            return self.refuse(request, f"A sign-in must come from {self.origin}.")
        token = str((await request.post()).get("token", ""))
        signed = await asyncio.to_thread(self.access.redeem, token, self.origin) if token else None
        if signed is None:
            return self.refuse(request, "This sign-in link is not valid (already used, expired or revoked).")
        log.info("signed in %s from %s", signed.user, client_address(request))
        response = web.HTTPSeeOther("/", headers=HEADERS)
        response.set_cookie(COOKIE, signed.cookie, path="/", httponly=True, secure=self.secure, samesite="Strict",
                            expires=signed.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT"))
        return response

    # -- the tabs -------------------------------------------------------------------------------------
    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        try:
            download = await self.download_manager.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound(text="No such download") from None
        if getattr(download.app_service, "user", None) != request["user"]:
            return self.refuse(request, "That download belongs to someone else's tab.")
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        user = request["user"]
        if request.headers.get("Origin") != self.origin:
            return self.refuse(request, f"The app's connection must come from a page of {self.origin}.")
        if len(self.tabs) >= self.max_tabs:
            log.warning("refused a tab for %s from %s: %d tabs open already", user, client_address(request),
                        len(self.tabs))
            return web.Response(status=503, text=f"{len(self.tabs)} tabs are open: close one and try again.")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        tab = Tab(self.command, user=user, environ=self.environ, write_bytes=websocket.send_bytes,
                  write_str=websocket.send_str, close=websocket.close, download_manager=self.download_manager,
                  debug=self.debug)
        self.tabs.add(tab)
        watch = None
        try:
            await tab.start(width, height)
            log.info("opened a tab for %s from %s (process %s)", user, client_address(request), tab.pid)
            watch = asyncio.create_task(self.watch(tab, websocket, request.cookies[COOKIE]))
            await self._process_messages(websocket, tab)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("the tab of %s failed", user)
        finally:
            if watch is not None:
                watch.cancel()
            await tab.stop()
            self.tabs.discard(tab)
            log.info("closed a tab of %s (process %s)", user, tab.pid)
        return websocket

    async def watch(self, tab: Tab, websocket: web.WebSocketResponse, cookie: str) -> None:
        """Close the tab when nobody has typed or clicked in it for the idle timeout, or its session is gone."""
        while not websocket.closed:
            await asyncio.sleep(self.tick)
            if tab.idle_for() >= self.idle_timeout:
                log.info("closing %s's tab: idle for %d s", tab.user, tab.idle_for())
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"idle")
            elif await asyncio.to_thread(self.access.user_of, cookie, self.origin) is None:
                log.info("closing %s's tab: the session was revoked", tab.user)
                await websocket.close(code=WSCloseCode.POLICY_VIOLATION, message=b"revoked")

    async def close_tabs(self, app: web.Application) -> None:
        await asyncio.gather(*(tab.stop() for tab in list(self.tabs)), return_exceptions=True)


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, min(int(text or default), 1000))
    except ValueError:
        return default
