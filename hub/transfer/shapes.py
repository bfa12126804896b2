"""The two file shapes the importer reads: the hub's own column template and keep.eu project exports.

A shape turns one spreadsheet row into a ``ParsedRow``: the initiative fields the file sets, its key, its
funding and its partners, still as names. Matching them against the registry is the importer's job.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hub import clock
from hub.initiatives.models import InitiativeKind, InitiativeStatus
from hub.stakeholders.models import OrganisationType
from hub.text import fold
from hub.transfer.reading import (
    CellError,
    FileRejected,
    normalise_header,
    parse_bool,
    parse_date,
    parse_decimal,
    split_list,
    split_parallel,
    text,
)

TEMPLATE, KEEPEU = "template", "keepeu"

_COUNTRY_WORDS = {
    "netherlands": "NL", "the netherlands": "NL", "nederland": "NL", "niederlande": "NL", "holland": "NL",
    "germany": "DE", "deutschland": "DE", "duitsland": "DE", "allemagne": "DE",
    "belgium": "BE", "belgie": "BE", "belgien": "BE", "belgique": "BE",
    "european union": "EU", "europese unie": "EU", "europaische union": "EU",
}
_TRAILING_PARENS = re.compile(r"^(.*\S)\s*\(\s*([^()]+?)\s*\)$")


@dataclass(frozen=True)
class OrgRef:
    """An organisation named in a cell: "Saxion" (must exist) or "Saxion (NL)" (created when missing)."""

    raw: str
    name: str
    country: str | None
    type: str

    @classmethod
    def parse(cls, raw: str, type_: OrganisationType) -> OrgRef:
        return _org_ref(raw, type_.value)


@functools.lru_cache(maxsize=4096)
def _org_ref(raw: str, type_: str) -> OrgRef:
    """Organisations recur on many rows of a file: read each spelling once."""
    match = _TRAILING_PARENS.match(raw)
    if match:
        inner = match.group(2)
        country = inner.upper() if re.fullmatch(r"[A-Za-z]{2}", inner) else _COUNTRY_WORDS.get(fold(inner))
        if country:
            return OrgRef(raw, match.group(1), country, type_)
    return OrgRef(raw, raw, None, type_)


@dataclass
class StreamSpec:
    """One funding stream of a row; ``funder`` None means the programme's own funder organisation (keep.eu)."""

    funder: OrgRef | None
    fields: dict[str, Any]


@dataclass
class ParsedRow:
    line: int
    fields: dict[str, Any]  # InitiativeInput fields the file sets; a column the file lacks is left out
    external_id: str | None = None
    programme: str | None = None  # None: no programme column; "": no parent
    streams: list[StreamSpec] | None = None  # None: the file has no funding columns
    roles: list[tuple[OrgRef, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    def read(self, column: str, reader: Any, value: Any) -> Any:
        """``reader(value)``, or None with the cell's error noted against ``column``."""
        try:
            return reader(value)
        except CellError as error:
            self.errors.append((column, str(error)))
            return None


def bounded_text(limit: int | None) -> Any:
    def read(value: Any) -> str:
        result = text(value)
        if limit is not None and len(result) > limit:
            raise CellError(_("Longer than %(n)d characters.", n=limit))
        return result
    return read


def code_text(value: Any) -> str:
    """"Interreg project", "interreg-project" and "interreg_project" all name the same kind."""
    return normalise_header(text(value))


@dataclass(frozen=True)
class Column:
    name: str
    help: Any  # lazy translated description, shown on the import page
    required: bool = False


# The hub's template: import reads these columns, export writes them, so an export re-imports unchanged.
TEMPLATE_COLUMNS: tuple[Column, ...] = (
    Column("external_id", _l("Your own stable id for the row; re-importing it updates the same initiative.")),
    Column("programme", _l("Name of the programme (or other initiative) this one is part of; created if unknown.")),
    Column("kind", _l("interreg_project, grensinfopunt, edl_activity, partnership, programme or other."), True),
    Column("status", _l("planned, active or ended (new rows: active).")),
    Column("name_nl", _l("Name in Dutch. At least one of the three name columns is required."), True),
    Column("name_de", _l("Name in German.")),
    Column("name_en", _l("Name in English.")),
    Column("acronym", _l("Short name, such as TECH.LAND.")),
    Column("aliases", _l("Other names and spellings, separated by semicolons.")),
    Column("description", _l("What the initiative does.")),
    Column("start_date", _l("2024-01-31 or 31-01-2024.")),
    Column("end_date", _l("Must not lie before the start date.")),
    Column("dates_estimated", _l("yes or no.")),
    Column("regions", _l("NUTS codes or Euregio areas, such as NL213, DEA34, EUREGIO.")),
    Column("advice_codes", _l("SER themes and recommendations, such as 2, 3a.")),
    Column("website", _l("Starts with https://.")),
    Column("source", _l("Where the information comes from.")),
    Column("lead", _l("Lead organisation(s); write “Name (NL)” to add an organisation the hub does not know.")),
    Column("partners", _l("Partner organisations separated by semicolons, written like the lead.")),
    Column("funder", _l("Funder of each funding stream, separated by semicolons, written like the lead.")),
    Column("funding_kind", _l("temporary or structural, one per funder (default temporary).")),
    Column("amount", _l("Amount per funder: 1.250.000,00 and 1,250,000.00 both work.")),
    Column("currency", _l("Three letters per funder (default EUR).")),
    Column("funding_start", _l("Start date per funder; required with a funder.")),
    Column("funding_end", _l("End date per funder; empty means open-ended.")),
)
TEMPLATE_NAMES = tuple(c.name for c in TEMPLATE_COLUMNS)
_NAME_COLUMNS = ("name_nl", "name_de", "name_en")
_FUNDING_COLUMNS = ("funder", "funding_kind", "amount", "currency", "funding_start", "funding_end")
_TEXT_LIMITS = {"name_nl": 250, "name_de": 250, "name_en": 250, "acronym": 60, "website": 500,
                "description": None, "source": None}


def _bounded(limit: int | None) -> Any:
    def handle(row: ParsedRow, column: str, value: Any) -> None:
        result = text(value)
        if limit is not None and len(result) > limit:
            row.errors.append((column, _("Longer than %(n)d characters.", n=limit)))
            result = ""
        row.fields[column] = result
    return handle


def _kind(row: ParsedRow, column: str, value: Any) -> None:
    if kind := code_text(value):
        row.fields["kind"] = kind
    else:
        row.errors.append((column, _("Give the kind of initiative.")))


def _status(row: ParsedRow, column: str, value: Any) -> None:
    if status := code_text(value):
        row.fields["status"] = status


def _date(row: ParsedRow, column: str, value: Any) -> None:
    row.fields[column] = row.read(column, parse_date, value)


def _flag(row: ParsedRow, column: str, value: Any) -> None:
    row.fields[column] = bool(row.read(column, parse_bool, value))


def _names(row: ParsedRow, column: str, value: Any) -> None:
    row.fields[column] = split_list(value)


def _codes(row: ParsedRow, column: str, value: Any) -> None:
    row.fields[column] = split_list(value, commas=True)


def _external_id(row: ParsedRow, column: str, value: Any) -> None:
    row.external_id = row.read(column, bounded_text(120), value) or None


def _programme(row: ParsedRow, column: str, value: Any) -> None:
    row.programme = row.read(column, bounded_text(250), value) or ""


def _organisations(role: str) -> Any:
    def handle(row: ParsedRow, column: str, value: Any) -> None:
        row.roles.extend((OrgRef.parse(name, OrganisationType.OTHER), role) for name in split_list(value))
    return handle


# How each template column (funding aside) is read into a ParsedRow.
_CELL_HANDLERS = {
    **{column: _bounded(limit) for column, limit in _TEXT_LIMITS.items()},
    "kind": _kind, "status": _status, "start_date": _date, "end_date": _date, "dates_estimated": _flag,
    "aliases": _names, "regions": _codes, "advice_codes": _codes, "external_id": _external_id,
    "programme": _programme, "lead": _organisations("lead"), "partners": _organisations("partner"),
}


class TemplateShape:
    """Rows in the hub's template. Columns the file lacks leave those fields of existing initiatives alone."""

    name = TEMPLATE
    source = "import"
    programme_name_field = "name_nl"
    # Where a service's field error shows up in the file.
    initiative_columns = {"parent_id": "programme"}
    role_columns = {"lead": "lead", "partner": "partners"}
    funding_columns = {"funder_id": "funder", "kind": "funding_kind", "start_date": "funding_start",
                       "end_date": "funding_end", "amount": "amount", "currency": "currency",
                       "cofinancing_share": "amount"}

    def __init__(self, headers: list[str]) -> None:
        missing = [] if "kind" in headers else ["kind"]
        if not any(h in headers for h in _NAME_COLUMNS):
            missing.append(" / ".join(_NAME_COLUMNS))
        if missing:
            raise FileRejected(_("Required columns are missing: %(columns)s.", columns=", ".join(missing)))
        self.present = [h for h in headers if h in TEMPLATE_NAMES]
        self.ignored = [h for h in headers if h and h not in TEMPLATE_NAMES]
        self.handlers = [(h, _CELL_HANDLERS[h]) for h in self.present if h in _CELL_HANDLERS]
        self.has_funding = any(c in self.present for c in _FUNDING_COLUMNS)
        self.funding_readers = [r for r in _FUNDING_READERS if r[0] in self.present]

    def parse(self, line: int, cells: dict[str, Any]) -> ParsedRow:
        row = ParsedRow(line, {})
        for column, handle in self.handlers:
            handle(row, column, cells.get(column))
        if self.has_funding:
            row.streams = self._streams(row, cells)
        return row

    def _streams(self, row: ParsedRow, cells: dict[str, Any]) -> list[StreamSpec]:
        funders = split_list(cells.get("funder"))
        if not funders:
            if any(text(cells.get(column)) for column, _field, _reader in self.funding_readers):
                row.errors.append(("funder", _("Name the funder of this funding.")))
            return []
        count = len(funders)
        specs = [StreamSpec(OrgRef.parse(funder, OrganisationType.FUNDER), {}) for funder in funders]
        for column, field_name, reader in self.funding_readers:
            values = split_parallel(cells.get(column)) or [""]
            if len(values) == 1:
                values *= count
            elif len(values) != count:
                row.errors.append((column, _("Give one value, or one per funder (%(n)d).", n=count)))
                continue
            for spec, raw in zip(specs, values):
                if raw or reader not in _KEEP_WHEN_EMPTY:
                    spec.fields[field_name] = row.read(column, reader, raw)
        return specs


def _code(raw: str) -> str:
    return code_text(raw)


def _currency(raw: str) -> str:
    return raw.upper()


# An empty kind or currency keeps the default (or the stream's current one); other empty cells clear.
_KEEP_WHEN_EMPTY = {_code, _currency}
# Funding columns: (column, FundingInput field, reader of one ";"-separated value).
_FUNDING_READERS = (("funding_kind", "kind", _code), ("amount", "amount", parse_decimal),
                    ("currency", "currency", _currency), ("funding_start", "start_date", parse_date),
                    ("funding_end", "end_date", parse_date))


# keep.eu project exports: accepted spellings of each column, after ``normalise_header``.
KEEPEU_COLUMNS: dict[str, tuple[str, ...]] = {
    "programme": ("programme", "programme_name", "program", "program_name"),
    "acronym": ("project_acronym", "acronym"),
    "name": ("project_name", "project_name_in_english", "project_title", "name"),
    "description": ("project_description", "description_in_english", "description", "project_summary", "summary"),
    "start_date": ("project_start_date", "start_date"),
    "end_date": ("project_end_date", "end_date"),
    "total_budget": ("total_budget", "project_total_budget", "total_eligible_budget", "project_budget"),
    "eu_contribution": ("eu_contribution", "erdf_contribution", "erdf", "eu_co_financing", "eu_cofinancing",
                        "eu_funding"),
    "partners": ("partners", "project_partners", "partner_list"),
    "lead_partner": ("lead_partner", "project_lead_partner"),
    "external_id": ("project_id", "keep_id", "id"),
}
_KEEPEU_REQUIRED = ("programme", "acronym", "name")


def looks_like_keepeu(headers: list[str]) -> bool:
    return any(h in KEEPEU_COLUMNS["acronym"] for h in headers) and "kind" not in headers


class KeepEuShape:
    """keep.eu project rows: each project becomes an Interreg project under its programme, its EU contribution a
    funding stream from the programme's funder organisation, its partners organisations with partner roles."""

    name = KEEPEU
    source = "keep.eu"
    programme_name_field = "name_en"

    def __init__(self, headers: list[str]) -> None:
        self.columns = {
            key: next(h for h in headers if h in aliases)
            for key, aliases in KEEPEU_COLUMNS.items() if any(h in aliases for h in headers)
        }
        missing = [KEEPEU_COLUMNS[key][0] for key in _KEEPEU_REQUIRED if key not in self.columns]
        if missing:
            raise FileRejected(_("Required columns are missing: %(columns)s.", columns=", ".join(missing)))
        self.role_columns = {"lead": self.columns.get("lead_partner", ""), "partner": self.columns.get("partners", "")}
        used = set(self.columns.values())
        self.ignored = [h for h in headers if h and h not in used]
        self.initiative_columns = {"name_en": self.columns["name"], "name_nl": self.columns["name"],
                                   "parent_id": self.columns["programme"]}
        for key in ("acronym", "description", "start_date", "end_date"):
            if key in self.columns:
                self.initiative_columns[key] = self.columns[key]
        amount_column = self.columns.get("eu_contribution", self.columns["acronym"])
        self.funding_columns = {"funder_id": self.columns["programme"], "amount": amount_column,
                                "cofinancing_share": self.columns.get("total_budget", amount_column),
                                "start_date": self.columns.get("start_date", amount_column),
                                "end_date": self.columns.get("end_date", amount_column)}

    def parse(self, line: int, cells: dict[str, Any]) -> ParsedRow:
        def cell(key: str) -> Any:
            return cells.get(self.columns[key]) if key in self.columns else None

        row = ParsedRow(line, {"kind": InitiativeKind.INTERREG_PROJECT.value})
        column = self.columns.get
        row.programme = row.read(column("programme"), bounded_text(250), cell("programme")) or ""
        row.fields["acronym"] = row.read(column("acronym"), bounded_text(60), cell("acronym"))
        row.fields["name_en"] = row.read(column("name"), bounded_text(250), cell("name"))
        if "description" in self.columns:
            row.fields["description"] = text(cell("description"))
        start = row.read(column("start_date", ""), parse_date, cell("start_date"))
        end = row.read(column("end_date", ""), parse_date, cell("end_date"))
        if "start_date" in self.columns:
            row.fields["start_date"] = start
        if "end_date" in self.columns:
            row.fields["end_date"] = end
        row.fields["status"] = _status_from_dates(start, end)
        if "external_id" in self.columns:
            row.external_id = row.read(column("external_id"), bounded_text(120), cell("external_id")) or None
        self._funding(row, cell, start, end)
        lead = [OrgRef.parse(name, OrganisationType.OTHER) for name in split_list(cell("lead_partner"))]
        row.roles = [(ref, "lead") for ref in lead]
        lead_names = {ref.name.casefold() for ref in lead}
        row.roles.extend((ref, "partner") for ref in (OrgRef.parse(n, OrganisationType.OTHER)
                                                      for n in split_list(cell("partners")))
                         if ref.name.casefold() not in lead_names)
        return row

    def _funding(self, row: ParsedRow, cell: Any, start: date | None, end: date | None) -> None:
        if "eu_contribution" not in self.columns:
            return
        row.streams = []
        eu = row.read(self.columns["eu_contribution"], parse_decimal, cell("eu_contribution"))
        total = row.read(self.columns.get("total_budget", ""), parse_decimal, cell("total_budget"))
        if eu is None:
            return
        share = None
        if total:
            if eu > total:
                row.errors.append((self.columns["eu_contribution"],
                                   _("The EU contribution is larger than the total budget.")))
            else:
                share = (eu / total * 100).quantize(Decimal("0.01"))
        row.streams.append(StreamSpec(None, {"kind": "temporary", "amount": eu, "start_date": start, "end_date": end,
                                             "cofinancing_share": share}))


def _status_from_dates(start: date | None, end: date | None) -> str:
    today = clock.today()
    if end is not None and end < today:
        return InitiativeStatus.ENDED.value
    if start is not None and start > today:
        return InitiativeStatus.PLANNED.value
    return InitiativeStatus.ACTIVE.value


Shape = TemplateShape | KeepEuShape


def shape_for(headers: list[str], wanted: str | None) -> Shape:
    """The shape the caller asked for, or the one the headers show."""
    if wanted == KEEPEU or (wanted is None and looks_like_keepeu(headers)):
        return KeepEuShape(headers)
    return TemplateShape(headers)
