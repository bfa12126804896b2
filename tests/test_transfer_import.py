"""Issue 6, import: all-or-nothing files with every bad row reported, idempotent re-imports, keep.eu exports."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.app import create_app
from hub.events.models import Event
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative, InitiativeKind, InitiativeStatus
from hub.initiatives.service import InitiativeInput, create_initiative
from hub.stakeholders.models import InitiativeRole, Organisation
from hub.stakeholders.service import add_role
from hub.transfer.models import InitiativeExternalId
from hub.transfer.reading import CellError, FileRejected, parse_date, parse_decimal
from hub.transfer.service import plan_import, read_file, run_import
from tests.factories import organisation
from tests.test_transfer_support import counts, csv_rows, fixture_bytes, freeze, registry_snapshot, xlsx_bytes


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app without a database, for checks that never reach one (messages still need the app)."""
    return create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "test", "TESTING": True,
                       "INSTANCE_PATH": str(tmp_path_factory.mktemp("plain"))})


def _import(db: Session, data: bytes, name: str = "file.csv", fmt: str | None = None, dry_run: bool = False):
    plan = run_import(db, data, filename=name, fmt=fmt, dry_run=dry_run, actor_id=None)
    db.commit()
    return plan


# --- cells ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("1.250.000,00", Decimal("1250000.00")), ("1,250,000.00", Decimal("1250000.00")), ("€ 1.500,00", Decimal("1500")),
    ("1500", Decimal("1500")), ("1,5", Decimal("1.5")), ("1.5", Decimal("1.5")), ("750000", Decimal("750000")),
    ("0.500", Decimal("0.500")), ("2 400 000", Decimal("2400000")), (1440000.0, Decimal("1440000.0")), ("", None),
])
def test_amounts_in_dutch_german_and_english_notation(raw, expected) -> None:
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["twaalf", "1.2.3,4,5", "1,,5", "--5", "1,500", "€ 1.500", "-5", "nan"])
def test_unreadable_amounts_are_refused(raw) -> None:
    with pytest.raises(CellError):
        parse_decimal(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2027-12-31", date(2027, 12, 31)), ("31-12-2027", date(2027, 12, 31)), ("31.12.2027", date(2027, 12, 31)),
    ("1/3/2024", date(2024, 3, 1)), ("2024-03-01 00:00:00", date(2024, 3, 1)), (date(2024, 3, 1), date(2024, 3, 1)),
    ("", None),
])
def test_dates_iso_or_day_first(raw, expected) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31-02-2024", "12/31/2024", "next year"])
def test_impossible_dates_are_refused(raw) -> None:
    with pytest.raises(CellError):
        parse_date(raw)


# --- all or nothing ---------------------------------------------------------------------------

@pytest.mark.parametrize("container", ["csv", "xlsx"])
def test_file_with_three_bad_rows_writes_nothing_and_reports_each_with_its_line(db: Session, container: str) -> None:
    data = fixture_bytes("three_bad_rows.csv") if container == "csv" else xlsx_bytes(csv_rows("three_bad_rows.csv"))
    before = counts(db)

    plan = _import(db, data, f"three_bad_rows.{container}")

    assert not plan.ok
    assert [(e.line, e.column) for e in plan.errors] == [(3, "start_date"), (5, "end_date"), (6, "regions")]
    assert "31-02-2024" in plan.errors[0].message
    assert "XX99" in plan.errors[2].message
    assert counts(db) == before  # not even the good rows or the new funder organisation


def test_errors_name_the_problem_for_every_kind_of_bad_cell(db: Session) -> None:
    rows = [
        ["name_nl", "kind", "status", "start_date", "amount", "funder", "funding_start", "partners", "advice_codes"],
        ["", "partnership", "", "", "", "", "", "", ""],
        ["Onbekende soort", "werkgroep", "", "", "", "", "", "", ""],
        ["Bedrag zonder financier", "other", "", "", "12.000", "", "", "", ""],
        ["Onleesbaar bedrag", "other", "", "", "veel", "Provincie Overijssel (NL)", "2024-01-01", "", ""],
        ["Onbekende partner", "other", "", "", "", "", "", "Stichting Nergens", ""],
        ["Onbekend advies", "other", "", "", "", "", "", "", "9z"],
        ["Financiering zonder start", "other", "", "", "5000", "Provincie Overijssel (NL)", "", "", ""],
    ]
    plan = _import(db, xlsx_bytes(rows), "bad.xlsx")
    messages = {e.line: (e.column, e.message) for e in plan.errors}
    assert messages[2][0] == "name_nl" and "name" in messages[2][1]
    assert messages[3] == ("kind", "Unknown kind of initiative: werkgroep.")
    assert messages[4][0] == "funder"
    assert messages[5] == ("amount", "“veel” is not an amount; write for example 1.200.000,50 or 1,2 mln.")
    assert messages[6][0] == "partners" and "Stichting Nergens" in messages[6][1]
    assert messages[7][0] == "advice_codes" and "9z" in messages[7][1]
    assert messages[8][0] == "funding_start"
    assert counts(db)["Initiative"] == 0


def test_empty_funding_kind_and_currency_take_the_defaults(db: Session) -> None:
    data = (b"kind;name_nl;funder;funding_kind;amount;currency;funding_start;funding_end\n"
            b"other;Grenscaf\xc3\xa9;Gemeente Kerkrade (NL);;1.500,00;;1-5-2024;\n")
    assert _import(db, data).ok
    stream = db.scalar(select(FundingStream))
    assert stream is not None
    assert (stream.kind.value, stream.currency, stream.amount, stream.start_date, stream.end_date) == (
        "temporary", "EUR", Decimal("1500.00"), date(2024, 5, 1), None)


def test_two_rows_with_the_same_key_are_both_reported(db: Session) -> None:
    data = (b"external_id,kind,name_nl\nA-1,partnership,Eerste\nA-1,partnership,Tweede\n"
            b",partnership,Derde\n,other,derde\n")
    plan = _import(db, data)
    assert [(e.line, e.message) for e in plan.errors] == [
        (3, "This row has the same key as line 2."), (5, "This row has the same key as line 4.")]
    assert counts(db)["Initiative"] == 0


# --- idempotent re-import ---------------------------------------------------------------------

@pytest.mark.parametrize("container", ["csv", "xlsx"])
def test_importing_the_same_good_file_twice_gives_the_same_registry(db: Session, container: str) -> None:
    organisation(db, "Gemeente Enschede", type_="government")
    db.commit()
    data = fixture_bytes("registry.csv") if container == "csv" else xlsx_bytes(csv_rows("registry.csv"))

    first = _import(db, data, f"registry.{container}")
    assert first.ok, first.errors
    after_first, snapshot = counts(db), registry_snapshot(db)
    second = _import(db, data, f"registry.{container}")

    assert (first.created, second.created, second.updated, second.unchanged) == (4, 0, 0, 3)
    assert counts(db) == after_first  # no new rows and no new events either
    assert registry_snapshot(db) == snapshot
    gip = snapshot["grensinfopunt twente"]
    assert gip["funding"] == [("Regio Deal Twente", "temporary", Decimal("1250000.00"), date(2022, 1, 1), date(2026, 12, 31))]
    assert gip["roles"] == [("Gemeente Enschede", "lead"), ("Saxion Hogeschool", "partner"), ("Universität Münster", "partner")]
    assert gip["regions"] == ["EUREGIO", "NL213"]
    leren = snapshot["grenzeloos leren"]
    assert leren["parent"] == "interreg vi a deutschland-nederland"
    assert [f[2] for f in leren["funding"]] == [Decimal("750000.50"), Decimal("120000.00")]
    assert leren["funding"][1][4] is None  # empty end date: open-ended
    assert snapshot["interreg vi a deutschland-nederland"]["names"][4] == "programme"


def test_reimport_with_a_changed_cell_updates_in_place_with_an_event(db: Session) -> None:
    organisation(db, "Gemeente Enschede", type_="government")
    db.commit()
    _import(db, fixture_bytes("registry.csv"))
    changed = fixture_bytes("registry.csv").replace(b"2026-09-01,2028-07-31", b"2026-09-01,2029-07-31")
    before = counts(db)

    plan = _import(db, changed)

    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 2)
    assert counts(db)["Initiative"] == before["Initiative"]
    edl = db.scalar(select(Initiative).where(Initiative.name_nl == "Euregionale Doorlopende Leerlijn Techniek"))
    assert edl is not None and edl.end_date == date(2029, 7, 31)
    event = db.scalars(select(Event).order_by(Event.id.desc())).first()
    assert event is not None and event.name == "initiative.updated"
    assert event.payload["after"] == {"end_date": "2029-07-31"}


def test_external_id_keeps_matching_after_a_rename(db: Session) -> None:
    _import(db, b"external_id,kind,name_nl\nX-7,partnership,Grenspendel\n")
    plan = _import(db, b"external_id,kind,name_nl\nX-7,partnership,Grenspendel Oost\n")
    assert (plan.created, plan.updated) == (0, 1)
    assert db.scalars(select(Initiative.name_nl)).all() == ["Grenspendel Oost"]
    link = db.scalar(select(InitiativeExternalId))
    assert link is not None and (link.source, link.external_id) == ("import", "X-7")


def test_dry_run_shows_the_changes_but_writes_nothing(db: Session) -> None:
    organisation(db, "Gemeente Enschede", type_="government")
    db.commit()
    before = counts(db)
    plan = _import(db, fixture_bytes("registry.csv"), dry_run=True)
    assert plan.ok and not plan.applied
    assert plan.created == 4 and plan.streams_added == 3 and plan.roles_added == 5
    assert sorted(o.name for o in plan.new_organisations) == [
        "Interreg DE-NL Programmaorganisatie", "Provincie Overijssel", "Regio Deal Twente", "Saxion Hogeschool",
        "Universität Münster"]
    assert counts(db) == before


def test_imported_changes_are_domain_events(db: Session) -> None:
    organisation(db, "Gemeente Enschede", type_="government")
    db.commit()
    start = db.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
    _import(db, fixture_bytes("registry.csv"))
    names = [e.name for e in db.scalars(select(Event).where(Event.id > start).order_by(Event.id))]
    assert names.count("organisation.created") == 5
    assert names.count("initiative.created") == 4
    assert names.count("funding.added") == 3
    assert names.count("role.added") == 5
    funding_event = db.scalar(select(Event).where(Event.name == "funding.added", Event.id > start).limit(1))
    assert funding_event is not None and funding_event.payload["after"]["funder"] == "Regio Deal Twente"
    assert funding_event.payload["horizon"] == "2026-12-31"


# --- keep.eu ----------------------------------------------------------------------------------

@pytest.mark.parametrize("container", ["csv", "xlsx"])
def test_keepeu_export_becomes_projects_under_their_programme(db: Session, monkeypatch: pytest.MonkeyPatch,
                                                              container: str) -> None:
    freeze(monkeypatch)
    organisation(db, "Gemeente Enschede", type_="government")
    db.commit()
    data = fixture_bytes("keepeu_de_nl.csv") if container == "csv" else xlsx_bytes(csv_rows("keepeu_de_nl.csv"))

    plan = _import(db, data, f"keep.{container}")

    assert plan.ok, plan.errors
    assert plan.shape == "keepeu" and plan.new_programmes == ["Interreg VI-A Germany-Netherlands"]
    programme = db.scalar(select(Initiative).where(Initiative.kind == InitiativeKind.PROGRAMME))
    assert programme is not None and programme.name_en == "Interreg VI-A Germany-Netherlands"
    projects = {i.acronym: i for i in programme.children}
    assert set(projects) == {"SKILLS4BORDER", "CARE-CB", "MOVE"}
    skills = projects["SKILLS4BORDER"]
    assert skills.kind == InitiativeKind.INTERREG_PROJECT and skills.name_en == "Cross-border skills for the energy transition"
    assert (skills.start_date, skills.end_date) == (date(2024, 3, 1), date(2027, 2, 28))
    assert projects["CARE-CB"].status == InitiativeStatus.ENDED  # ended 2025-12-31, before the frozen today
    [stream] = skills.funding_streams
    assert stream.amount == Decimal("1440000.00") and stream.cofinancing_share == Decimal("60.00")
    assert stream.funder.name == "Interreg VI-A Germany-Netherlands"
    lead = db.scalar(select(InitiativeRole).where(InitiativeRole.initiative_id == programme.id))
    assert lead is not None and lead.role.value == "lead" and lead.organisation_id == stream.funder_id
    roles = sorted((r.organisation.name, r.organisation.country, r.role.value) for r in skills.roles)
    assert roles == [("Fachhochschule Münster", "DE", "partner"), ("Gemeente Enschede", "NL", "partner"),
                     ("Saxion University of Applied Sciences", "NL", "lead")]

    again = _import(db, data, f"keep.{container}")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_keepeu_projects_join_a_known_programme_and_its_funder(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch)
    programme = create_initiative(db, InitiativeInput(
        kind="programme", name_nl="INTERREG VI A Duitsland-Nederland 2021–2027",
        aliases=["Interreg VI-A Germany-Netherlands"]), actor_id=None)
    funder = organisation(db, "Interreg VI A Deutschland-Nederland (programmaorganisatie)", country="EU")
    add_role(db, programme, funder, "lead", actor_id=None)
    db.commit()

    plan = _import(db, fixture_bytes("keepeu_de_nl.csv"), "keep.csv", fmt="keepeu")

    assert plan.ok and plan.new_programmes == []
    assert db.scalars(select(Initiative.parent_id).where(Initiative.kind == InitiativeKind.INTERREG_PROJECT)).all() == [programme.id] * 3
    assert set(db.scalars(select(FundingStream.funder_id))) == {funder.id}
    assert db.scalar(select(Organisation).where(Organisation.name == "Interreg VI-A Germany-Netherlands")) is None


def test_keepeu_row_with_eu_contribution_above_the_budget_is_refused(db: Session) -> None:
    data = (b"Programme,Project acronym,Project name,Start date,End date,Total budget,EU contribution\n"
            b"Interreg NL-DE,X,Project X,2024-01-01,2025-01-01,1000,2000\n")
    plan = _import(db, data, fmt="keepeu")
    assert [(e.line, e.column) for e in plan.errors] == [(2, "EU contribution")]
    assert counts(db)["Initiative"] == 0


# --- files that cannot be read ----------------------------------------------------------------

@pytest.mark.parametrize(("data", "fmt", "message"), [
    (b"", None, "The file is empty."),
    (b"   \n", None, "The file is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "This is not a CSV or XLSX file."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, None, "Old Excel files (.xls) cannot be read."),
    (b"PK\x03\x04not really a workbook", None, "This is not a readable XLSX workbook."),
    (b"name_nl,status\nIets,active\n", None, "Required columns are missing: kind."),
    (b"kind,status\nother,active\n", None, "Required columns are missing: name_nl / name_de / name_en."),
    (b"kind,name_nl\n", None, "The file has column names but no rows to import."),
    (b"kind,name_nl,kind\nother,X,other\n", None, "These columns appear more than once: kind."),
    (b"kind,name_nl\nother,X\n", "xlsx", "You chose XLSX, but this is a CSV file."),
    (b"Programme,Project name\nP,N\n", "keepeu", "Required columns are missing: project_acronym."),
    (b"kind,name_nl\nother,\x81\x8d\x8f\n", None, "The file is not UTF-8 or Windows-1252 text."),
])
def test_unreadable_files_are_refused_with_a_clear_message(plain_app: Flask, data: bytes, fmt: str | None,
                                                            message: str) -> None:
    with plain_app.app_context(), pytest.raises(FileRejected) as caught:
        read_file(data, fmt)
    assert caught.value.message.startswith(message)


def test_a_refused_file_writes_nothing(db: Session) -> None:
    with pytest.raises(FileRejected):
        plan_import(db, b"name_nl\nIets\n", filename="x.csv")
    assert counts(db)["Initiative"] == 0


def test_a_file_with_too_many_rows_is_refused(plain_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hub.transfer.reading.MAX_ROWS", 3)
    rows = [["kind", "name_nl"]] + [["other", f"Rij {i}"] for i in range(4)]
    for data in (b"kind,name_nl\n" + b"other,x\n" * 4, xlsx_bytes(rows)):
        with plain_app.app_context(), pytest.raises(FileRejected) as caught:
            read_file(data)
        assert caught.value.message == "The file has more than 3 rows; split it into smaller files."


def test_windows_1252_and_bom_and_semicolons_are_read(db: Session) -> None:
    cp1252 = "kind;name_de;regions\nother;Grenzgänger-Beratung Münster;DEA33\n".encode("cp1252")
    bom = "\ufeffkind,name_de\nother,Arbeitsmarkt Düsseldorf\n".encode("utf-8")
    assert _import(db, cp1252).ok and _import(db, bom).ok
    assert sorted(db.scalars(select(Initiative.name_de))) == ["Arbeitsmarkt Düsseldorf", "Grenzgänger-Beratung Münster"]
