"""Adding, changing and removing funding streams; each change is an event on the initiative."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hub import clock
from hub.errors import FieldErrors, NotFound
from hub.db import is_value_of
from hub.events import record_event
from hub.funding.horizon import funding_horizon
from hub.funding.models import FundingKind, FundingStream
from hub.initiatives.models import Initiative
from hub.stakeholders.models import Organisation

_CURRENCY = re.compile(r"^[A-Z]{3}$")


class FundingEvent(enum.StrEnum):
    ADDED = "funding.added"
    UPDATED = "funding.updated"
    REMOVED = "funding.removed"


@dataclass
class FundingInput:
    funder_id: int | None
    kind: str
    start_date: date | None
    end_date: date | None = None
    amount: Decimal | None = None
    currency: str = "EUR"
    cofinancing_share: Decimal | None = None
    amount_estimated: bool = False
    end_date_estimated: bool = False
    note: str = ""


def snapshot(stream: FundingStream) -> dict[str, Any]:
    return {
        "stream_id": stream.id,
        "funder_id": stream.funder_id,
        "funder": stream.funder.name if stream.funder else None,
        "kind": stream.kind.value,
        "amount": str(stream.amount) if stream.amount is not None else None,
        "currency": stream.currency,
        "cofinancing_share": str(stream.cofinancing_share) if stream.cofinancing_share is not None else None,
        "start_date": stream.start_date.isoformat(),
        "end_date": stream.end_date.isoformat() if stream.end_date else None,
        "amount_estimated": stream.amount_estimated,
        "end_date_estimated": stream.end_date_estimated,
    }


def _validate(session: Session, data: FundingInput) -> FieldErrors:
    errors = FieldErrors()
    if data.funder_id is None or session.get(Organisation, data.funder_id) is None:
        errors.add("funder_id", _("Choose an existing funder."))
    if not is_value_of(FundingKind, data.kind):
        errors.add("kind", _("Unknown kind of funding: %(value)s.", value=data.kind))
    if data.start_date is None:
        errors.add("start_date", _("Give the start date of the funding."))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.add("end_date", _("The end date lies before the start date."))
    if data.amount is not None and data.amount < 0:
        errors.add("amount", _("The amount cannot be negative."))
    if data.amount is not None and abs(data.amount) >= Decimal("1e12"):
        errors.add("amount", _("The amount is too large."))
    if data.cofinancing_share is not None and not Decimal(0) <= data.cofinancing_share <= Decimal(100):
        errors.add("cofinancing_share", _("The co-financing share must lie between 0 and 100 %."))
    if not _CURRENCY.match((data.currency or "").strip().upper()):
        errors.add("currency", _("Use a three-letter currency code such as EUR."))
    return errors


def _apply(stream: FundingStream, data: FundingInput) -> None:
    stream.funder_id = data.funder_id  # type: ignore[assignment]
    stream.kind = FundingKind(data.kind)
    stream.start_date = data.start_date  # type: ignore[assignment]
    stream.end_date = data.end_date
    stream.amount = data.amount
    stream.currency = data.currency.strip().upper()
    stream.cofinancing_share = data.cofinancing_share
    stream.amount_estimated = data.amount_estimated
    stream.end_date_estimated = data.end_date_estimated
    stream.note = data.note.strip()
    stream.updated_at = clock.now()


def _record(session: Session, name: FundingEvent, initiative: Initiative, actor_id: int | None, payload: dict[str, Any]) -> None:
    """Funding events are subject to the initiative, and carry the horizon it now has."""
    session.flush()
    session.refresh(initiative, ["funding_streams"])
    horizon = funding_horizon(initiative.funding_streams)
    payload["horizon"] = horizon.isoformat() if horizon else None
    record_event(session, name, "initiative", initiative.id, actor_id=actor_id, payload=payload)


def add_stream(session: Session, initiative: Initiative, data: FundingInput, *, actor_id: int | None) -> FundingStream:
    _validate(session, data).raise_if_any()
    now = clock.now()
    stream = FundingStream(initiative_id=initiative.id, created_at=now)
    _apply(stream, data)
    session.add(stream)
    session.flush()
    session.refresh(stream, ["funder"])
    _record(session, FundingEvent.ADDED, initiative, actor_id, {"after": snapshot(stream)})
    return stream


def update_stream(session: Session, stream: FundingStream, data: FundingInput, *, actor_id: int | None) -> FundingStream:
    _validate(session, data).raise_if_any()
    before = snapshot(stream)
    _apply(stream, data)
    session.flush()
    session.refresh(stream, ["funder"])
    after = snapshot(stream)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        _record(session, FundingEvent.UPDATED, stream.initiative, actor_id,
                {"stream_id": stream.id, "before": {k: before[k] for k in changed}, "after": changed})
    return stream


def remove_stream(session: Session, stream: FundingStream, *, actor_id: int | None) -> None:
    initiative = stream.initiative
    before = snapshot(stream)
    session.delete(stream)
    _record(session, FundingEvent.REMOVED, initiative, actor_id, {"stream_id": before["stream_id"], "before": before})


def get_stream(session: Session, stream_id: int) -> FundingStream:
    stream = session.get(FundingStream, stream_id)
    if stream is None:
        raise NotFound(_("No funding stream with id %(id)s.", id=stream_id))
    return stream
