"""The coverage matrix: the SER advice against the initiatives that serve it."""
