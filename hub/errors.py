"""Domain errors: services raise them, views and the API turn them into messages and status codes."""
from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; ``message`` is already translated for the user."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """One or more fields are invalid; ``errors`` maps field name to its messages."""

    status = 422
    code = "validation_failed"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field)
        self.errors = errors


class FieldErrors(dict[str, list[str]]):
    """Collects every validation message per field, so the user sees all problems at once."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(dict(self))


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
