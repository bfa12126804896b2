"""News feeds in (polled, sanitised, linked to initiatives) and out (Atom)."""
