"""Reading uploaded spreadsheets into rows of cells, and reading cells into dates, amounts, flags and lists.

Whole-file problems (wrong type, wrong encoding, empty) raise ``FileRejected``; a cell that cannot be read
raises ``CellError``, which the importer turns into an error on that line and column.
"""
from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from hub.errors import DomainError

CSV, XLSX = "csv", "xlsx"
MAX_ROWS = 250_000
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)
# Spreadsheet programs run cells starting with these as formulas; exports prefix them with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_SET = frozenset(FORMULA_STARTS)


class FileRejected(DomainError):
    """The file as a whole cannot be imported (type, encoding, size, missing columns)."""

    status = 422
    code = "file_rejected"


class CellError(ValueError):
    """One cell cannot be read; the message (translated) says why."""


@dataclass
class Sheet:
    """The header names (normalised) and the data rows, each with its line number as a spreadsheet shows it."""

    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    labels: dict[str, str]  # normalised header -> the header as the file writes it, for messages


def _sheet(raw_headers: list[Any], rows: list[tuple[int, dict[str, Any]]]) -> Sheet:
    headers = [normalise_header(h) for h in raw_headers]
    return Sheet(headers, rows, {h: str(raw).strip() for h, raw in zip(headers, raw_headers) if h})


@functools.lru_cache(maxsize=1024)
def normalise_header(name: object) -> str:
    """"Project acronym", "project-acronym" and " PROJECT_ACRONYM " all become ``project_acronym``."""
    return re.sub(r"[\s_\-]+", "_", str(name or "").strip().casefold()).strip("_")


def container_of(data: bytes) -> str:
    """CSV or XLSX, told from the bytes themselves (file names and browsers' content types are not trusted)."""
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    if data.startswith(_OLE_MAGIC):
        raise FileRejected(_("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and try again."))
    if data.startswith(_ZIP_MAGIC):
        return XLSX
    if b"\x00" in data[:4096]:
        raise FileRejected(_("This is not a CSV or XLSX file."))
    return CSV


def read_sheet(data: bytes, container: str) -> Sheet:
    sheet = _read_xlsx(data) if container == XLSX else _read_csv(data)
    if not any(sheet.headers):
        raise FileRejected(_("The first line must hold the column names."))
    named = [h for h in sheet.headers if h]
    if twice := sorted({sheet.labels[h] for h in named if named.count(h) > 1}):
        raise FileRejected(_("These columns appear more than once: %(columns)s.", columns=", ".join(twice)))
    if not sheet.rows:
        raise FileRejected(_("The file has column names but no rows to import."))
    return sheet


def decode(data: bytes) -> str:
    """UTF-8 (with or without byte-order mark) first, then Windows-1252, which Excel on Windows writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRejected(
            _("The file is not UTF-8 or Windows-1252 text. Save it as “CSV UTF-8” and try again.")) from None


def _read_csv(data: bytes) -> Sheet:
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    # Dutch and German spreadsheet programs separate with semicolons; take the separator the header uses most.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_headers: list[Any] = next(reader, [])
        headers = [normalise_header(h) for h in raw_headers]
        rows: list[tuple[int, dict[str, Any]]] = []
        line = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((line, _row(headers, cells)))
                _check_size(rows)
            line = reader.line_num + 1
    except csv.Error as error:
        raise FileRejected(_("The CSV file is malformed near line %(line)d: %(reason)s.", line=reader.line_num,
                             reason=str(error))) from None
    return _sheet(raw_headers, rows)


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    # openpyxl reports a broken or foreign zip file with many exception types (KeyError, ValueError, its own...).
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            raw_headers = list(next(sheet.iter_rows(max_row=1, values_only=True), ()))
            headers = [normalise_header(h) for h in raw_headers]
            rows: list[tuple[int, dict[str, Any]]] = []
            # Only the columns that have a header: a sheet may claim thousands of (empty) columns.
            for line, cells in enumerate(sheet.iter_rows(min_row=2, max_col=max(len(headers), 1), values_only=True),
                                         start=2):
                if any(c is not None and str(c).strip() for c in cells):
                    rows.append((line, _row(headers, list(cells))))
                    _check_size(rows)
        finally:
            workbook.close()
    except FileRejected:
        raise
    except Exception:  # noqa: BLE001 - see above; the user gets one clear message
        raise FileRejected(_("This is not a readable XLSX workbook.")) from None
    return _sheet(raw_headers, rows)


def _check_size(rows: list[Any]) -> None:
    """A small compressed workbook can unpack to millions of rows; stop before memory runs out."""
    if len(rows) > MAX_ROWS:
        raise FileRejected(_("The file has more than %(n)d rows; split it into smaller files.", n=MAX_ROWS))


def _row(headers: list[str], cells: list[Any]) -> dict[str, Any]:
    """Cells by header; a cell beyond the last header is ignored, a missing one reads as empty."""
    return {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(headers) if h}


# --- cells -----------------------------------------------------------------------------------

def text(value: Any) -> str:
    """A cell as text: numbers typed into a spreadsheet ("2024") come back without ".0"; an apostrophe that an
    export put before a formula-like value is dropped again. Runs for every cell, so strings go first."""
    if value.__class__ is str:
        result = value.strip()
    elif value is None:
        return ""
    elif isinstance(value, float) and value.is_integer():
        return str(int(value))
    elif isinstance(value, datetime):
        return value.date().isoformat()
    elif isinstance(value, date):
        return value.isoformat()
    else:
        result = str(value).strip()
    if result[:1] == "'" and result[1:2] in _FORMULA_SET:
        return result[1:]
    return result


_DAY_FIRST = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T].*)?$")


def parse_date(value: Any) -> date | None:
    """ISO (2027-12-31), or day first as written in the Netherlands, Germany and Belgium (31-12-2027, 31.12.2027)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    return _date_from_text(raw) if raw else None


@functools.lru_cache(maxsize=8192)
def _date_from_text(raw: str) -> date:
    """Dates repeat down a column; each spelling is read once (only successes are remembered)."""
    if match := _YEAR_FIRST.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DAY_FIRST.match(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise CellError(_("“%(value)s” is not a date; write 2027-12-31 or 31-12-2027.", value=raw))
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s” is not an existing date.", value=raw)) from None


_GROUPED = re.compile(r"^[1-9]\d{0,2}([.,])\d{3}(\1\d{3})*$")


def parse_decimal(value: Any) -> Decimal | None:
    """Amounts in Dutch/German (1.234.567,50) or English (1,234,567.50) notation, with or without € and spaces.

    With one kind of separator, a separator followed by exactly three digits groups thousands (1.500 and
    1,500 are both fifteen hundred); otherwise it is the decimal separator (1,5 and 1.5).
    """
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.", value=value))
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    raw = text(value)
    if not raw:
        return None
    cleaned = re.sub(r"[\s\u00a0\u202f'€]|EUR", "", raw, flags=re.IGNORECASE)
    negative = cleaned.startswith("-")
    cleaned = cleaned.removeprefix("-")
    if "," in cleaned and "." in cleaned:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        cleaned = cleaned.replace(group_sep, "").replace(decimal_sep, ".")
    elif _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "").replace(".", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
            raise InvalidOperation
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.", value=raw)) from None
    return -number if negative else number


_TRUE = {"1", "yes", "y", "ja", "j", "true", "waar", "wahr", "x"}
_FALSE = {"", "0", "no", "n", "nee", "nein", "false", "onwaar", "falsch"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("“%(value)s” is not yes or no.", value=text(value)))


_LIST_SEPARATORS = re.compile(r"[;\n]")
_CODE_SEPARATORS = re.compile(r"[;\n,]")


def split_list(value: Any, *, commas: bool = False) -> list[str]:
    """Entries separated by semicolons or line breaks (and commas, for codes); empty entries dropped."""
    raw = text(value)
    if not raw:
        return []
    return [part for part in map(str.strip, (_CODE_SEPARATORS if commas else _LIST_SEPARATORS).split(raw)) if part]


def split_parallel(value: Any) -> list[str]:
    """Semicolon-separated entries keeping empty ones, for columns whose n-th entry belongs to the n-th stream."""
    raw = text(value)
    return list(map(str.strip, raw.split(";"))) if raw else []
