"""The lobby brief: every priority, the coalition counts, every initiative whose funding ends within
18 months (with the amounts ending) and the open actions — read back from the DOCX, Markdown and page."""
from __future__ import annotations

import html
import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.document import Document as WordDocument
from PIL import Image
from sqlalchemy.orm import Session

from hub.lobby.brief import months_after
from hub.lobby.models import LobbyCycle, LobbyPriority
from hub.lobby.service import ActionInput, EvidenceInput, add_action, add_evidence
from tests import lobby_factories as lf
from tests.conftest import HubClient, Users
from tests.factories import initiative, stream

AT_RISK = ("GrensWerk Enschede–Gronau", "EDL-Expertisecentrum")
NOT_AT_RISK = ("Interreg VII A", "CrossFire 2024", "GrensInfoPunt EUREGIO")
COALITION = {  # priority index -> (endorses, reservations, undecided, opposes, no position)
    0: ("2", "1", "0", "1", "0"),
    1: ("1", "0", "1", "0", "2"),
    2: ("0", "0", "0", "0", "4"),
}


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    lf.freeze_clock(monkeypatch)


@pytest.fixture
def registry(db: Session) -> tuple[LobbyCycle, list[LobbyPriority]]:
    cycle, priorities = lf.three_priorities(db)
    first, second, _third = priorities
    grenswerk = initiative(db, AT_RISK[0])
    stream(db, grenswerk, start=date(2024, 1, 1), end=date(2027, 6, 30), amount="250000")
    edl = initiative(db, AT_RISK[1])
    stream(db, edl, start=date(2023, 1, 1), end=date(2027, 12, 31), amount="300000")
    stream(db, edl, funder="Provincie Gelderland", start=date(2024, 1, 1), end=date(2028, 5, 1), amount="150000")
    stream(db, initiative(db, NOT_AT_RISK[0]), start=date(2028, 1, 1), end=date(2028, 6, 30), amount="9000000")
    stream(db, initiative(db, NOT_AT_RISK[1]), start=date(2022, 1, 1), end=date(2026, 6, 30), amount="80000")
    stream(db, initiative(db, NOT_AT_RISK[2]), start=date(2020, 1, 1), end=None, amount="400000", kind="structural")
    for target, key in ((first, grenswerk.id), (second, grenswerk.id), (second, edl.id)):
        add_evidence(db, target, EvidenceInput(kind="initiative", initiative_id=key), actor_id=None)
    add_evidence(db, first, EvidenceInput(kind="figure", text="Nederlanders die in Duitsland werkten", value="ca. 7.900",
                                          source="CBS", source_date=date(2021, 12, 31)), actor_id=None)
    add_evidence(db, first, EvidenceInput(kind="quote", text="Lobbytrajecten zijn nodig voor erkenning van diploma's.",
                                          source="Expertmeeting 10 maart 2025"), actor_id=None)
    lf.position(db, first, "Provincie Drenthe", "endorses")
    lf.position(db, first, "Provincie Groningen", "endorses")
    lf.position(db, first, "Land Nordrhein-Westfalen", "supports_with_reservations", country="DE")
    lf.position(db, first, "Provincie Zeeland", "opposes")
    lf.position(db, second, "Provincie Drenthe", "endorses")
    lf.position(db, second, "Provincie Zeeland", "undecided")
    limburg = lf.province(db, "Provincie Limburg")
    add_action(db, first, ActionInput(kind="letter", title="Brief aan OCW over het verdragsspoor", due_on=date(2026, 9, 30),
                                      responsible_id=limburg), actor_id=None)
    add_action(db, second, ActionInput(kind="conference", title="Werkgeversconferentie grensarbeid",
                                       due_on=date(2027, 4, 22), responsible_id=limburg), actor_id=None)
    add_action(db, first, ActionInput(kind="position_paper", title="Positionpaper twee sporen", due_on=date(2026, 4, 30),
                                      responsible_id=limburg, outcome="Vastgesteld"), actor_id=None)
    db.commit()
    return cycle, priorities


@pytest.fixture
def manager(client: HubClient, users: Users) -> HubClient:
    client.login(users.manager.email)
    return client


def _docx(response) -> WordDocument:
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Document(BytesIO(response.data))


def _table(document, first_header: str, second_header: str) -> list[list[str]]:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0][:2] == [first_header, second_header]:
            return rows
    raise AssertionError(f"no table headed {first_header}, {second_header}")


def test_docx_holds_priorities_coalition_and_every_initiative_at_risk(manager: HubClient, registry) -> None:
    cycle, priorities = registry
    document = _docx(manager.get(f"/lobby/cycles/{cycle.id}/brief.docx?lang=en"))
    paragraphs = [p.text for p in document.paragraphs]
    text = "\n".join(paragraphs)

    assert paragraphs[0] == "Lobby brief: 2026 lobby cycle"
    for priority in priorities:
        assert f"{priority.rank}. {priority.title_en}" in paragraphs, "each priority has its own heading"
    assert "Nederlanders die in Duitsland werkten" in text and "Lobbytrajecten zijn nodig" in text

    coalition = _table(document, "Priority", "Endorses")
    assert coalition[0] == ["Priority", "Endorses", "Supports with reservations", "Not yet decided", "Opposes",
                            "No position recorded"]
    for index, priority in enumerate(priorities):
        assert coalition[index + 1] == [f"{priority.rank}. {priority.title_en}", *COALITION[index]]

    at_risk = _table(document, "Initiative", "Funding ends")
    assert [row[0] for row in at_risk[1:-1]] == list(AT_RISK)
    assert at_risk[1][1:] == ["Jun 30, 2027", "€250,000", "#1, #2"]
    assert at_risk[2][1:] == ["May 1, 2028", "€450,000", "#2"]
    assert at_risk[-1][:3] == ["Total", "", "€700,000"]
    for name in NOT_AT_RISK:
        assert name not in text and all(name not in row[0] for row in at_risk)

    actions = _table(document, "Date", "Priority")
    assert [row[3] for row in actions[1:]] == ["Brief aan OCW over het verdragsspoor", "Werkgeversconferentie grensarbeid"]
    assert [row[5] for row in actions[1:]] == ["Overdue", "Open"]
    assert "Positionpaper twee sporen" not in text

    assert len(document.inline_shapes) == 1, "the funding-cliff chart is embedded as a picture"
    picture = document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    chart = Image.open(BytesIO(document.part.related_parts[picture].blob)).convert("RGB")
    assert chart.width > 1000
    assert (207, 34, 46) in {colour for _count, colour in chart.getcolors(maxcolors=100_000)}, "cliff markers in red"


def test_brief_language_is_selectable(manager: HubClient, registry) -> None:
    cycle, priorities = registry
    german = _docx(manager.get(f"/lobby/cycles/{cycle.id}/brief.docx?lang=de"))
    paragraphs = [p.text for p in german.paragraphs]
    assert paragraphs[0].startswith("Lobbybriefing: Lobbyzyklus 2026")
    assert f"1. {priorities[0].title_de}" in paragraphs
    assert _table(german, "Priorität", "Befürwortet")[1][1:] == list(COALITION[0])
    assert german.core_properties.language == "de"

    dutch = _text(manager.get(f"/lobby/cycles/{cycle.id}/brief?lang=nl"))
    assert f"1. {priorities[0].title_nl}" in dutch and "Initiatieven in gevaar" in dutch
    assert '<html lang="nl">' in dutch


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_markdown_brief(manager: HubClient, registry) -> None:
    cycle, priorities = registry
    response = manager.get(f"/lobby/cycles/{cycle.id}/brief.md?lang=en")
    assert response.mimetype == "text/markdown"
    assert 'filename="lobby-brief-2026-en.md"' in response.headers["Content-Disposition"]
    markdown = response.get_data(as_text=True)
    assert markdown.startswith("# Lobby brief: 2026 lobby cycle\n")
    for index, priority in enumerate(priorities):
        assert f"### {priority.rank}. {priority.title_en}" in markdown
        assert f"| {priority.rank}. {priority.title_en} | " + " | ".join(COALITION[index]) + " |" in markdown
    assert "| GrensWerk Enschede–Gronau | Jun 30, 2027 | €250,000 | #1, #2 |" in markdown
    assert "Interreg VII A" not in markdown
    assert "> “Lobbytrajecten zijn nodig voor erkenning van diploma's.” — Expertmeeting 10 maart 2025" in markdown


def test_html_brief_shows_the_same_chart_as_inline_svg(manager: HubClient, registry) -> None:
    cycle, _priorities = registry
    page = _text(manager.get(f"/lobby/cycles/{cycle.id}/brief?lang=en"))
    svg = re.search(r"<svg class=\"cliff-chart\".*?</svg>", page, re.S)
    assert svg is not None
    assert len(re.findall(r'<rect[^>]*fill="#cf222e"', svg.group(0))) == len(AT_RISK), "a red cliff per initiative"
    assert all(name in svg.group(0) for name in AT_RISK)
    assert 'href="/lobby/static/lobby.css"' in page
    assert '<tr class="overdue">' in page


def test_priority_brief_keeps_to_its_priority(manager: HubClient, registry) -> None:
    _cycle, (first, second, third) = registry
    document = _docx(manager.get(f"/lobby/priorities/{first.id}/brief.docx?lang=en"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == f"Lobby brief: {first.title_en}"
    assert second.title_en not in text and third.title_en not in text
    at_risk = _table(document, "Initiative", "Funding ends")
    assert [row[0] for row in at_risk[1:-1]] == [AT_RISK[0]], "only the priority's own evidence"
    assert [row[3] for row in _table(document, "Date", "Priority")[1:]] == ["Brief aan OCW over het verdragsspoor"]


def test_risk_window_counts_calendar_months() -> None:
    assert months_after(date(2026, 11, 23), 18) == date(2028, 5, 23)
    assert months_after(date(2026, 8, 31), 18) == date(2028, 2, 29)
    assert months_after(date(2027, 8, 31), 18) == date(2029, 2, 28)
