"""Issue 10 item 8, imports and memory: hostile files are refused from their declared sizes, before they are read."""
from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy.orm import Session

from hub.app import create_app
from hub.transfer import reading
from hub.transfer.reading import FileRejected
from hub.transfer.service import read_file
from tests.conftest import HubClient, Users
from tests.test_transfer_support import counts, xlsx_bytes


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "test", "TESTING": True,
                       "INSTANCE_PATH": str(tmp_path_factory.mktemp("plain"))})


def _refusal(app: Flask, data: bytes) -> str:
    with app.app_context(), pytest.raises(FileRejected) as caught:
        read_file(data)
    return caught.value.message


def _with_sheet_xml(workbook: bytes, sheet_xml: bytes) -> bytes:
    """The workbook with its first sheet's XML replaced (packed as tightly as zlib packs it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for part in source.infolist():
            body = sheet_xml if part.filename == "xl/worksheets/sheet1.xml" else source.read(part)
            target.writestr(part.filename, body)
    return out.getvalue()


def _one_huge_cell(megabytes: int) -> bytes:
    """A few kilobytes on disk whose single cell unpacks to ``megabytes`` MB: the zip bomb of the issue, smaller."""
    return _workbook_with_name(b"A" * (megabytes * 1024 * 1024))


def _workbook_with_name(cell: bytes) -> bytes:
    """A workbook written by hand, as a hostile one would be (openpyxl itself cuts long cells short)."""
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c>'
           b'<c r="B1" t="inlineStr"><is><t>name_nl</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>'
           b'other</t></is></c><c r="B2" t="inlineStr"><is><t>' + cell + b"</t></is></c></row></sheetData></worksheet>")
    return _with_sheet_xml(xlsx_bytes([["kind", "name_nl"], ["other", "x"]]), xml)


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(plain_app: Flask) -> None:
    bomb = _one_huge_cell(40)
    assert len(bomb) < 200 * 1024
    tracemalloc.start()
    try:
        message = _refusal(plain_app, bomb)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message.startswith("Part xl/worksheets/sheet1.xml of the workbook unpacks to ")
    assert "at most 100 times is accepted" in message
    assert peak < 5 * 1024 * 1024  # the 40 MB cell was never read


def test_a_workbook_that_unpacks_too_large_is_refused(plain_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    workbook = _one_huge_cell(3)
    monkeypatch.setattr(reading, "MAX_PACKING_RATIO", 10_000)
    loaded: list[bool] = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: loaded.append(True))
    assert _refusal(plain_app, workbook) == "The file unpacks to more than 2 MB; split it into smaller files."
    assert not loaded  # refused from the declared sizes; openpyxl never opened it


def test_a_csv_above_the_size_limit_is_refused(plain_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1024 * 1024)
    data = b"kind,name_nl\n" + b"other,x\n" * 200_000
    assert _refusal(plain_app, data) == "The file unpacks to more than 1 MB; split it into smaller files."


@pytest.mark.parametrize("container", ["csv", "xlsx"])
def test_a_cell_longer_than_a_spreadsheet_allows_is_refused(plain_app: Flask, container: str) -> None:
    cell = b"x" * 40_000
    data = b"kind,name_nl\nother," + cell + b"\n" if container == "csv" else _workbook_with_name(cell)
    assert _refusal(plain_app, data) == ("Line 2, column “name_nl” holds more than 32767 characters, "
                                         "the most a cell may hold.")


def test_a_csv_cell_beyond_the_csv_modules_own_limit_gets_the_same_message(plain_app: Flask) -> None:
    data = b"kind,name_nl,description\nother,Kort," + b"x" * 200_000 + b"\n"
    assert _refusal(plain_app, data) == "A cell holds more than 32767 characters, the most a cell may hold."


def test_too_many_columns_are_refused_and_counting_them_is_linear(plain_app: Flask) -> None:
    header = ",".join(["kind", "name_nl", *(f"extra{i}" for i in range(60_000))]).encode()
    data = header + b"\nother,Iets\n"
    assert _refusal(plain_app, data) == "The file has 60002 columns; at most 200 are accepted."


def test_too_many_filled_cells_are_refused(plain_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_CELLS", 5)
    data = b"kind,name_nl\nother,a\nother,b\nother,c\n"
    assert _refusal(plain_app, data) == "The file has more than 5 filled cells; split it into smaller files."


def test_a_refused_upload_says_why_and_writes_nothing(client: HubClient, users: Users, db: Session) -> None:
    client.login(users.manager.email)
    before = counts(db)
    response = client.submit("/transfer/import", {"file": (io.BytesIO(_one_huge_cell(5)), "bom.xlsx"), "format": ""},
                             content_type="multipart/form-data")
    assert response.status_code == 422
    assert "unpacks to 9" in response.get_data(as_text=True)
    assert counts(db) == before


@pytest.mark.parametrize(("locale", "words"), [("nl", "kolommen; er worden er hoogstens 200 aangenomen"),
                                               ("de", "Spalten; höchstens 200 werden angenommen")])
def test_limits_are_named_in_the_users_language(plain_app: Flask, locale: str, words: str) -> None:
    header = ",".join(f"c{i}" for i in range(300)).encode()
    with plain_app.test_request_context(), force_locale(locale), pytest.raises(FileRejected) as caught:
        read_file(header + b"\n1\n")
    assert words in caught.value.message
