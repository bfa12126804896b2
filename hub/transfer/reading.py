"""Reading uploaded spreadsheets into rows of cells, and reading cells into dates, amounts, flags and lists.

Whole-file problems (wrong type, wrong encoding, empty) raise ``FileRejected``; a cell that cannot be read
raises ``CellError``, which the importer turns into an error on that line and column.
"""
from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from hub.errors import DomainError
from hub.money import AmountError, parse_amount, parse_share

CSV, XLSX = "csv", "xlsx"
# Limits checked before (or, for rows and cells, while) a file is read, so that memory stays proportional to
# what a real registry file needs: a small hostile upload must not unpack into gigabytes.
MAX_ROWS = 250_000
MAX_COLUMNS = 200
MAX_CELLS = 10_000_000  # filled cells in the whole file
MAX_CELL_CHARS = 32_767  # what Excel itself allows in one cell
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # a CSV's size, or what an XLSX's parts declare they unpack to
MAX_PACKING_RATIO = 100  # unpacked / packed size of one part of an XLSX (zip bomb)
_RATIO_FLOOR = 1024 * 1024  # parts smaller than this may pack as tightly as they like
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
    """The header names (normalised) and the data rows, each with its line number as a spreadsheet shows it.

    A row holds only its filled cells: ``row.get(column)`` is None for an empty one."""

    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    labels: dict[str, str]  # normalised header -> the header as the file writes it, for messages


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


@dataclass
class Workbook:
    """What the importer reads: the rows to import and, from a keep.eu workbook, its sheet of project partners."""

    main: Sheet
    partners: Sheet | None = None


def read_sheet(data: bytes, container: str) -> Workbook:
    book = _read_xlsx(data) if container == XLSX else Workbook(_read_csv(data))
    if _is_partner_sheet(set(book.main.headers)):
        raise FileRejected(_("This is the partners sheet of a keep.eu export on its own: upload the whole workbook "
                             "(projects and partners), or the projects sheet."))
    if not book.main.rows:
        raise FileRejected(_("The file has column names but no rows to import."))
    return book


def _is_partner_sheet(headers: set[str]) -> bool:
    return "organisation_in_english" in headers or {"lead_partner", "country_code"} <= headers


def _is_project_sheet(headers: set[str]) -> bool:
    return "project_acronym" in headers and "programme" in headers and not _is_partner_sheet(headers)


class _Rows:
    """Collects the rows of a file whose header has been checked, refusing it as soon as a limit is passed."""

    def __init__(self, raw_headers: list[Any]) -> None:
        while raw_headers and (raw_headers[-1] is None or not str(raw_headers[-1]).strip()):
            raw_headers.pop()  # a spreadsheet may pad its first line with empty cells
        if len(raw_headers) > MAX_COLUMNS:
            raise FileRejected(_("The file has %(count)d columns; at most %(n)d are accepted.",
                                 count=len(raw_headers), n=MAX_COLUMNS))
        self.headers = [normalise_header(h) for h in raw_headers]
        if not any(self.headers):
            raise FileRejected(_("The first line must hold the column names."))
        self.labels = {h: str(raw).strip() for h, raw in zip(self.headers, raw_headers) if h}
        counted = Counter(h for h in self.headers if h)
        if twice := sorted(self.labels[h] for h, n in counted.items() if n > 1):
            raise FileRejected(_("These columns appear more than once: %(columns)s.", columns=", ".join(twice)))
        self.rows: list[tuple[int, dict[str, Any]]] = []
        self.cells = 0

    def add(self, line: int, cells: Sequence[Any]) -> None:
        """Keeps a row's filled cells under their headers; a cell beyond the last header is ignored."""
        row = {h: c for h, c in zip(self.headers, cells) if h and c is not None and c != ""}
        if not any(value.__class__ is not str or value.strip() for value in row.values()):
            return  # an empty (or blank) line
        for header, value in row.items():
            if value.__class__ is str and len(value) > MAX_CELL_CHARS:
                raise _cell_too_long(line, self.labels[header])
        self.rows.append((line, row))
        self.cells += len(row)
        if len(self.rows) > MAX_ROWS:
            raise FileRejected(_("The file has more than %(n)d rows; split it into smaller files.", n=MAX_ROWS))
        if self.cells > MAX_CELLS:
            raise FileRejected(_("The file has more than %(n)d filled cells; split it into smaller files.",
                                 n=MAX_CELLS))

    def sheet(self) -> Sheet:
        return Sheet(self.headers, self.rows, self.labels)


def _cell_too_long(line: int | None, column: str | None) -> FileRejected:
    if line is None or column is None:
        return FileRejected(_("A cell holds more than %(n)d characters, the most a cell may hold.",
                              n=MAX_CELL_CHARS))
    return FileRejected(_("Line %(line)d, column “%(column)s” holds more than %(n)d characters, the most a cell "
                          "may hold.", line=line, column=column, n=MAX_CELL_CHARS))


def _too_big() -> FileRejected:
    return FileRejected(_("The file unpacks to more than %(mb)d MB; split it into smaller files.",
                          mb=MAX_UNPACKED_BYTES // (1024 * 1024)))


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
    if len(data) > MAX_UNPACKED_BYTES:
        raise _too_big()
    text = decode(data)
    first_line = text[:text.find("\n")] if "\n" in text else text
    # Dutch and German spreadsheet programs separate with semicolons; take the separator the header uses most.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = _Rows(next(reader, []))
        line = reader.line_num + 1
        for cells in reader:
            rows.add(line, cells)
            line = reader.line_num + 1
    except csv.Error as error:
        if "field limit" in str(error):  # the csv module's own bound on a cell, above ours
            raise _cell_too_long(reader.line_num, None) from None
        raise FileRejected(_("The CSV file is malformed near line %(line)d: %(reason)s.", line=reader.line_num,
                             reason=str(error))) from None
    return rows.sheet()


def _check_packing(data: bytes) -> None:
    """Refuse a zip bomb from the sizes its parts declare, before anything is unpacked. (Python's zip reader
    stops at the declared size, so a part cannot unpack to more than it declares.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRejected(_("This is not a readable XLSX workbook.")) from None
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise _too_big()
    for part in parts:
        if part.file_size > _RATIO_FLOOR and part.file_size > MAX_PACKING_RATIO * max(part.compress_size, 1):
            raise FileRejected(_("Part %(part)s of the workbook unpacks to %(ratio)d times its packed size; at most "
                                 "%(n)d times is accepted. Save the workbook again from your spreadsheet program.",
                                 part=part.filename, ratio=part.file_size // max(part.compress_size, 1),
                                 n=MAX_PACKING_RATIO))


def _read_xlsx(data: bytes) -> Workbook:
    """The first sheet; or, in a keep.eu export (search criteria, projects, partners), its projects and partners."""
    from openpyxl import load_workbook

    _check_packing(data)
    # openpyxl reports a broken or foreign zip file with many exception types (KeyError, ValueError, its own...).
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            firsts = [list(next(ws.iter_rows(max_row=1, values_only=True), ())) for ws in workbook.worksheets]
            named = [{normalise_header(h) for h in first} for first in firsts]
            projects = next((i for i, headers in enumerate(named) if _is_project_sheet(headers)), 0)
            partners = next((i for i, headers in enumerate(named) if _is_partner_sheet(headers)), None)
            book = Workbook(_read_worksheet(workbook.worksheets[projects], firsts[projects]))
            if partners is not None and partners != projects and _is_project_sheet(named[projects]):
                book.partners = _read_worksheet(workbook.worksheets[partners], firsts[partners])
        finally:
            workbook.close()
    except FileRejected:
        raise
    except Exception:  # noqa: BLE001 - see above; the user gets one clear message
        raise FileRejected(_("This is not a readable XLSX workbook.")) from None
    return book


def _read_worksheet(sheet: Any, first: list[Any]) -> Sheet:
    rows = _Rows(first)
    # Only the columns that have a header: a sheet may claim thousands of (empty) columns.
    for line, cells in enumerate(sheet.iter_rows(min_row=2, max_col=len(rows.headers), values_only=True), start=2):
        rows.add(line, cells)
    return rows.sheet()


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


def parse_decimal(value: Any) -> Decimal | None:
    """An amount as ``hub.money`` reads it everywhere in the hub (1.234.567,50, 1,234,567.50, 1,2 mln, € 250k);
    an ambiguous one (1.500) is asked back as the cell's error."""
    try:
        return parse_amount(value)
    except AmountError as error:
        raise CellError(error.message) from None


def parse_percentage(value: Any) -> Decimal | None:
    """A share as ``hub.money`` reads it: "80%", "80 %", 80 or the fraction 0.8."""
    try:
        return parse_share(value)
    except AmountError as error:
        raise CellError(error.message) from None


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
