"""Exporting lists as CSV, XLSX and JSON. The CSV and XLSX initiative exports use the import template's
columns, so an exported file can be edited and imported again."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.initiatives.models import Initiative
from hub.stakeholders.models import InitiativeRole, InitiativeRoleKind, Organisation
from hub.transfer.models import InitiativeExternalId
from hub.text import xml_safe
from hub.transfer.reading import FORMULA_STARTS
from hub.transfer.shapes import TemplateShape

ORGANISATION_COLUMNS = ("name", "country", "type", "website", "description")
_CHUNK = 500


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


_Related = tuple[dict[int, str], dict[int, list[tuple[str, str]]], dict[int, str]]


def _related(session: Session, initiatives: Sequence[Initiative]) -> _Related:
    """Parent names, (role, organisation) pairs and external ids for a list, a few queries per 500 initiatives."""
    ids = [i.id for i in initiatives]
    parent_ids = sorted({i.parent_id for i in initiatives if i.parent_id is not None})
    parents: dict[int, str] = {}
    roles: dict[int, list[tuple[str, str]]] = defaultdict(list)
    external: dict[int, str] = {}
    for start in range(0, max(len(ids), len(parent_ids)), _CHUNK):
        for parent in session.scalars(select(Initiative).where(Initiative.id.in_(parent_ids[start:start + _CHUNK]))):
            parents[parent.id] = parent.primary_name
        chunk = ids[start:start + _CHUNK]
        for initiative_id, role, name in session.execute(
            select(InitiativeRole.initiative_id, InitiativeRole.role, Organisation.name).join(Organisation)
            .where(InitiativeRole.initiative_id.in_(chunk)).order_by(Organisation.name)
        ):
            roles[initiative_id].append((role.value, name))
        for initiative_id, external_id in session.execute(
            select(InitiativeExternalId.initiative_id, InitiativeExternalId.external_id)
            .where(InitiativeExternalId.initiative_id.in_(chunk), InitiativeExternalId.source == TemplateShape.source)
            .order_by(InitiativeExternalId.external_id)
        ):
            external.setdefault(initiative_id, external_id)
    return parents, roles, external


def initiative_rows(session: Session, initiatives: Sequence[Initiative]) -> list[dict[str, str]]:
    """One template row per initiative, every list joined with semicolons, funding columns in stream order."""
    parents, roles, external = _related(session, initiatives)
    rows = []
    for i in initiatives:
        streams = sorted(i.funding_streams, key=lambda s: (s.start_date, s.id))
        by_role = roles.get(i.id, [])
        rows.append({
            "external_id": external.get(i.id, ""),
            "programme": parents.get(i.parent_id, "") if i.parent_id else "",
            "kind": i.kind.value,
            "status": i.status.value,
            "name_nl": i.name_nl or "",
            "name_de": i.name_de or "",
            "name_en": i.name_en or "",
            "acronym": i.acronym or "",
            "aliases": "; ".join(i.alias_list),
            "description": i.description,
            "start_date": _day(i.start_date),
            "end_date": _day(i.end_date),
            "dates_estimated": "yes" if i.dates_estimated else "no",
            "regions": ", ".join(i.region_codes),
            "advice_codes": ", ".join(i.advice_codes),
            "website": i.website or "",
            "source": i.source,
            "lead": "; ".join(name for role, name in by_role if role == InitiativeRoleKind.LEAD.value),
            "partners": "; ".join(name for role, name in by_role if role == InitiativeRoleKind.PARTNER.value),
            "funder": "; ".join(s.funder.name for s in streams),
            "funding_kind": "; ".join(s.kind.value for s in streams),
            "amount": "; ".join(str(s.amount) if s.amount is not None else "" for s in streams),
            "currency": "; ".join(s.currency for s in streams),
            "funding_start": "; ".join(_day(s.start_date) for s in streams),
            "funding_end": "; ".join(_day(s.end_date) for s in streams),
        })
    return rows


def initiatives_json(session: Session, listed: Sequence[tuple[Initiative, date | None]]) -> bytes:
    """The list with nested funding and roles, for programs rather than spreadsheets."""
    parents, roles, external = _related(session, [i for i, _horizon in listed])
    items = [{
        "id": i.id,
        "slug": i.slug,
        "kind": i.kind.value,
        "status": i.status.value,
        "name": {"nl": i.name_nl, "de": i.name_de, "en": i.name_en},
        "acronym": i.acronym,
        "aliases": i.alias_list,
        "description": i.description,
        "start_date": i.start_date.isoformat() if i.start_date else None,
        "end_date": i.end_date.isoformat() if i.end_date else None,
        "dates_estimated": i.dates_estimated,
        "regions": i.region_codes,
        "advice_codes": i.advice_codes,
        "website": i.website,
        "source": i.source,
        "parent": {"id": i.parent_id, "name": parents.get(i.parent_id)} if i.parent_id else None,
        "external_id": external.get(i.id),
        "funding_horizon": horizon.isoformat() if horizon else None,
        "funding": [{
            "funder": s.funder.name,
            "kind": s.kind.value,
            "amount": str(s.amount) if s.amount is not None else None,
            "currency": s.currency,
            "cofinancing_share": str(s.cofinancing_share) if s.cofinancing_share is not None else None,
            "start_date": s.start_date.isoformat(),
            "end_date": s.end_date.isoformat() if s.end_date else None,
        } for s in sorted(i.funding_streams, key=lambda s: (s.start_date, s.id))],
        "roles": [{"role": role, "organisation": name} for role, name in roles.get(i.id, [])],
    } for i, horizon in listed]
    return json.dumps({"initiatives": items}, ensure_ascii=False, indent=1).encode()


def organisation_rows(organisations: Iterable[Organisation]) -> list[dict[str, str]]:
    return [{"name": o.name, "country": o.country, "type": o.type.value, "website": o.website or "",
             "description": o.description} for o in organisations]


def organisations_json(organisations: Sequence[Organisation]) -> bytes:
    items = [{"id": o.id, **row} for o, row in zip(organisations, organisation_rows(organisations))]
    return json.dumps({"organisations": items}, ensure_ascii=False, indent=1).encode()


_AFTER_SEPARATOR = re.compile(r"([,;\t]\s*)(?=[=+\-@])")


def _safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula, and leave out the control characters a
    workbook (XML) cannot hold. A cell starting like a formula gets an apostrophe (the importer strips it
    again); so does every part after a separator: Dutch and German Excel split a comma-separated line on
    semicolons, so "Saxion;=HYPERLINK(…)" would become two cells, the second a formula."""
    value = _AFTER_SEPARATOR.sub(r"\1'", xml_safe(value))
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows accents right; the importer reads it back as is."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe(str(row.get(c, ""))) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(columns: Sequence[str], rows: Iterable[dict[str, Any]], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_safe(str(row.get(c, ""))) for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

