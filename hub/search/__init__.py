"""Search: one full-text index over initiatives, organisations, news and lobby items."""
