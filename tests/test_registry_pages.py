"""Issue 2, pages: list filters and sorting, stakeholder pages, demo registry."""
from __future__ import annotations

import re
from datetime import date, datetime, UTC

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import clock
from hub.stakeholders.service import add_role
from tests.conftest import HubClient
from tests.factories import initiative, organisation, stream


def names_in(html: str) -> list[str]:
    table = html.split('id="initiatives"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/initiatives/\d+">([^<]+)</a>', table)


@pytest.fixture
def registry(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    techland = initiative(db, "TECH.LAND", regions=["NL213", "DEA3"], advice_codes=["2c", "4a"])
    stream(db, techland, funder="Regio Deal Twente", end=date(2027, 6, 30))
    gip = initiative(db, "GrensInfoPunt Euregio", kind="grensinfopunt", regions=["EUREGIO"], advice_codes=["5a"])
    stream(db, gip, funder="Ministerie van SZW", end=None, kind="structural")
    edl = initiative(db, "EDL", kind="edl_activity", regions=["NL213"], advice_codes=["3a"])
    stream(db, edl, funder="Interreg VI A Deutschland-Nederland", end=date(2026, 12, 31))
    db.commit()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["EDL", "GrensInfoPunt Euregio", "TECH.LAND"]),
        ("?kind=grensinfopunt", ["GrensInfoPunt Euregio"]),
        ("?theme=2", ["TECH.LAND"]),
        ("?theme=3a", ["EDL"]),
        ("?region=nl213", ["EDL", "TECH.LAND"]),
        ("?horizon_months=3", ["EDL"]),
        ("?horizon_months=12", ["EDL", "TECH.LAND"]),
        ("?sort=horizon", ["EDL", "TECH.LAND", "GrensInfoPunt Euregio"]),
        ("?horizon_months=abc&sort=nonsense", ["EDL", "GrensInfoPunt Euregio", "TECH.LAND"]),
    ],
)
def test_list_filters_and_sorting(client: HubClient, registry: None, query: str, expected: list[str]) -> None:
    response = client.get(f"/initiatives{query}")
    assert response.status_code == 200
    assert names_in(response.get_data(as_text=True)) == expected


def test_funder_filter(client: HubClient, registry: None, db: Session) -> None:
    szw = organisation(db, "Ministerie van SZW")
    assert names_in(client.get(f"/initiatives?funder={szw.id}").get_data(as_text=True)) == ["GrensInfoPunt Euregio"]


def test_stakeholder_page_lists_all_its_initiatives(client: HubClient, registry: None, db: Session) -> None:
    from hub.initiatives.models import Initiative

    saxion = organisation(db, "Saxion Hogeschool", type_="education")
    for name in ("EDL", "TECH.LAND"):
        add_role(db, db.scalar(select(Initiative).where(Initiative.name_nl == name)), saxion, "partner", actor_id=None)
    db.commit()
    page = client.get(f"/stakeholders/{saxion.id}").get_data(as_text=True)
    listed = page.split('id="org-initiatives"', 1)[1].split("</ul>", 1)[0]
    assert "EDL" in listed and "TECH.LAND" in listed and "GrensInfoPunt" not in listed


def test_funder_page_lists_what_it_funds(client: HubClient, registry: None, db: Session) -> None:
    page = client.get(f"/stakeholders/{organisation(db, 'Regio Deal Twente').id}").get_data(as_text=True)
    assert "TECH.LAND" in page


def test_unknown_initiative_is_a_404_page(client: HubClient, registry: None) -> None:
    response = client.get("/initiatives/99999")
    assert response.status_code == 404
    assert "No initiative with id 99999." in response.get_data(as_text=True)
