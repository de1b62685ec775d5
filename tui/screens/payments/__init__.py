"""Payments: recording one against an invoice, removing one."""
