"""Issue 6: overlap detection — ranked candidates with reasons, managers' decisions, clusters."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.demo.loader import _load_initiatives, _load_organisations
from hub.errors import NotFound, ValidationFailed
from hub.events import history_of
from hub.initiatives.models import Initiative
from hub.initiatives.service import InitiativeInput, create_initiative
from hub.overlap import service
from hub.stakeholders.models import Organisation
from hub.stakeholders.service import add_role
from tests import factories
from tests.conftest import HubClient, Users


@pytest.fixture(autouse=True)
def autumn_2025(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hub.clock.now", lambda: datetime(2025, 10, 1, 12, tzinfo=UTC))


def org(db: Session, name: str) -> Organisation:
    found = db.scalar(select(Organisation).where(Organisation.name == name))
    assert found is not None, name
    return found


@pytest.fixture
def demo(db: Session) -> dict[str, Initiative]:
    """The registry part of the demo (from the SER advice), plus a near-duplicate of TECH.LAND
    under another name: a German-named cross-border innovation network with the same aims,
    recommendations, regions, two of its partners and its funder."""
    orgs = _load_organisations(db)
    initiatives = _load_initiatives(db, orgs)
    twin = create_initiative(db, InitiativeInput(
        kind="partnership",
        name_de="Innovationsnetzwerk Grenzregion Twente-Münsterland",
        description=("Grensoverstijgend Duits-Nederlands innovatie-ecosysteem voor energie, circulaire economie, "
                     "robotica en MedTech dat bedrijven helpt geschoold personeel aan te trekken en "
                     "Interreg-financiering te krijgen."),
        status="active", start_date=date(2024, 1, 1), regions=["NL21", "DEA3"], advice_codes=["2c", "4a"],
    ), actor_id=None)
    add_role(db, twin, orgs["oost-nl"], "partner", actor_id=None)
    add_role(db, twin, orgs["ihk-nord-westfalen"], "partner", actor_id=None)
    factories.stream(db, twin, funder=orgs["regio-deal-twente"].name, start=date(2024, 1, 1), end=date(2026, 12, 31))
    db.commit()
    return {**initiatives, "twin": twin}


def test_planted_near_duplicate_of_techland_is_the_top_candidate(db: Session, demo: dict[str, Initiative]) -> None:
    found = service.candidates(db, demo["techland"].id)
    assert found[0].initiative.id == demo["twin"].id
    top = found[0]
    codes = [r.code for r in top.reasons]
    assert {"purpose", "recommendation", "region", "period", "partner", "funder"} <= set(codes)
    texts = {r.code: r.text for r in top.reasons}
    assert texts["recommendation"] == "Same SER recommendation: 2c, 4a."
    assert texts["funder"] == "Shared funders: Regio Deal Twente."
    assert "Oost NL" in texts["partner"] or "IHK" in texts["partner"], texts["partner"]
    assert top.score > found[1].score
    # The child project (TECH.LAND Monitor) is part of TECH.LAND by design, not an overlap.
    assert demo["techland-monitor"].id not in [c.initiative.id for c in found]
    # Symmetric: TECH.LAND is the twin's top candidate with the same score.
    back = service.candidates(db, demo["twin"].id)
    assert (back[0].initiative.id, back[0].score) == (demo["techland"].id, top.score)


@pytest.fixture
def trio(db: Session) -> dict[str, Initiative]:
    """Three small initiatives: two GrensInfoPunten that overlap, and an unrelated one."""
    a = factories.initiative(db, "GrensInfoPunt Twente", kind="grensinfopunt", regions=["NL213"], advice_codes=["5a"],
                             description="Informatieloket voor grensgangers over wonen en werken over de grens.")
    b = factories.initiative(db, "GrenzInfoPunkt Twente", kind="grensinfopunt", regions=["NL213"], advice_codes=["5a"],
                             description="Informatieloket voor grensgangers: wonen, werken en belasting over de grens.")
    c = factories.initiative(db, "Plattdeutsch op school", kind="other", regions=["DE94"], advice_codes=["6d"],
                             description="Nedersaksische streektaal in het onderwijs.")
    db.commit()
    return {"a": a, "b": b, "c": c}


def test_candidate_with_similar_name_across_languages(db: Session, trio: dict[str, Initiative]) -> None:
    found = service.candidates(db, trio["a"].id)
    assert [c.initiative.id for c in found] == [trio["b"].id]
    reasons = {r.code: r.text for r in found[0].reasons}
    assert reasons["name"] == "Similar names: “GrensInfoPunt Twente” and “GrenzInfoPunkt Twente”."
    assert set(reasons) >= {"name", "purpose", "recommendation", "region"}
    assert 0 < found[0].score <= 1


def test_decision_is_an_event_and_the_pair_is_not_suggested_again(db: Session, trio: dict[str, Initiative], users: Users) -> None:
    a, b = trio["a"], trio["b"]
    decision = service.decide(db, b.id, a.id, "complementary", actor_id=users.manager.id, note="Twee loketten, één regio.")
    db.commit()
    assert (decision.low_id, decision.high_id) == (a.id, b.id)
    event = history_of(db, "initiative", b.id)[0]
    assert event.name == "overlap.decided" and event.actor_id == users.manager.id
    assert event.payload["other_id"] == a.id and event.payload["after"]["verdict"] == "complementary"
    assert service.candidates(db, a.id) == [] and service.candidates(db, b.id) == []
    # Deciding again replaces the verdict (one row, one more event).
    service.decide(db, a.id, b.id, "duplicate", actor_id=users.manager.id)
    db.commit()
    assert [(d.verdict.value, other.id) for d, other in service.decisions_for(db, a.id)] == [("duplicate", b.id)]
    assert history_of(db, "initiative", a.id)[0].payload["before"] == {"verdict": "complementary"}


@pytest.mark.parametrize(("verdict", "other", "note", "message"), [
    ("maybe", "b", "", "Choose duplicate, complementary or unrelated."),
    ("duplicate", "a", "", "An initiative cannot overlap with itself."),
    ("duplicate", None, "", "That initiative does not exist (any more)."),
    ("duplicate", "b", "x" * 1001, "The note is too long: use at most 1000 characters."),
])
def test_bad_decisions_are_refused_and_write_nothing(db: Session, trio: dict[str, Initiative], verdict: str,
                                                     other: str | None, note: str, message: str) -> None:
    other_id = trio[other].id if other else 9999
    with pytest.raises(ValidationFailed) as refused:
        service.decide(db, trio["a"].id, other_id, verdict, actor_id=None, note=note)
    assert message in [m for ms in refused.value.errors.values() for m in ms]
    db.rollback()
    assert service.decisions_for(db, trio["a"].id) == []


def test_candidates_of_a_missing_initiative(db: Session) -> None:
    with pytest.raises(NotFound):
        service.candidates(db, 12345)


def test_clusters_link_overlaps_and_leave_out_unrelated_pairs(db: Session, trio: dict[str, Initiative], users: Users) -> None:
    a, b, c = trio["a"], trio["b"], trio["c"]
    report = service.clusters(db, threshold=0.3)
    assert [{i.id for i in cl.initiatives} for cl in report.clusters] == [{a.id, b.id}]
    assert report.pending == 0
    assert {"name", "recommendation"} <= set(report.clusters[0].pairs[0][3])
    # A manager's "complementary" links even a low-scoring pair; "unrelated" unlinks a high one.
    service.decide(db, a.id, c.id, "complementary", actor_id=users.manager.id)
    service.decide(db, a.id, b.id, "unrelated", actor_id=users.manager.id)
    db.commit()
    report = service.clusters(db, threshold=0.3)
    assert [{i.id for i in cl.initiatives} for cl in report.clusters] == [{a.id, c.id}]
    with pytest.raises(ValidationFailed):
        service.clusters(db, threshold=0.1)


def test_pairs_follow_changes(db: Session, trio: dict[str, Initiative]) -> None:
    from hub.initiatives.service import delete_initiative, update_initiative

    assert len(service.clusters(db, threshold=0.3).clusters) == 1
    c = trio["c"]
    update_initiative(db, c, InitiativeInput(kind="grensinfopunt", name_nl="GrensInfoPunt Twente Oost", regions=["NL213"],
                                             advice_codes=["5a"], description="Informatieloket voor grensgangers."),
                      actor_id=None)
    db.commit()
    cluster = service.clusters(db, threshold=0.3).clusters[0]
    assert {i.id for i in cluster.initiatives} == {trio["a"].id, trio["b"].id, c.id}
    delete_initiative(db, db.get(Initiative, trio["a"].id), actor_id=None)
    db.commit()
    assert {i.id for i in service.clusters(db, threshold=0.3).clusters[0].initiatives} == {trio["b"].id, c.id}


def test_rebuild_recomputes_terms_and_pairs(db: Session, trio: dict[str, Initiative]) -> None:
    assert service.rebuild(db) == 3
    db.commit()
    assert [{i.id for i in cl.initiatives} for cl in service.clusters(db, threshold=0.3).clusters] == [
        {trio["a"].id, trio["b"].id}]


# --- pages and rights -----------------------------------------------------------------------------


def test_panel_shows_candidates_to_members_and_decision_form_to_managers(client: HubClient, trio: dict[str, Initiative],
                                                                          users: Users) -> None:
    url = f"/initiatives/{trio['a'].id}"
    assert "Possible overlap" not in client.get(url).get_data(as_text=True)  # visitors: no panel
    client.login(users.partner.email)
    html = client.get(url).get_data(as_text=True)
    assert "Possible overlap" in html and "GrenzInfoPunkt Twente" in html and "Similar names" in html
    assert "Record decision" not in html
    client.submit("/logout")
    client.login(users.manager.email)
    html = client.get(url).get_data(as_text=True)
    assert "Record decision" in html


def test_manager_records_a_decision_through_the_page(client: HubClient, db: Session, trio: dict[str, Initiative],
                                                     users: Users) -> None:
    a, b = trio["a"], trio["b"]
    client.login(users.manager.email)
    response = client.submit(f"/overlap/{a.id}/decide", {"other_id": str(b.id), "verdict": "duplicate", "note": "Zelfde loket"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Decision recorded" in page and "Decided pairs" in page and "Zelfde loket" in page
    db.expire_all()
    assert [d.verdict.value for d, _other in service.decisions_for(db, a.id)] == ["duplicate"]


@pytest.mark.parametrize(("data", "message"), [
    ({"other_id": "abc", "verdict": "duplicate"}, "Choose one of the suggested initiatives."),
    ({"other_id": "", "verdict": "duplicate"}, "Choose one of the suggested initiatives."),
    ({"other_id": "99999", "verdict": "duplicate"}, "That initiative does not exist (any more)."),
    ({"other_id": "OTHER", "verdict": "perhaps"}, "Choose duplicate, complementary or unrelated."),
])
def test_bad_decision_posts_give_a_message_and_write_nothing(client: HubClient, db: Session, trio: dict[str, Initiative],
                                                            users: Users, data: dict[str, str], message: str) -> None:
    client.login(users.manager.email)
    data = {k: (str(trio["b"].id) if v == "OTHER" else v) for k, v in data.items()}
    response = client.submit(f"/overlap/{trio['a'].id}/decide", data, follow_redirects=True)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert service.decisions_for(db, trio["a"].id) == []


def test_only_managers_decide(client: HubClient, db: Session, trio: dict[str, Initiative], users: Users) -> None:
    url = f"/overlap/{trio['a'].id}/decide"
    data = {"other_id": str(trio["b"].id), "verdict": "duplicate"}
    visitor = client.submit(url, data)
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    client.login(users.partner.email)
    assert client.submit(url, data).status_code == 403
    assert service.decisions_for(db, trio["a"].id) == []
    assert client.post(url, data=data).status_code == 400  # no CSRF token


def test_report_page_for_members(client: HubClient, trio: dict[str, Initiative], users: Users) -> None:
    response = client.get("/overlap")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    client.login(users.partner.email)
    html = client.get("/overlap?min=0.3").get_data(as_text=True)
    assert "1 cluster" in html and "GrensInfoPunt Twente" in html and "GrenzInfoPunkt Twente" in html
    assert "similar name" in html
    for bad in ("abc", "0.05", "7", "nan"):
        refused = client.get(f"/overlap?min={bad}")
        assert refused.status_code == 400
        assert "The minimum score must lie between 0.3 and 1." in refused.get_data(as_text=True)
