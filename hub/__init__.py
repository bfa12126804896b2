"""Grenshub: the registry of cross-border labour-market initiatives."""
