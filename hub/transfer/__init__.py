"""Import and export: spreadsheets (the hub's column template, keep.eu project exports) in, lists out."""
