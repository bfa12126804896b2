"""The funding domain."""
