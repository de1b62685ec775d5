"""A Xero-compatible local server for the demo and the tests."""
