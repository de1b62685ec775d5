"""Who gets in to `tradiecore serve`, over real HTTP and websockets on loopback: nobody without a current session
of this origin, and no app process is started for a refused request."""

from __future__ import annotations

import aiohttp
import httpx
import pytest

from tui.serve.access import COOKIE
from tui.serve.tabs import clean_environment

PATHS = ["/", "/static/js/textual.js", "/static/", "/static/js/", "/download/anything", "/no-such-page"]


async def ws_status(served, *, cookie: str | None, origin: str | None) -> int:
    """The status the websocket handshake gets (101: a tab opened; it is closed again at once)."""
    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if cookie is not None:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(f"{served.url}/ws?width=80&height=24", headers=headers) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def get(served, path: str, cookie: str | None = None) -> httpx.Response:
    return httpx.get(f"{served.url}{path}", cookies={COOKIE: cookie} if cookie else None)


async def test_nothing_without_a_session_and_no_process_started(serve):
    served = serve()
    for path in PATHS:
        answer = get(served, path)
        assert answer.status_code == 403, path
        assert "Not signed in" in answer.text and "textual" not in answer.text.lower()
    assert await ws_status(served, cookie=None, origin=served.url) == 403
    assert served.tabs() == []
    log = served.log_text()
    assert "refused GET / from 127.0.0.1: Not signed in." in log
    assert "refused GET /ws from 127.0.0.1" in log


async def test_forged_used_and_revoked_tokens_are_refused(serve):
    served = serve()
    assert get(served, "/", cookie="made-up").status_code == 403
    token = served.add_user("alice").split("#", 1)[1]
    sign_in = lambda origin: httpx.post(f"{served.url}/signin", data={"token": token}, headers={"Origin": origin})  # noqa: E731
    assert sign_in("http://evil.example").status_code == 403  # a sign-in posted from another site
    first = sign_in(served.url)
    assert first.status_code == 303 and first.headers["location"] == "/"
    assert sign_in(served.url).status_code == 403  # a link works once
    cookie = first.cookies[COOKIE]
    set_cookie = first.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie and "secure" not in set_cookie  # plain http
    assert get(served, "/", cookie).status_code == 200
    listing = get(served, "/static/", cookie)
    assert listing.status_code in (403, 404) and "textual.js" not in listing.text  # no directory listings
    assert get(served, "/static/js/textual.js", cookie).status_code == 200

    done = served.tradiecore("serve", *served.args, "--revoke-all")
    assert done.returncode == 0, done.stderr
    assert get(served, "/", cookie).status_code == 403
    assert await ws_status(served, cookie=cookie, origin=served.url) == 403
    assert served.tabs() == []
    assert "refused POST /signin from 127.0.0.1: A sign-in must come from" in served.log_text()


async def test_a_session_of_another_origin_is_refused(serve):
    first = serve()
    second = serve()  # the same business's database, served on another port: another origin
    cookie = first.cookie_for("alice")
    assert get(first, "/", cookie).status_code == 200
    assert get(second, "/", cookie).status_code == 403
    assert await ws_status(second, cookie=cookie, origin=second.url) == 403
    assert second.tabs() == []


async def test_the_websocket_checks_origin_and_the_cap_on_tabs(serve):
    served = serve("--max-tabs", "1")
    cookie = served.cookie_for("alice")
    for foreign in ("http://evil.example", served.url.replace("127.0.0.1", "localhost"), None):
        assert await ws_status(served, cookie=cookie, origin=foreign) == 403
    assert served.tabs() == []
    assert "refused GET /ws from 127.0.0.1: The app's connection must come from a page of" in served.log_text()

    async with aiohttp.ClientSession() as session:
        headers = {"Origin": served.url, "Cookie": f"{COOKIE}={cookie}"}
        async with session.ws_connect(f"{served.url}/ws?width=80&height=24", headers=headers) as ws:
            assert len(served.wait_for_tabs(1)) == 1
            assert await ws_status(served, cookie=cookie, origin=served.url) == 503  # one tab at most
            await ws.close()
    served.wait_for_tabs(0)


def test_add_user_refuses_a_bad_name(serve):
    served = serve()
    done = served.tradiecore("serve", "--add-user", "alice; rm -rf /")
    assert done.returncode == 2 and "is not a name" in done.stderr


@pytest.mark.parametrize("name", ["TRADIECORE_XERO_CLIENT_SECRET", "TRADIECORE_MAIL_PASSWORD", "XERO_TOKEN",
                                  "AWS_SECRET_ACCESS_KEY", "SSH_AUTH_SOCK", "TRADIECORE_KEYS_NEW_INVOICE"])
def test_a_tab_inherits_no_secrets(name):
    environ = {name: "x", "PATH": "/usr/bin", "TRADIECORE_DATA_DIR": "/data", "TRADIECORE_XERO_BASE": "http://sb",
               "TRADIECORE_XERO_CLIENT_ID": "id", "TRADIECORE_USER": "server"}
    env = clean_environment(environ, "alice")
    assert name not in env
    assert env == {"PATH": "/usr/bin", "TRADIECORE_DATA_DIR": "/data", "TRADIECORE_XERO_BASE": "http://sb",
                   "TRADIECORE_XERO_CLIENT_ID": "id", "TRADIECORE_USER": "alice", "TRADIECORE_SERVED": "1"}


def test_https_public_url_makes_the_cookie_secure_and_another_host_warns(serve):
    served = serve("--public-url", "https://office.example.com.au")
    token = served.add_user("alice").split("#", 1)[1]
    assert "https://office.example.com.au/signin#" in served.add_user("bob")
    answer = httpx.post(f"{served.url}/signin", data={"token": token},
                        headers={"Origin": "https://office.example.com.au"})
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()

    wide = serve("--host", "0.0.0.0")
    assert "must sit behind a reverse proxy that serves it over https" in wide.log_text()
