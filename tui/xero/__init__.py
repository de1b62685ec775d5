"""The Xero client: OAuth (authlib, PKCE, loopback callback), the shared token set, the accounting API over
httpx, client-side rate limits, Xero's wire format and user-facing errors. No UI imports here.

Modules: ``oauth`` (identity service), ``callback`` (loopback listener, paste-back), ``browser`` (SSH and
browser detection, ``ssh -L`` command), ``connect`` (the connect flow without screens), ``tokens`` (token set,
stores, refresh under a cross-process lock), ``api`` (``XeroApi``), ``ratelimit``, ``wire``, ``errors``.
"""
