"""Xero: connecting (consent, organisations, a custom connection set up), the status and the revenue accounts."""
