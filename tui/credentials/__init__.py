"""Secrets and where they are kept: the user's keyring or 0600 file (:mod:`.user_store`), a site install's
business-wide store with its key in the site dir (:mod:`.site_store`), and the encrypted rows in the database
that hold a site's shared secrets (:mod:`.shared_rows`) and an organisation's Xero token set (:mod:`.token_rows`).
"""
