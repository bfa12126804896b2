"""Checking e-mail addresses wherever people type them (accounts, invitations, alert subscriptions)."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from flask_babel import gettext as _


def normalise_email(value: str) -> str:
    """The address in its normal form, or ``ValueError`` with a translated message.

    Syntax only: no DNS lookup (the hub may run without network). Refuses ``x@``, line breaks and the like,
    so an address can never smuggle a header into a mail. Test configurations accept the reserved ``.test`` domain.
    """
    testing = has_app_context() and bool(current_app.testing)
    try:
        return validate_email(value.strip(), check_deliverability=False, test_environment=testing).normalized
    except EmailNotValidError:
        raise ValueError(_("Enter a valid e-mail address.")) from None
