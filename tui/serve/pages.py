"""The two pages of ``tradiecore serve`` that are its own: the sign-in page (it posts the token from the link's
fragment) and the refusal."""

from __future__ import annotations

from html import escape

STYLE = ("body{background:#0c181f;color:#e8eef2;font:16px/1.5 system-ui,sans-serif;display:flex;"
         "justify-content:center;margin-top:20vh}main{max-width:34em}button{font:inherit;padding:.4em 1.2em}")

SIGN_IN = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Sign in - tradiecore</title><style>{STYLE}</style></head>
<body><main><h1>tradiecore</h1>
<form method="post" action="/signin" id="signin"><input type="hidden" name="token" id="token">
<p id="what">Signing you in…</p><button type="submit">Sign in</button></form>
<script>
const token = decodeURIComponent(location.hash.slice(1));
history.replaceState(null, "", location.pathname);
if (token) {{ document.getElementById("token").value = token; document.getElementById("signin").submit(); }}
else {{ document.getElementById("what").textContent = "Open the whole sign-in link you were given."; }}
</script></main></body></html>
"""


def refused(reason: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not signed in - tradiecore</title>'
            f"<style>{STYLE}</style></head><body><main><h1>tradiecore</h1><p>{escape(reason)}</p>"
            "<p>Ask whoever runs the server for a sign-in link: <code>tradiecore serve --add-user NAME</code>.</p>"
            "</main></body></html>")
