"""Issue 6: the coverage matrix of the SER advice — gaps, funding cliffs, money, export."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from hub import advice
from hub.coverage.service import CoverageStatus, coverage_matrix
from tests import factories
from tests.conftest import HubClient


@pytest.fixture(autouse=True)
def first_of_june_2025(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hub.clock.now", lambda: datetime(2025, 6, 1, 12, tzinfo=UTC))


@pytest.fixture
def registry(db: Session) -> None:
    # 5a: two GIPs, one with structural money -> covered, open-ended.
    gip = factories.initiative(db, "GIP EUREGIO", kind="grensinfopunt", advice_codes=["5a"])
    factories.stream(db, gip, funder="SZW", start=date(2025, 1, 1), end=None, amount="200000", kind="structural")
    factories.stream(db, gip, funder="Provincie Overijssel", start=date(2024, 1, 1), end=date(2025, 12, 31), amount="50000")
    gip2 = factories.initiative(db, "GIP Rijn-Waal", kind="grensinfopunt", advice_codes=["5a", "3a"])
    factories.stream(db, gip2, funder="SZW", start=date(2023, 1, 1), end=date(2024, 12, 31), amount="999")  # ended
    # 2c: only TECH.LAND, whose funding ends within 12 months -> at risk.
    techland = factories.initiative(db, "TECH.LAND", advice_codes=["2c", "4a"])
    factories.stream(db, techland, funder="Regio Deal Twente", end=date(2026, 3, 31), amount="3000000")
    # 4a also served by a long-funded initiative -> covered until 2028.
    lang = factories.initiative(db, "Nachbarsprache", advice_codes=["4a"])
    factories.stream(db, lang, funder="Interreg", end=date(2028, 6, 30), amount="1500000")
    # Ended and planned initiatives do not count.
    factories.initiative(db, "Oude pilot", status="ended", advice_codes=["6a"])
    factories.initiative(db, "Plan", status="planned", advice_codes=["6b"])
    db.commit()


def test_matrix_flags_recommendations_without_an_active_initiative(db: Session, registry: None) -> None:
    matrix = coverage_matrix(db)
    rows = {row.code: row for row in matrix.rows}
    assert [r.code for r in matrix.rows][:4] == ["1", "1a", "1b", "1c"]
    assert len(matrix.rows) == len(advice.THEMES) + len(advice.RECOMMENDATIONS) == 6 + 20
    served = {"5a", "3a", "2c", "4a"}
    assert {r.code for r in matrix.gaps} == set(advice.RECOMMENDATIONS) - served
    assert rows["6a"].status == CoverageStatus.GAP and rows["6b"].status == CoverageStatus.GAP  # ended / planned
    assert rows["6"].status == CoverageStatus.GAP and rows["6"].count == 0
    assert rows["1a"].count == 0 and rows["1a"].heat == 0


def test_matrix_counts_money_and_horizon(db: Session, registry: None) -> None:
    rows = {row.code: row for row in coverage_matrix(db).rows}
    assert rows["5a"].count == 2 and rows["5a"].status == CoverageStatus.COVERED
    assert rows["5a"].open_ended and rows["5a"].until is None
    # Running streams only: the ended 999 of GIP Rijn-Waal is not counted.
    assert rows["5a"].money == {"EUR": 250000}
    assert rows["4a"].count == 2 and rows["4a"].until == date(2028, 6, 30)
    assert rows["4a"].money == {"EUR": 4500000} and rows["4a"].status == CoverageStatus.COVERED
    # A theme counts each initiative once, with its money once.
    assert rows["4"].count == 2 and rows["4"].money == {"EUR": 4500000}
    assert rows["5"].count == 2


def test_matrix_flags_recommendations_whose_funding_all_ends_within_12_months(db: Session, registry: None) -> None:
    matrix = coverage_matrix(db)
    rows = {row.code: row for row in matrix.rows}
    assert rows["2c"].status == CoverageStatus.AT_RISK and rows["2c"].until == date(2026, 3, 31)
    # Only the ended stream: no funding beyond 12 months either.
    assert rows["3a"].status == CoverageStatus.AT_RISK and rows["3a"].until == date(2024, 12, 31)
    assert {r.code for r in matrix.at_risk} == {"2c", "3a"}


def test_at_risk_follows_the_clock(db: Session, registry: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hub.clock.now", lambda: datetime(2024, 1, 1, 12, tzinfo=UTC))
    rows = {row.code: row for row in coverage_matrix(db).rows}
    assert rows["2c"].status == CoverageStatus.COVERED  # 2026-03-31 lies more than a year ahead


def test_coverage_page_is_public_and_says_it_in_text(client: HubClient, registry: None) -> None:
    response = client.get("/coverage")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "16 recommendations have no active initiative." in html
    assert "2 recommendations lose all their funding within 12 months." in html
    assert 'id="row-1a"' in html and "No active initiative" in html
    assert "All funding ends within 12 months" in html
    assert "/initiatives?theme=5a&amp;status=active" in html


def test_coverage_csv_export(client: HubClient, registry: None) -> None:
    response = client.get("/coverage/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Code", "Theme or recommendation", "Active initiatives", "Running funding (EUR)", "Funded until", "Status"]
    by_code = {r[0]: r for r in rows[1:]}
    assert len(by_code) == 26
    assert by_code["2c"][2:] == ["1", "3000000.00", "2026-03-31", "All funding ends within 12 months"]
    assert by_code["5a"][4] == "open-ended"
    assert by_code["1a"][2:] == ["0", "0.00", "", "No active initiative"]


def test_coverage_page_in_german(client: HubClient, registry: None) -> None:
    html = client.get("/coverage", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "16 Empfehlungen haben keine aktive Initiative." in html
    assert "Gesamte Finanzierung endet innerhalb von 12 Monaten" in html
