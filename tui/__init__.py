"""tradiecore: invoices for trades businesses, kept in step with Xero."""

__version__ = "0.1.0"
