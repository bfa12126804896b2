"""Form helpers shared by the domains' Flask-WTF forms."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, StringField

from hub.errors import ValidationFailed


class CommaListField(StringField):
    """A text input holding a comma- or newline-separated list ("NL213, DEA3")."""

    data: list[str]

    def _value(self) -> str:
        return ", ".join(self.data or [])

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = [part.strip() for part in raw.replace("\n", ",").split(",") if part.strip()]


class LinesField(CommaListField):
    """A textarea holding one entry per line (names may contain commas)."""

    def _value(self) -> str:
        return "\n".join(self.data or [])

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in raw.splitlines() if line.strip()]


def show_domain_errors(form: FlaskForm, error: ValidationFailed) -> None:
    """Attach a service's validation messages to the form fields they name."""
    for name, messages in error.errors.items():
        field: Field | None = getattr(form, name, None)
        if isinstance(field, Field):
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


def blank_to_none(value: Any) -> Any:
    return value if value not in ("", None) else None
