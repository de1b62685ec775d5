"""Plain Python business rules: money, tax, customers, invoices. Imports nothing from Textual, httpx or the database."""
