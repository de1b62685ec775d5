"""Credit notes (adjustment notes): the editor made from a sent invoice, and the dialogs that use a credit note's
credit (allocate, refund, remove one)."""
