"""Overlap detection: initiatives that may duplicate or complement each other."""
