"""Adding, changing and removing funding streams; each change is an event on the initiative."""
from __future__ import annotations

import enum
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import clock
from hub.errors import FieldErrors, NotFound
from hub.db import bulk_insert, is_value_of, reserve_ids
from hub.events import record_event
from hub.events.service import EventDraft, record_events
from hub.funding.horizon import funding_horizon, horizons_query
from hub.funding.models import FundingKind, FundingStream
from hub.initiatives.models import Initiative
from hub.stakeholders.models import Organisation
from hub.limits import check_day, check_finite
from hub.text import clean_fields

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
    expected_end_date: date | None = None
    actual_end_date: date | None = None
    renewal_decision_date: date | None = None
    successor_id: int | None = None
    programme_envelope: bool = False

    def __post_init__(self) -> None:
        clean_fields(self, single=("currency",), multi=("note",))


# The columns a FundingInput sets.
_COLUMNS = ("funder_id", "kind", "start_date", "end_date", "amount", "currency", "cofinancing_share",
            "amount_estimated", "end_date_estimated", "note", "expected_end_date", "actual_end_date",
            "renewal_decision_date", "successor_id", "programme_envelope")
_DATES = ("end_date", "expected_end_date", "actual_end_date", "renewal_decision_date")


def current_input(stream: FundingStream) -> FundingInput:
    """The input that leaves ``stream`` as it is: partial changes (API PATCH) start from it."""
    return FundingInput(**{column: getattr(stream, column) for column in _COLUMNS} | {"kind": stream.kind.value})


def snapshot(stream: FundingStream) -> dict[str, Any]:
    values = {column: getattr(stream, column) for column in _COLUMNS}
    return _snapshot(stream.id, stream.funder.name if stream.funder else None, values)


def _snapshot(stream_id: int, funder: str | None, values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "stream_id": stream_id,
        "funder_id": values["funder_id"],
        "funder": funder,
        "kind": values["kind"].value,
        "amount": str(values["amount"]) if values["amount"] is not None else None,
        "currency": values["currency"],
        "cofinancing_share": str(values["cofinancing_share"]) if values["cofinancing_share"] is not None else None,
        "start_date": values["start_date"].isoformat(),
        **{column: values[column].isoformat() if values.get(column) else None for column in _DATES},
        "amount_estimated": values["amount_estimated"],
        "end_date_estimated": values["end_date_estimated"],
        "successor_id": values.get("successor_id"),
        "programme_envelope": bool(values.get("programme_envelope")),
    }


def validate_stream(session: Session, data: FundingInput, *, funders: Container[int] | None = None) -> FieldErrors:
    """The errors ``data`` has (empty when valid), without writing: imports check every row before writing any.

    ``funders`` holds the organisation ids that may fund; given, it replaces the per-call lookup.
    """
    return _validate(session, data, funders=funders)


def _validate(session: Session, data: FundingInput, *, funders: Container[int] | None = None,
              stream_id: int | None = None, initiative_id: int | None = None) -> FieldErrors:
    errors = FieldErrors()
    if data.funder_id is None or (
        data.funder_id not in funders if funders is not None else session.get(Organisation, data.funder_id) is None
    ):
        errors.add("funder_id", _("Choose an existing funder."))
    if not is_value_of(FundingKind, data.kind):
        errors.add("kind", _("Unknown kind of funding: %(value)s.", value=data.kind))
    if data.start_date is None:
        errors.add("start_date", _("Give the start date of the funding."))
    check_day(errors, "start_date", _l("Funding start"), data.start_date)
    check_day(errors, "end_date", _l("Funding end"), data.end_date)
    check_day(errors, "expected_end_date", _l("Expected end"), data.expected_end_date)
    check_day(errors, "actual_end_date", _l("Actual end"), data.actual_end_date)
    check_day(errors, "renewal_decision_date", _l("Renewal decision"), data.renewal_decision_date)
    for column in ("end_date", "expected_end_date", "actual_end_date"):
        if data.start_date and getattr(data, column) and getattr(data, column) < data.start_date:
            errors.add(column, _("The end date lies before the start date."))
    if data.successor_id is not None:
        successor = session.get(FundingStream, data.successor_id)
        if successor is None or successor.id == stream_id or (initiative_id is not None and successor.initiative_id != initiative_id):
            errors.add("successor_id", _("Choose another funding stream of the same initiative as successor."))
    amount_ok = check_finite(errors, "amount", _l("Amount"), data.amount)
    if amount_ok and data.amount is not None and data.amount < 0:
        errors.add("amount", _("The amount cannot be negative."))
    if amount_ok and data.amount is not None and abs(data.amount) >= Decimal("1e12"):
        errors.add("amount", _("The amount is too large."))
    share_ok = check_finite(errors, "cofinancing_share", _l("Co-financing share"), data.cofinancing_share)
    if share_ok and data.cofinancing_share is not None and not Decimal(0) <= data.cofinancing_share <= Decimal(100):
        errors.add("cofinancing_share", _("The co-financing share must lie between 0 and 100 %."))
    if not _CURRENCY.match((data.currency or "").strip().upper()):
        errors.add("currency", _("Use a three-letter currency code such as EUR."))
    return errors


def _values(data: FundingInput) -> dict[str, Any]:
    """The cleaned column values of a (validated) input: one rule for single and bulk writes."""
    return {
        "funder_id": data.funder_id,
        "kind": FundingKind(data.kind),
        "start_date": data.start_date,
        "end_date": data.end_date,
        "amount": data.amount,
        "currency": data.currency.strip().upper(),
        "cofinancing_share": data.cofinancing_share,
        "amount_estimated": data.amount_estimated,
        "end_date_estimated": data.end_date_estimated,
        "note": data.note.strip(),
        "expected_end_date": data.expected_end_date,
        "actual_end_date": data.actual_end_date,
        "renewal_decision_date": data.renewal_decision_date,
        "successor_id": data.successor_id,
        "programme_envelope": data.programme_envelope,
    }


def _apply(stream: FundingStream, data: FundingInput) -> None:
    for column, value in _values(data).items():
        setattr(stream, column, value)
    stream.updated_at = clock.now()


def _record(session: Session, name: FundingEvent, initiative: Initiative, actor_id: int | None, payload: dict[str, Any]) -> None:
    """Funding events are subject to the initiative, and carry the horizon it now has."""
    session.flush()
    session.refresh(initiative, ["funding_streams"])
    horizon = funding_horizon(initiative.funding_streams)
    payload["horizon"] = horizon.isoformat() if horizon else None
    record_event(session, name, "initiative", initiative.id, actor_id=actor_id, payload=payload)


def add_stream(session: Session, initiative: Initiative, data: FundingInput, *, actor_id: int | None) -> FundingStream:
    _validate(session, data, initiative_id=initiative.id).raise_if_any()
    now = clock.now()
    stream = FundingStream(initiative_id=initiative.id, created_at=now)
    _apply(stream, data)
    session.add(stream)
    session.flush()
    session.refresh(stream, ["funder"])
    _record(session, FundingEvent.ADDED, initiative, actor_id, {"after": snapshot(stream)})
    return stream


def add_streams(session: Session, items: Sequence[tuple[int, FundingInput]], *, actor_id: int | None) -> list[int]:
    """``add_stream`` for many (initiative id, input) pairs at once (imports): the same rules and events, with
    one query for the funders and multi-row inserts. Each event carries the initiative's horizon after the
    whole batch. Returns the new stream ids in input order.
    """
    funder_names: dict[int, str] = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    ids = reserve_ids(session, FundingStream.__table__, len(items))
    now = clock.now()
    rows: list[dict[str, Any]] = []
    for stream_id, (initiative_id, data) in zip(ids, items):
        _validate(session, data, funders=funder_names).raise_if_any()
        rows.append({"id": stream_id, "initiative_id": initiative_id, **_values(data),
                     "created_at": now, "updated_at": now})
    if not rows:
        return ids
    bulk_insert(session, FundingStream.__table__, rows)
    horizons = dict(session.execute(horizons_query()).all())
    record_events(session, [
        EventDraft(FundingEvent.ADDED, "initiative", row["initiative_id"], {
            "after": _snapshot(row["id"], funder_names[row["funder_id"]], row),
            "horizon": horizons[row["initiative_id"]].isoformat() if horizons.get(row["initiative_id"]) else None,
        })
        for row in rows
    ], actor_id=actor_id)
    return ids


def update_stream(session: Session, stream: FundingStream, data: FundingInput, *, actor_id: int | None) -> FundingStream:
    _validate(session, data, stream_id=stream.id, initiative_id=stream.initiative_id).raise_if_any()
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
