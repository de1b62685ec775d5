"""The HTML pages a browser sees during sign-in: the login page, the "Xero Organisational Data" consent page,
and the error page for a request that cannot be sent back to the app (unknown app or redirect URI).
"""

from __future__ import annotations

from html import escape

from tui.sandbox.models import Organisation

SCOPE_TEXT = {
    "openid": "Your identity",
    "profile": "Your name",
    "email": "Your email address",
    "offline_access": "Access while you're not using the app",
    "accounting.transactions": "Invoices, bills and other transactions",
    "accounting.transactions.read": "View invoices, bills and other transactions",
    "accounting.invoices": "Invoices and bills",
    "accounting.invoices.read": "View invoices and bills",
    "accounting.payments": "Payments",
    "accounting.payments.read": "View payments",
    "accounting.contacts": "Contacts",
    "accounting.contacts.read": "View contacts",
    "accounting.settings": "Organisation settings and chart of accounts",
    "accounting.settings.read": "View organisation settings and chart of accounts",
}

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f2f4f7;margin:0;color:#1e2a36}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:1rem 0 .3rem}
input,select{width:100%;padding:.5rem;box-sizing:border-box;font-size:1rem}
button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:4px;border:1px solid #13b5ea;cursor:pointer}
.primary{background:#13b5ea;color:#fff}.secondary{background:#fff;color:#13b5ea}
.error{color:#b00020}ul{padding-left:1.2rem}
"""


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><main>{body}</main></body></html>")


def _hidden(fields: dict[str, str]) -> str:
    return "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items())


def login_page(action: str, return_to: str, error: str | None = None) -> str:
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return _page("Login | Xero", f"""
<h1>Log in to Xero</h1>{problem}
<form method="post" action="{escape(action)}">
{_hidden({"return_to": return_to})}
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Login</button>
</form>""")


def consent_page(action: str, app_name: str, scopes: list[str], organisations: list[Organisation],
                 fields: dict[str, str]) -> str:
    items = "".join(f"<li>{escape(SCOPE_TEXT.get(s, s))}</li>" for s in scopes)
    options = "".join(f'<option value="{escape(o.organisation_id)}">{escape(o.name)}</option>'
                      for o in organisations)
    return _page("Xero Organisational Data", f"""
<h1>Xero Organisational Data</h1>
<p><strong>{escape(app_name)}</strong> would like to access:</p><ul>{items}</ul>
<form method="post" action="{escape(action)}">
{_hidden(fields)}
<label for="tenant">Organisation</label><select id="tenant" name="tenant">{options}</select>
<button class="primary" type="submit" name="decision" value="allow">Allow Access</button>
<button class="secondary" type="submit" name="decision" value="cancel">Cancel</button>
</form>""")


def error_page(message: str) -> str:
    return _page("Error | Xero", f'<h1>Something went wrong</h1><p class="error">{escape(message)}</p>')
