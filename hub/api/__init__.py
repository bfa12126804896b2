"""The versioned JSON API (``/api/v1``) and the personal API tokens that open it to partner systems."""
