"""Tests for the Xero-compatible sandbox server (tui/sandbox)."""
