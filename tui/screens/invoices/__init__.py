"""Invoices: the editor (lines, totals, status), sending by email and the local outbox."""
