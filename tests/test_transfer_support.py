"""Support for the import/export tests (no tests here): fixture files, XLSX building, a registry snapshot."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.events.models import Event
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative
from hub.stakeholders.models import InitiativeRole, Organisation

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "transfer"
TODAY = date(2026, 11, 23)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def freeze(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hub.clock.now", lambda: datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC))


def csv_rows(name: str) -> list[list[str]]:
    text = fixture_bytes(name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A workbook whose first sheet holds ``rows``; ISO date strings become real date cells, as Excel keeps them."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([_typed(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _typed(cell: Any) -> Any:
    if isinstance(cell, str) and len(cell) == 10 and cell[4] == "-" and cell[7] == "-":
        try:
            return date.fromisoformat(cell)
        except ValueError:
            return cell
    return cell


def counts(db: Session) -> dict[str, int]:
    return {model.__name__: db.scalar(select(func.count()).select_from(model)) or 0
            for model in (Initiative, Organisation, FundingStream, InitiativeRole, Event)}


def registry_snapshot(db: Session) -> dict[str, Any]:
    """Names, funding and roles of the whole registry, independent of ids and timestamps."""
    db.expire_all()
    initiatives = db.scalars(select(Initiative).order_by(Initiative.name_key)).all()
    return {
        i.name_key: {
            "names": (i.name_nl, i.name_de, i.name_en, i.acronym, i.kind.value, i.status.value),
            "dates": (i.start_date, i.end_date),
            "parent": i.parent.name_key if i.parent else None,
            "regions": i.region_codes,
            "funding": sorted((s.funder.name, s.kind.value, s.amount, s.start_date, s.end_date) for s in i.funding_streams),
            "roles": sorted((r.organisation.name, r.role.value) for r in i.roles),
        }
        for i in initiatives
    }
