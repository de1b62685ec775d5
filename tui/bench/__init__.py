"""Developer tools that measure the product: ``python -m tui.bench sync`` (calls and UI stalls of a first sync) and
``python -m tui.bench soak`` (kill -9 the sync at random moments; count duplicates, missing invoices, lost edits)."""
