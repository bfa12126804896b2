"""The two file shapes the importer reads: the hub's own column template and keep.eu project exports.

A shape turns one spreadsheet row into a ``ParsedRow``: the initiative fields the file sets, its key, its
funding and its partners, still as names. Matching them against the registry is the importer's job.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
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
from hub.regions import REGIONS
from hub.transfer.reading import (
    CellError,
    FileRejected,
    Sheet,
    normalise_header,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_percentage,
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
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (column, message): imported, but not whole
    brings: dict[str, int] = field(default_factory=dict)  # how many dates, amounts, partners, regions

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

    def warnings(self, labels: dict[str, str]) -> list[tuple[int, str, str]]:
        """The template has no column the registry cannot hold."""
        return []

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


# keep.eu exports: accepted spellings of each column, after ``normalise_header``; the first is keep.eu's own.
KEEPEU_COLUMNS: dict[str, tuple[str, ...]] = {
    "programme": ("programme", "programme_name", "program", "program_name"),
    "acronym": ("project_acronym", "acronym"),
    "name": ("project_name_in_english", "project_name", "project_title", "name"),
    "description": ("description_in_english", "project_description", "description", "project_summary", "summary"),
    "achievements": ("expected_achievements_in_english",),
    "start_date": ("project_start", "project_start_date", "start_date"),
    "end_date": ("project_end", "project_end_date", "end_date"),
    "total_budget": ("project's_total_budget_/_expenditure", "total_budget", "project_total_budget",
                     "total_eligible_budget", "project_budget"),
    "eu_contribution": ("project's_eu_funding", "eu_contribution", "erdf_contribution", "erdf", "eu_co_financing",
                        "eu_cofinancing", "eu_funding"),
    "cofinancing_rate": ("union_co_financing_rate", "co_financing_rate", "eu_co_financing_rate"),
    "website": ("website", "project_website"),
    "partners": ("partners", "project_partners", "partner_list"),
    "lead_partner": ("lead_partner", "project_lead_partner"),
    "external_id": ("project_id_(2021_2027_only)", "project_id", "keep_id", "id"),
}
_KEEPEU_REQUIRED = ("programme", "acronym", "name")
_KEEPEU_ALIASES = ("project_name_in_language_2", "project_name_in_language_3", "project_name_in_language_4")
# The partners sheet of a keep.eu workbook.
PARTNER_COLUMNS: dict[str, tuple[str, ...]] = {
    "programme": KEEPEU_COLUMNS["programme"],
    "external_id": KEEPEU_COLUMNS["external_id"],
    "acronym": KEEPEU_COLUMNS["acronym"],
    "name": ("organisation_in_english", "organisation", "partner"),
    "lead": ("lead_partner",),
    "country": ("country_code", "country"),
    "nuts3": ("nuts3_code_(or_equivalent)", "nuts3_code", "nuts3"),
    "nuts2": ("nuts2_code_(or_equivalent)", "nuts2_code", "nuts2"),
}
_PARTNER_OTHER_NAMES = ("organisation_in_language_2", "organisation_in_language_3", "organisation_in_language_4")
# Columns keep.eu fills with meaning the registry has no place for: each is named in the preview as a warning.
_KEEPEU_UNUSED = ("description_in_language_2", "description_in_language_3", "description_in_language_4",
                  "theme_1", "theme_2", "theme_3")
_PARTNER_UNUSED = ("erdf_contribution_(2014_2020_only)", "partner's_programme_co_financing_(eur)_(2021_2027_only)",
                   "partner's_total_eligible_budget_/_expenditure", "type_of_organisation",
                   "participant_identification_code", "town", "website")
_NOT_AVAILABLE = {"n.a.", "n.a", "n/a"}
_KEEPEU_COUNTRIES = {"EL": "GR", "UK": "GB"}  # keep.eu writes EU country codes, not ISO ones


def looks_like_keepeu(headers: list[str]) -> bool:
    return any(h in KEEPEU_COLUMNS["acronym"] for h in headers) and "kind" not in headers


def _present(value: Any) -> Any:
    """keep.eu writes “N.a.” where a value is missing."""
    if value.__class__ is str and value.strip().casefold() in _NOT_AVAILABLE:
        return None
    return value


def _columns(headers: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {key: next(h for h in headers if h in names) for key, names in aliases.items()
            if any(h in names for h in headers)}


def _project_key(programme: Any, project_id: Any, acronym: Any, name: Any = None) -> tuple[str, ...]:
    """How keep.eu's sheets refer to one project: programme + project id (2021-2027), else programme + acronym,
    else programme + English name."""
    for kind, value in (("id", project_id), ("acronym", acronym), ("name", name)):
        if found := text(_present(value)):
            return (fold(text(_present(programme))), kind, fold(found))
    return ()


class KeepEuShape:
    """keep.eu project rows: each project becomes an Interreg project under its programme, its EU funding a funding
    stream from the programme's funder organisation (its total budget kept with it), its partners organisations with
    lead and partner roles, and their NUTS codes its regions. A workbook brings the partners on a sheet of their own."""

    name = KEEPEU
    source = "keep.eu"
    programme_name_field = "name_en"

    def __init__(self, headers: list[str], partners: Sheet | None = None) -> None:
        self.columns = _columns(headers, KEEPEU_COLUMNS)
        missing = [KEEPEU_COLUMNS[key][0] for key in _KEEPEU_REQUIRED if key not in self.columns]
        if missing:
            raise FileRejected(_("Required columns are missing: %(columns)s.", columns=", ".join(missing)))
        self.aliases = [h for h in headers if h in _KEEPEU_ALIASES]
        self.partner_sheet = partners
        self.partner_columns = _columns(partners.headers, PARTNER_COLUMNS) if partners else {}
        if partners is not None and "name" not in self.partner_columns:
            raise FileRejected(_("Required columns are missing: %(columns)s.", columns=PARTNER_COLUMNS["name"][0]))
        self.partners_of: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for line, cells in partners.rows if partners else ():
            column = self.partner_columns.get
            key = _project_key(cells.get(column("programme", "")), cells.get(column("external_id", "")),
                               cells.get(column("acronym", "")))
            self.partners_of[key].append((line, cells))
        self.role_columns = {"lead": self.columns.get("lead_partner", self.partner_columns.get("lead", "")),
                             "partner": self.columns.get("partners", self.partner_columns.get("name", ""))}
        used = {*self.columns.values(), *self.aliases}
        self.unused = [h for h in headers if h in _KEEPEU_UNUSED]
        if partners is not None:
            self.unused += [h for h in partners.headers if h in _PARTNER_UNUSED]
        self.ignored = [h for h in headers if h and h not in used and h not in _KEEPEU_UNUSED]
        self.initiative_columns = {"name_en": self.columns["name"], "name_nl": self.columns["name"],
                                   "parent_id": self.columns["programme"],
                                   "regions": self.partner_columns.get("nuts3", "")}
        for key in ("acronym", "description", "start_date", "end_date", "website"):
            if key in self.columns:
                self.initiative_columns[key] = self.columns[key]
        amount_column = self.columns.get("eu_contribution", self.columns.get("total_budget", self.columns["acronym"]))
        self.funding_columns = {"funder_id": self.columns["programme"], "amount": amount_column,
                                "cofinancing_share": self.columns.get("cofinancing_rate",
                                                                      self.columns.get("total_budget", amount_column)),
                                "start_date": self.columns.get("start_date", amount_column),
                                "end_date": self.columns.get("end_date", amount_column)}
        self.claimed: set[tuple[str, ...]] = set()

    def parse(self, line: int, cells: dict[str, Any]) -> ParsedRow:
        def cell(key: str) -> Any:
            return _present(cells.get(self.columns[key])) if key in self.columns else None

        row = ParsedRow(line, {"kind": InitiativeKind.INTERREG_PROJECT.value})
        column = self.columns.get
        row.programme = row.read(column("programme"), bounded_text(250), cell("programme")) or ""
        row.fields["acronym"] = row.read(column("acronym"), bounded_text(60), cell("acronym"))
        row.fields["name_en"] = row.read(column("name"), bounded_text(250), cell("name"))
        if self.aliases:
            row.fields["aliases"] = list(dict.fromkeys(
                name for name in (text(_present(cells.get(h))) for h in self.aliases) if name))
        if "description" in self.columns or "achievements" in self.columns:
            row.fields["description"] = "\n\n".join(t for t in (text(cell("description")), text(cell("achievements")))
                                                     if t)
        if "website" in self.columns:
            row.fields["website"] = row.read(column("website"), bounded_text(500), cell("website")) or ""
        start = row.read(column("start_date", ""), parse_date, cell("start_date"))
        end = row.read(column("end_date", ""), parse_date, cell("end_date"))
        if "start_date" in self.columns:
            row.fields["start_date"] = start
        if "end_date" in self.columns:
            row.fields["end_date"] = end
        row.brings["dates"] = (start is not None) + (end is not None)
        row.fields["status"] = _status_from_dates(start, end)
        if "external_id" in self.columns:
            row.external_id = row.read(column("external_id"), bounded_text(120), cell("external_id")) or None
        self._funding(row, cell, start, end)
        if self.partner_sheet is not None:
            self._partners_from_sheet(row, _project_key(row.programme, row.external_id, row.fields["acronym"],
                                                        row.fields["name_en"]))
        else:
            lead = [OrgRef.parse(name, OrganisationType.OTHER) for name in split_list(cell("lead_partner"))]
            row.roles = [(ref, "lead") for ref in lead]
            lead_names = {ref.name.casefold() for ref in lead}
            row.roles.extend((ref, "partner") for ref in (OrgRef.parse(n, OrganisationType.OTHER)
                                                          for n in split_list(cell("partners")))
                             if ref.name.casefold() not in lead_names)
        row.brings["partners"] = len(row.roles)
        return row

    def _partners_from_sheet(self, row: ParsedRow, key: tuple[str, ...]) -> None:
        """The project's rows on the partners sheet: organisations with their roles, and NUTS codes as regions."""
        column = self.partner_columns.get
        regions: list[str] = []
        outside: list[str] = []
        self.claimed.add(key)
        for line, cells in self.partners_of.get(key, []):
            def cell(name: str, cells: dict[str, Any] = cells) -> Any:
                return _present(cells.get(column(name, "")))

            name = text(cell("name")) or next(
                (text(_present(cells.get(h))) for h in _PARTNER_OTHER_NAMES if text(_present(cells.get(h)))), "")
            if not name:
                row.errors.append((column("name", ""), _("Line %(line)d of the partners sheet names no organisation.",
                                                         line=line)))
                continue
            country = text(cell("country")).upper()
            ref = OrgRef(name, name, _KEEPEU_COUNTRIES.get(country, country) or None, OrganisationType.OTHER.value)
            lead = row.read(column("lead", ""), parse_bool, cell("lead"))
            row.roles.append((ref, "lead" if lead else "partner"))
            codes = [text(cell("nuts3")).upper(), text(cell("nuts2")).upper()]
            known = next((code for code in codes if code in REGIONS), None)
            if known:
                regions.append(known)
            elif codes[0] or codes[1]:
                outside.append(codes[0] or codes[1])
        if self.partner_columns.get("nuts3") or self.partner_columns.get("nuts2"):
            row.fields["regions"] = list(dict.fromkeys(regions))
            row.brings["regions"] = len(row.fields["regions"])
        if outside:
            row.warnings.append((column("nuts3", ""), _("Regions outside the hub's area were left out: %(codes)s.",
                                                        codes=", ".join(dict.fromkeys(outside)))))

    def warnings(self, labels: dict[str, str]) -> list[tuple[int, str, str]]:
        """Whole-file warnings: meaningful columns the registry cannot hold, and partners of no project in the file."""
        found = [(0, labels.get(h, h), _("This column is not imported: the registry has no place for it."))
                 for h in self.unused]
        for key, rows in self.partners_of.items():
            if key not in self.claimed:
                found.extend((line, self.partner_columns.get("acronym", ""),
                              _("This partner (partners sheet) belongs to no project in the file."))
                             for line, _cells in rows)
        return found

    def _funding(self, row: ParsedRow, cell: Any, start: date | None, end: date | None) -> None:
        """The EU funding as a stream from the programme's funder; the total budget is kept in the stream (as its
        note, and as the co-financing share when keep.eu gives no rate), never dropped."""
        if "eu_contribution" not in self.columns and "total_budget" not in self.columns:
            return
        row.streams = []
        eu = row.read(self.columns.get("eu_contribution", ""), parse_decimal, cell("eu_contribution"))
        total = row.read(self.columns.get("total_budget", ""), parse_decimal, cell("total_budget"))
        rate = row.read(self.columns.get("cofinancing_rate", ""), parse_percentage, cell("cofinancing_rate"))
        row.brings["amounts"] = (eu is not None) + (total is not None)
        if eu is None and total is None:
            return
        share = rate
        if eu is not None and total:
            if eu > total:
                row.errors.append((self.columns["eu_contribution"],
                                   _("The EU contribution is larger than the total budget.")))
            elif share is None:
                share = (eu / total * 100).quantize(Decimal("0.01"))
        note = f"Total budget / expenditure (keep.eu): {total:.2f} EUR" if total is not None else ""
        row.streams.append(StreamSpec(None, {"kind": "temporary", "amount": eu, "start_date": start, "end_date": end,
                                             "cofinancing_share": share, "note": note}))


def _status_from_dates(start: date | None, end: date | None) -> str:
    today = clock.today()
    if end is not None and end < today:
        return InitiativeStatus.ENDED.value
    if start is not None and start > today:
        return InitiativeStatus.PLANNED.value
    return InitiativeStatus.ACTIVE.value


Shape = TemplateShape | KeepEuShape


def shape_for(headers: list[str], wanted: str | None, partners: Sheet | None = None) -> Shape:
    """The shape the caller asked for, or the one the headers show."""
    if wanted == KEEPEU or (wanted is None and looks_like_keepeu(headers)):
        return KeepEuShape(headers, partners)
    return TemplateShape(headers)
