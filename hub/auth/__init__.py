"""Users, roles, login and the server-side authorisation checks."""
