"""A Xero-compatible local server for the demo and the tests.

It speaks Xero's wire format (`shared/xero-openapi/`) over real HTTP, on one host with the paths of Xero's three:
`/identity/connect/authorize` (login and "Xero Organisational Data" consent pages), `/connect/token`,
`/connect/revocation`, `/connections[/{id}]` and the accounting API under `/api.xro/2.0/` (Organisation,
Accounts, TaxRates, Contacts, Invoices, Payments). The app reaches it only by URL.

Entry points:
- `tradiecore sandbox [--host H] [--port N] [--state FILE] [--redirect-uri URI ...] [--control]` (`cli.serve`)
- `harness.run_sandbox(...)`: a server on a free loopback port in a background thread, for tests and benchmarks
- `app.create_app(state, control=False)`: the ASGI app, e.g. in-process through `httpx.ASGITransport`
- `control.SandboxControl`: clock, settings, faults, counters, state, and acting as a Xero user
  (also over HTTP at `/_sandbox/...` with `--control`, see `control_routes`)

Modules: `models` (records), `state` (one sandbox's state and settings), `seed` (the starting organisations),
`persistence` (the state file), `clock`, `wire` (Xero's formats), `xero_json` (records as Xero writes them),
`contacts`/`invoices`/`payments` (Xero's rules), `journal` (undo for all-or-nothing batches), `query` (where,
order, paging, If-Modified-Since), `oauth` (tokens and grants), `identity` and `pages` (identity endpoints and
HTML), `api` (auth, limits and idempotency around every API call), `accounting` (API endpoints), `limits`,
`faults`, `counters`, `middleware` (counting, latency, faults), `responses` (error bodies), `routing`
(case-insensitive routes), `server` (uvicorn), `control`, `control_routes`, `harness`, `cli`.
"""
