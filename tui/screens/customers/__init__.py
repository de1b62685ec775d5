"""Customers: the list and the editor."""
