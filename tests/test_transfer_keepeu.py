"""Issue 13, keep.eu as it really is: the search export workbook (criteria, projects, partners), "N.a." for missing
values, Yes/No leads; every date, amount, lead, partner and region arrives, and what cannot is said out loud."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative, InitiativeKind, InitiativeStatus
from hub.transfer.service import run_import
from tests.conftest import HubClient, Users
from tests.test_transfer_support import freeze

PROJECT_COLUMNS = [
    "Period", "Programme", "Project ID (2021-2027 only)", "Project acronym", "Project name in English",
    "Project name in language 2", "Project name in language 3", "Project name in language 4", "Description in English",
    "Description in language 2", "Expected Achievements in English", "Project start", "Project end",
    "Project's total budget / expenditure", "Project's EU funding", "Union co-financing rate", "Website", "Theme 1",
    "Theme 2", "Theme 3",
]
PARTNER_COLUMNS = [
    "Programme", "Project ID (2021-2027 only)", "Project acronym", "Organisation in English",
    "Organisation in language 2", "Organisation in language 3", "Organisation in language 4", "Lead partner",
    "Country code", "Participant Identification Code", "Type of Organisation", "NUTS3 code (or equivalent)",
    "NUTS2 code (or equivalent)", "Town", "Website", "ERDF contribution (2014-2020 only)",
    "Partner's programme co-financing (EUR) (2021-2027 only)", "Partner's total eligible budget / expenditure",
]
OLD, NEW = "Interreg V-A Deutschland-Nederland", "Interreg VI-A Deutschland-Nederland"
PROJECTS = [
    ["2014 - 2020", OLD, "N.a.", "GROZ", "Cross-border care", "Grensoverschrijdende zorg", "Grenzüberschreitende Pflege",
     "N.a.", "Nurses for both sides.", "Verpleging voor beide kanten.", "More nurses.", datetime(2016, 1, 1),
     datetime(2019, 12, 31), 2_400_000, 1_440_000, "60%", "https://groz.eu", "Health", "N.a.", "N.a."],
    ["2021 - 2027", NEW, "DN-0001", "SKILLS", "Skills for the border", "N.a.", "N.a.", "N.a.", "Training.", "N.a.",
     "N.a.", "01/03/2024", "28/02/2027", "1.000.000,00", "800000", "80 %", "N.a.", "Education", "N.a.", "N.a."],
    ["2021 - 2027", NEW, "DN-0002", "N.a.", "Border without budget", "N.a.", "N.a.", "N.a.", "N.a.", "N.a.", "N.a.",
     "2025-01-01", "N.a.", "500000", "N.a.", "N.a.", "N.a.", "N.a.", "N.a.", "N.a."],
]
PARTNERS = [
    [OLD, "N.a.", "GROZ", "Radboudumc", "N.a.", "N.a.", "N.a.", "Yes", "NL", "999", "Hospital", "NL226", "NL22",
     "Nijmegen", "N.a.", 500_000, "N.a.", 800_000],
    [OLD, "N.a.", "GROZ", "N.a.", "Universitätsklinikum Münster", "N.a.", "N.a.", "No", "DE", "998", "Hospital",
     "DEA33", "DEA3", "Münster", "N.a.", 400_000, "N.a.", 700_000],
    [NEW, "DN-0001", "SKILLS", "Saxion", "N.a.", "N.a.", "N.a.", "Yes", "NL", "N.a.", "University", "NL213", "NL21",
     "Enschede", "N.a.", "N.a.", 300_000, 375_000],
    [NEW, "DN-0001", "SKILLS", "Fachhochschule Münster", "N.a.", "N.a.", "N.a.", "No", "DE", "N.a.", "University",
     "DEA33", "DEA3", "Münster", "N.a.", "N.a.", 200_000, 250_000],
    [NEW, "DN-0001", "SKILLS", "Hochschule Berlin", "N.a.", "N.a.", "N.a.", "No", "DE", "N.a.", "University",
     "DE300", "DE30", "Berlin", "N.a.", "N.a.", 100_000, 125_000],
    [NEW, "DN-0002", "N.a.", "Gemeente Enschede", "N.a.", "N.a.", "N.a.", "Yes", "NL", "N.a.", "Public",
     "NL213", "NL21", "Enschede", "N.a.", "N.a.", "N.a.", "N.a."],
]


def keepeu_workbook() -> bytes:
    """A workbook as keep.eu's search export writes it: the criteria, then the projects, then the partners."""
    from openpyxl import Workbook

    book = Workbook()
    criteria = book.active
    criteria.title = "Search criteria"
    for line in (["keep.eu search"], ["Programme", f"{OLD}; {NEW}"], ["Exported on", "2026-11-30"]):
        criteria.append(line)
    for title, columns, rows in (("Projects", PROJECT_COLUMNS, PROJECTS), ("Partners", PARTNER_COLUMNS, PARTNERS)):
        sheet = book.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _projects(db: Session) -> dict[str, Initiative]:
    return {i.name_en: i for i in db.scalars(select(Initiative).where(Initiative.kind == InitiativeKind.INTERREG_PROJECT))}


def test_the_keepeu_workbook_arrives_field_by_field(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch)
    plan = run_import(db, keepeu_workbook(), filename="keep.xlsx", fmt=None, dry_run=False, actor_id=None)
    db.commit()
    assert plan.ok, plan.errors
    assert plan.shape == "keepeu" and sorted(plan.new_programmes) == [OLD, NEW]
    projects = _projects(db)
    assert set(projects) == {"Cross-border care", "Skills for the border", "Border without budget"}

    groz = projects["Cross-border care"]
    assert (groz.acronym, groz.parent.name_en) == ("GROZ", OLD)
    assert (groz.start_date, groz.end_date, groz.status) == (date(2016, 1, 1), date(2019, 12, 31), InitiativeStatus.ENDED)
    assert groz.alias_list == ["Grensoverschrijdende zorg", "Grenzüberschreitende Pflege"]
    assert groz.description == "Nurses for both sides.\n\nMore nurses."
    assert groz.website == "https://groz.eu"
    [stream] = groz.funding_streams
    assert (stream.amount, stream.cofinancing_share, stream.funder.name) == (Decimal("1440000.00"), Decimal("60.00"), OLD)
    assert (stream.start_date, stream.end_date) == (date(2016, 1, 1), date(2019, 12, 31))
    assert "2400000.00 EUR" in stream.note, "the total budget is kept"
    assert sorted((r.organisation.name, r.organisation.country, r.role.value) for r in groz.roles) == [
        ("Radboudumc", "NL", "lead"), ("Universitätsklinikum Münster", "DE", "partner")]
    assert sorted(groz.region_codes) == ["DEA33", "NL226"]

    skills = projects["Skills for the border"]
    assert skills.status == InitiativeStatus.ACTIVE and (skills.start_date, skills.end_date) == (
        date(2024, 3, 1), date(2027, 2, 28))
    [stream] = skills.funding_streams
    assert (stream.amount, stream.cofinancing_share) == (Decimal("800000.00"), Decimal("80.00"))
    assert "1000000.00 EUR" in stream.note
    assert sorted((r.organisation.name, r.role.value) for r in skills.roles) == [
        ("Fachhochschule Münster", "partner"), ("Hochschule Berlin", "partner"), ("Saxion", "lead")]
    assert sorted(skills.region_codes) == ["DEA33", "NL213"]

    budget_only = projects["Border without budget"]
    assert budget_only.status == InitiativeStatus.ACTIVE and budget_only.end_date is None
    [stream] = budget_only.funding_streams
    assert stream.amount is None and "500000.00 EUR" in stream.note, "a total budget without EU funding is kept"
    assert [(r.organisation.name, r.role.value) for r in budget_only.roles] == [("Gemeente Enschede", "lead")]


def test_what_cannot_be_imported_is_a_warning_and_each_row_says_what_it_brings(db: Session) -> None:
    plan = run_import(db, keepeu_workbook(), filename="keep.xlsx", fmt=None, dry_run=True, actor_id=None)
    assert plan.ok, plan.errors
    whole_file = {w.column for w in plan.warnings if w.line == 0}
    assert {"Theme 1", "Description in language 2", "ERDF contribution (2014-2020 only)",
            "Partner's total eligible budget / expenditure", "Type of Organisation"} <= whole_file
    assert [(w.line, w.message) for w in plan.warnings if w.line] == [
        (3, "Regions outside the hub's area were left out: DE300.")]
    brings = {c.name: c.brings for c in plan.changes if c.brings}
    assert brings["Cross-border care"] == {"dates": 2, "amounts": 2, "partners": 2, "regions": 2}
    assert brings["Skills for the border"] == {"dates": 2, "amounts": 2, "partners": 3, "regions": 2}
    assert brings["Border without budget"] == {"dates": 1, "amounts": 1, "partners": 1, "regions": 1}


def test_the_preview_page_shows_warnings_and_what_each_row_brings(client: HubClient, users: Users) -> None:
    client.login(users.manager.email)
    response = client.submit("/transfer/import", {"file": (io.BytesIO(keepeu_workbook()), "keep.xlsx"), "format": ""},
                             content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert 'id="import-warnings"' in html and "This column is not imported" in html and "Theme 1" in html
    assert "dates: 2, amounts: 2, partners: 3, regions: 2" in html


def test_a_projects_csv_keeps_its_dates_and_amounts(db: Session) -> None:
    header = ",".join(f'"{c}"' for c in PROJECT_COLUMNS)
    row = ",".join(f'"{c}"' for c in PROJECTS[1])
    plan = run_import(db, f"{header}\n{row}\n".encode(), filename="projects.csv", fmt=None, dry_run=False,
                      actor_id=None)
    db.commit()
    assert plan.ok, plan.errors
    skills = _projects(db)["Skills for the border"]
    assert (skills.start_date, skills.end_date) == (date(2024, 3, 1), date(2027, 2, 28))
    assert [(s.amount, s.cofinancing_share) for s in skills.funding_streams] == [(Decimal("800000.00"), Decimal("80.00"))]
    assert db.scalar(select(FundingStream.note)).endswith("1000000.00 EUR")


def test_a_partners_sheet_on_its_own_is_refused_with_a_clear_message(db: Session) -> None:
    from hub.transfer.reading import FileRejected

    header = ",".join(f'"{c}"' for c in PARTNER_COLUMNS)
    row = ",".join(f'"{c}"' for c in PARTNERS[0])
    with pytest.raises(FileRejected) as caught:
        run_import(db, f"{header}\n{row}\n".encode(), filename="partners.csv", fmt=None, dry_run=True, actor_id=None)
    assert caught.value.message.startswith("This is the partners sheet of a keep.eu export on its own")
