"""Developer tools, not the product: they draw the product against a sandbox they start themselves."""
