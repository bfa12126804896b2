"""Issue 6, import pages, CLI and exports: upload → preview → confirm for managers only; exports re-import unchanged."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.initiatives.models import Initiative
from hub.stakeholders.service import add_role
from hub.transfer.service import plan_import
from tests.conftest import HubClient, Users, login_as
from tests.factories import initiative, organisation, stream
from tests.test_transfer_support import counts, fixture_bytes, registry_snapshot, xlsx_bytes

ROLES = [None, "partner", "manager", "admin"]


def _upload(client: HubClient, data: bytes, name: str = "registry.csv", fmt: str = ""):
    return client.submit("/transfer/import", {"file": (io.BytesIO(data), name), "format": fmt},
                         content_type="multipart/form-data")


def _confirm_fields(html: str) -> dict[str, str]:
    import re

    return {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)  # type: ignore[union-attr]
            for name in ("token", "format", "filename")}


# --- rights -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "visitor")
def test_only_managers_and_admins_may_import(client: HubClient, users: Users, db: Session, role: str | None) -> None:
    login_as(client, users, role)
    responses = [client.get("/transfer/import"), client.get("/transfer/template.csv"),
                 _upload(client, fixture_bytes("registry.csv")),
                 client.submit("/transfer/import/confirm", {"token": "A" * 32, "format": "", "filename": "x.csv"})]
    statuses = [r.status_code for r in responses]
    if role is None:
        assert all(r.status_code == 302 and "/login" in r.headers["Location"] for r in responses)
    elif role == "partner":
        assert statuses == [403, 403, 403, 403]
    else:
        assert statuses == [200, 200, 200, 404]  # the made-up upload token names nothing
    assert counts(db)["Initiative"] == 0


def test_a_manager_cannot_confirm_another_managers_upload(client: HubClient, users: Users, db: Session) -> None:
    client.login(users.manager.email)
    fields = _confirm_fields(_upload(client, b"kind,name_nl\nother,Iets\n", "a.csv").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.login(users.admin.email)
    assert client.submit("/transfer/import/confirm", fields).status_code == 404
    assert counts(db)["Initiative"] == 0


# --- upload, preview, confirm -----------------------------------------------------------------

def test_upload_preview_confirm_writes_the_file(client: HubClient, users: Users, db: Session) -> None:
    organisation(db, "Gemeente Enschede", type_="government")
    db.commit()
    client.login(users.manager.email)

    preview = _upload(client, fixture_bytes("registry.csv"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "GrensInfoPunt Twente" in html and "Grenzeloos Leren" in html and 'id="import-changes"' in html
    assert counts(db)["Initiative"] == 0  # the preview writes nothing

    done = client.submit("/transfer/import/confirm", _confirm_fields(html))
    assert done.status_code == 302 and done.headers["Location"].endswith("/initiatives")
    assert counts(db)["Initiative"] == 4
    edl = db.scalar(select(Initiative).where(Initiative.name_nl == "Euregionale Doorlopende Leerlijn Techniek"))
    assert edl is not None and edl.source == "import: registry.csv"
    listing = client.get("/initiatives").get_data(as_text=True)
    assert "Import done. New initiatives: 4;" in listing and "GrensInfoPunt Twente" in listing


def test_upload_with_bad_rows_lists_them_and_offers_no_confirmation(client: HubClient, users: Users, db: Session) -> None:
    client.login(users.manager.email)
    response = _upload(client, fixture_bytes("three_bad_rows.csv"), "three_bad_rows.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count("<tr><td>") == 3 and "XX99" in html and "31-02-2024" in html
    assert "/transfer/import/confirm" not in html
    assert counts(db)["Initiative"] == 0


@pytest.mark.parametrize(("data", "name", "fmt", "message"), [
    (b"", "leeg.csv", "", "The file is empty."),
    (b"%PDF-1.7\n\x00\x01binary", "brief.pdf", "", "This is not a CSV or XLSX file."),
    (b"name_nl\nIets\n", "x.csv", "", "Required columns are missing: kind."),
    (b"kind,name_nl\nother,X\n", "x.csv", "xlsx", "You chose XLSX, but this is a CSV file."),
])
def test_unusable_uploads_get_a_message_not_an_error_page(client: HubClient, users: Users, data: bytes, name: str,
                                                           fmt: str, message: str) -> None:
    client.login(users.manager.email)
    response = _upload(client, data, name, fmt)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_upload_above_the_limit_is_refused(app: Flask, client: HubClient, users: Users) -> None:
    app.config["IMPORT_MAX_BYTES"] = 1024 * 1024
    client.login(users.manager.email)
    response = _upload(client, b"kind,name_nl\n" + b"other,x\n" * 200_000)
    assert response.status_code == 422
    assert "larger than 1 MB" in response.get_data(as_text=True)


def test_upload_without_a_file_asks_for_one(client: HubClient, users: Users) -> None:
    client.login(users.manager.email)
    response = client.submit("/transfer/import", {"format": ""}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to import." in response.get_data(as_text=True)


def test_blank_templates_hold_just_the_columns(client: HubClient, users: Users) -> None:
    client.login(users.manager.email)
    csv_file = client.get("/transfer/template.csv")
    assert csv_file.headers["Content-Disposition"].startswith('attachment; filename="grenshub-import-template-')
    assert csv_file.get_data().decode("utf-8-sig").splitlines() == [
        "external_id,programme,kind,status,name_nl,name_de,name_en,acronym,aliases,description,start_date,end_date,"
        "dates_estimated,regions,advice_codes,website,source,lead,partners,funder,funding_kind,amount,currency,"
        "funding_start,funding_end"]
    xlsx_file = client.get("/transfer/template.xlsx")
    assert xlsx_file.get_data()[:2] == b"PK"
    assert client.get("/transfer/template.json").status_code == 404


# --- export -----------------------------------------------------------------------------------

@pytest.fixture
def registry(db: Session) -> dict[str, int]:
    """A small registry made through the services: a programme, projects with two streams and roles."""
    programme = initiative(db, "Interreg Deutschland-Nederland", kind="programme")
    tech = initiative(db, "TECH.LAND", kind="interreg_project", parent_id=programme.id, acronym="TL",
                      aliases=["Techland", "TECH LAND"], description="=SUM(A1) is no formula\n- and a list",
                      regions=["NL213", "DEA34"], advice_codes=["3a"], start_date=date(2022, 1, 1))
    stream(db, tech, funder="Regio Deal Twente", end=date(2027, 6, 30), amount="1000000.50")
    stream(db, tech, funder="Provincie Overijssel", start=date(2023, 1, 1), end=None, amount=None, kind="structural")
    add_role(db, tech, organisation(db, "Saxion Hogeschool", type_="education"), "lead", actor_id=None)
    add_role(db, tech, organisation(db, "Universität Münster", country="DE", type_="education"), "partner", actor_id=None)
    gip = initiative(db, "GrensInfoPunt Aken-Eurode", kind="grensinfopunt", regions=["EMR"])
    db.commit()
    return {"programme": programme.id, "tech": tech.id, "gip": gip.id}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_file_reimports_without_changes(client: HubClient, db: Session, registry: dict[str, int], fmt: str) -> None:
    exported = client.get(f"/transfer/initiatives.{fmt}")
    assert exported.status_code == 200
    before, snapshot = counts(db), registry_snapshot(db)

    plan = plan_import(db, exported.get_data(), filename=f"export.{fmt}")

    assert plan.ok, plan.errors
    assert (plan.rows, plan.unchanged, plan.changes, plan.new_organisations) == (3, 3, [], [])
    assert plan.ignored_columns == []
    assert counts(db) == before and registry_snapshot(db) == snapshot


def test_export_follows_the_list_filters_and_guards_against_formulas(client: HubClient, registry: dict[str, int]) -> None:
    text = client.get("/transfer/initiatives.csv?kind=interreg_project").get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert len([line for line in lines if line.startswith(",Interreg")]) == 1 and "GrensInfoPunt" not in text
    assert '"\'=SUM(A1) is no formula' in text
    assert "Regio Deal Twente; Provincie Overijssel" in text and "1000000.50; " in text


def test_json_export_nests_funding_and_roles(client: HubClient, registry: dict[str, int]) -> None:
    data = json.loads(client.get("/transfer/initiatives.json?region=NL213").get_data())
    [tech] = data["initiatives"]
    assert tech["name"]["nl"] == "TECH.LAND" and tech["parent"]["name"] == "Interreg Deutschland-Nederland"
    assert [f["funder"] for f in tech["funding"]] == ["Regio Deal Twente", "Provincie Overijssel"]
    assert tech["funding_horizon"] is None  # the structural stream is open-ended
    assert {"role": "lead", "organisation": "Saxion Hogeschool"} in tech["roles"]


def test_organisation_export_follows_the_filters_and_leaves_out_people(client: HubClient, registry: dict[str, int]) -> None:
    rows = client.get("/transfer/organisations.csv?country=DE").get_data().decode("utf-8-sig").splitlines()
    assert rows == ["name,country,type,website,description", "Universität Münster,DE,education,,"]
    data = json.loads(client.get("/transfer/organisations.json").get_data())
    assert {o["name"] for o in data["organisations"]} >= {"Saxion Hogeschool", "Regio Deal Twente"}
    assert all(set(o) == {"id", "name", "country", "type", "website", "description"} for o in data["organisations"])
    assert client.get("/transfer/organisations.pdf").status_code == 404


def test_list_pages_link_to_their_exports_with_the_filters(client: HubClient, registry: dict[str, int]) -> None:
    assert "/transfer/initiatives.xlsx?kind=programme" in client.get("/initiatives?kind=programme").get_data(as_text=True)
    assert "/transfer/organisations.csv?country=NL" in client.get("/stakeholders?country=NL").get_data(as_text=True)
    odd = client.get("/initiatives?fmt=pdf&kind=programme")  # a parameter named like the link's own
    assert odd.status_code == 200 and "/transfer/initiatives.json?kind=programme" in odd.get_data(as_text=True)


def test_xlsx_from_a_spreadsheet_program_with_typed_cells_imports(db: Session) -> None:
    rows = [["kind", "name_nl", "start_date", "amount", "funder", "funding_start"],
            ["partnership", "Grenscafé Kerkrade", date(2024, 5, 1), 25000, "Gemeente Kerkrade (NL)", date(2024, 5, 1)]]
    plan = plan_import(db, xlsx_bytes(rows), filename="typed.xlsx")
    assert plan.ok and plan.streams_added == 1


# --- command line -----------------------------------------------------------------------------

def test_cli_dry_run_then_import(app: Flask, db: Session, tmp_path) -> None:
    organisation(db, "Gemeente Enschede", type_="government")
    db.commit()
    target = tmp_path / "registry.csv"
    target.write_bytes(fixture_bytes("registry.csv"))
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["import", str(target), "--dry-run"])
    assert dry.exit_code == 0 and "dry run, nothing written: 3 rows: 4 new" in dry.output
    assert counts(db)["Initiative"] == 0

    real = runner.invoke(args=["import", str(target), "--format", "csv"])
    assert real.exit_code == 0 and "imported 3 rows: 4 new" in real.output
    db.expire_all()
    assert counts(db)["Initiative"] == 4


def test_cli_reports_bad_rows_and_fails(app: Flask, db: Session, tmp_path) -> None:
    target = tmp_path / "bad.csv"
    target.write_bytes(fixture_bytes("three_bad_rows.csv"))
    result = app.test_cli_runner().invoke(args=["import", str(target)])
    assert result.exit_code == 1
    assert "line 3\tstart_date" in result.output and "line 6\tregions" in result.output
    assert "3 problems in bad.csv; nothing was imported" in result.output
    assert counts(db)["Initiative"] == 0
