"""Issue 12, funding truth: every stream that ends is a cliff of its own (money and share at risk), with
planned/expected/actual ends, renewal decisions, successors and reminders before and after."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.alerts import cliffs, consumer, service
from hub.alerts.models import AlertItem
from hub.alerts.service import AlertEvent, SubscriptionInput
from hub.auth.models import Role
from hub.auth.service import create_user
from hub.errors import ValidationFailed
from hub.events import Event
from hub.funding.horizon import funding_horizon, stream_cliffs
from hub.funding.service import current_input, update_stream
from tests.conftest import PASSWORD, HubClient, Users
from tests.factories import initiative, stream
from tests.test_alerts_support import Clock, Inbox, fixed_clock, header, run_jobs, smtp_inbox  # noqa: F401 (fixtures)

THRESHOLDS = (365, 180, 90, 30, 0)
TODAY = date(2026, 3, 1)
END = TODAY + timedelta(days=400)


def partial_cliff(db: Session):  # type: ignore[no-untyped-def]
    """€250k structural money that stays and €1.2M (83 %) that ends: the horizon is open-ended."""
    target = initiative(db, "Grensinfopunt Twente")
    stream(db, target, funder="Provincie Overijssel", kind="structural", end=None, amount="250000", start=date(2020, 1, 1))
    project = stream(db, target, funder="Interreg Deutschland-Nederland", end=END, amount="1200000", start=date(2023, 1, 1))
    db.commit()
    return target, project


def events(db: Session, *names: str) -> list[tuple[str, dict]]:
    rows = db.scalars(select(Event).where(Event.name.in_(names)).order_by(Event.id))
    return [(e.name, e.payload) for e in rows]


def run_days(db: Session, first: date, last: date) -> None:
    day = first
    while day <= last:
        cliffs.evaluate(db, today=day, thresholds=THRESHOLDS)
        db.commit()
        day += timedelta(days=1)


def change(db: Session, funding, **values) -> None:  # type: ignore[no-untyped-def]
    update_stream(db, funding, dataclasses.replace(current_input(funding), **values), actor_id=None)
    db.commit()


def test_partial_cliff_is_money_at_risk_with_its_share(db: Session) -> None:
    target, project = partial_cliff(db)
    assert funding_horizon(target.funding_streams) is None, "the structural stream keeps the horizon open"
    [cliff] = [c for c in stream_cliffs(target.funding_streams, 90) if c.stream.id == project.id]
    assert (cliff.end, round(cliff.share * 100), cliff.decision, cliff.successor, cliff.last) == (
        END, 83, END - timedelta(days=90), False, False)


def test_partial_cliff_fires_at_each_offset_once_per_stream_and_after_the_end(db: Session) -> None:
    target, project = partial_cliff(db)
    run_days(db, END - timedelta(days=370), END + timedelta(days=20))
    run_days(db, END + timedelta(days=3), END + timedelta(days=5))  # a rerun changes nothing

    ends = events(db, AlertEvent.CLIFF_STREAM)
    assert [(p["offset"], p["days_left"]) for _n, p in ends] == [
        (-365, 365), (-180, 180), (-90, 90), (-30, 30), (0, 0), (14, -14)]
    first = ends[0][1]
    assert (first["stream_id"], Decimal(first["amount"]), first["share"], first["end_date"], first["horizon"]) == (
        project.id, Decimal(1_200_000), "0.8276", END.isoformat(), None)
    assert events(db, AlertEvent.CLIFF_THRESHOLD) == [], "the initiative itself goes on"
    decisions = events(db, AlertEvent.CLIFF_RENEWAL)
    decided = END - timedelta(days=90)
    assert [(p["offset"], p["date"]) for _n, p in decisions] == [
        (offset, decided.isoformat()) for offset in (-365, -180, -90, -30, 0, 14)], "-365 caught up on the first day"


def test_a_missed_stretch_is_caught_up_with_one_reminder(db: Session) -> None:
    partial_cliff(db)
    cliffs.evaluate(db, today=END - timedelta(days=200), thresholds=THRESHOLDS)
    cliffs.evaluate(db, today=END - timedelta(days=20), thresholds=THRESHOLDS)
    db.commit()
    assert [p["offset"] for _n, p in events(db, AlertEvent.CLIFF_STREAM)] == [-365, -30]


def test_an_extension_lifts_the_stream_cliff_and_arms_the_new_end(db: Session) -> None:
    _target, project = partial_cliff(db)
    run_days(db, END - timedelta(days=31), END - timedelta(days=29))
    later = END + timedelta(days=183)
    change(db, project, expected_end_date=later)
    assert project.effective_end == later and project.extended
    run_days(db, END - timedelta(days=28), END - timedelta(days=28))

    [(_name, lifted)] = events(db, AlertEvent.CLIFF_STREAM_LIFTED)
    assert (lifted["rule"], lifted["old_date"], lifted["date"], lifted["end_date"]) == (
        "end", END.isoformat(), later.isoformat(), later.isoformat())
    assert [p["date"] for _n, p in events(db, AlertEvent.CLIFF_STREAM)][-1] == later.isoformat(), "re-armed on the new end"
    assert events(db, AlertEvent.CLIFF_RENEWAL) == [], "its decision lay beyond catching up on the first day run"


def test_a_successor_lifts_the_stream_cliff(db: Session) -> None:
    target, project = partial_cliff(db)
    run_days(db, END - timedelta(days=95), END - timedelta(days=90))
    follow_up = stream(db, target, funder="Regio Deal Twente", start=END + timedelta(days=1), end=END + timedelta(days=800),
                       amount="900000")
    db.commit()
    change(db, project, successor_id=follow_up.id)
    run_days(db, END - timedelta(days=89), END + timedelta(days=20))

    assert {p["rule"] for _n, p in events(db, AlertEvent.CLIFF_STREAM_LIFTED)} == {"end", "decision"}
    assert [p["offset"] for _n, p in events(db, AlertEvent.CLIFF_STREAM)] == [-180, -90]
    assert [p["offset"] for _n, p in events(db, AlertEvent.CLIFF_RENEWAL)] == [-30, 0], "until decision day, nothing after"


def test_a_renewal_decision_passing_without_successor_alerts_even_for_the_last_stream(db: Session) -> None:
    target = initiative(db, "Euregio Arbeidsmarktloket")
    only = stream(db, target, end=END, amount="500000")
    db.commit()
    change(db, only, renewal_decision_date=END - timedelta(days=200))
    run_days(db, END - timedelta(days=201), END - timedelta(days=185))

    assert [(p["offset"], p["date"]) for _n, p in events(db, AlertEvent.CLIFF_RENEWAL)] == [
        (-30, (END - timedelta(days=200)).isoformat()), (0, (END - timedelta(days=200)).isoformat()),
        (14, (END - timedelta(days=200)).isoformat())]
    assert events(db, AlertEvent.CLIFF_STREAM) == [], "the last stream's end is the initiative cliff"


def test_actual_and_expected_ends_decide_the_horizon(db: Session) -> None:
    target = initiative(db, "Grenzpendlerberatung")
    funding = stream(db, target, end=date(2027, 6, 30))
    db.commit()
    change(db, funding, expected_end_date=date(2027, 12, 31))
    assert funding_horizon(target.funding_streams) == date(2027, 12, 31)
    change(db, funding, actual_end_date=date(2027, 3, 31))
    assert funding_horizon(target.funding_streams) == date(2027, 3, 31), "the actual end wins over the expected one"


def test_successor_must_be_another_stream_of_the_same_initiative(db: Session) -> None:
    _target, project = partial_cliff(db)
    elsewhere = stream(db, initiative(db, "Ander initiatief"), end=END)
    db.commit()
    for wrong in (project.id, elsewhere.id, 999_999):
        try:
            change(db, project, successor_id=wrong)
        except ValidationFailed as error:
            assert "successor_id" in error.errors
            db.rollback()
        else:
            raise AssertionError(f"successor {wrong} accepted")


def test_each_subscription_hears_reminders_at_its_own_offsets(db: Session, fixed_clock: Clock) -> None:
    target, _project = partial_cliff(db)
    people = {}
    for email, offsets in (("central@gip.test", ""), ("late@gip.test", "-7,+3")):
        user = create_user(db, email=email, name=email, password=PASSWORD, role=Role.PARTNER)
        people[email] = service.subscribe_user(db, user, SubscriptionInput("initiative", str(target.id),
                                                                           reminder_offsets=offsets), actor_id=user.id)
    db.commit()
    assert people["late@gip.test"].reminder_offsets == "-7,3"
    fixed_clock.current = fixed_clock.current.replace(year=2030)  # events happen after the subscriptions
    run_days(db, END - timedelta(days=31), END + timedelta(days=15))
    while consumer.follow_events(db):
        db.commit()
    db.commit()

    def heard(subscription) -> list[int]:  # type: ignore[no-untyped-def]
        rows = db.scalars(select(Event).join(AlertItem, AlertItem.event_id == Event.id)
                          .where(AlertItem.subscription_id == subscription.id, Event.name == AlertEvent.CLIFF_STREAM)
                          .order_by(Event.id))
        return [e.payload["offset"] for e in rows]

    assert heard(people["central@gip.test"]) == [-90, -30, 0, 14], "-90 caught up on the first day"
    assert heard(people["late@gip.test"]) == [-7, 3]


def test_reminder_offsets_are_validated(db: Session) -> None:
    user = create_user(db, email="x@gip.test", name="x", password=PASSWORD, role=Role.PARTNER)
    try:
        service.subscribe_user(db, user, SubscriptionInput("all", reminder_offsets="soon"), actor_id=user.id)
    except ValidationFailed as error:
        assert "reminder_offsets" in error.errors
    else:
        raise AssertionError("accepted")


def test_partial_cliff_shows_on_the_dashboard_and_the_initiative_page(
        client: HubClient, users: Users, db: Session, fixed_clock: Clock) -> None:
    today = fixed_clock.today()
    target = initiative(db, "Grensinfopunt Twente")
    stream(db, target, funder="Provincie Overijssel", kind="structural", end=None, amount="250000", start=date(2020, 1, 1))
    stream(db, target, funder="Interreg Deutschland-Nederland", end=today + timedelta(days=150), amount="1200000",
           start=date(2023, 1, 1))
    db.commit()
    client.login(users.manager.email)

    board = client.get("/alerts/cliffs").get_data(as_text=True)
    row = board[board.index("Grensinfopunt Twente"):]
    row = row[:row.index("</tr>")]
    assert "Interreg Deutschland-Nederland" in row and "€1,200,000" in row and "83%" in row and "none recorded" in row
    page = client.get(f"/initiatives/{target.id}").get_data(as_text=True)
    risk = page[page.index('id="money-at-risk"'):]
    assert "€1,200,000" in risk and "83%" in risk and "none recorded" in risk


def test_a_manager_records_expected_end_and_successor_in_the_form(client: HubClient, users: Users, db: Session) -> None:
    target, project = partial_cliff(db)
    follow_up = stream(db, target, funder="Regio Deal Twente", start=END + timedelta(days=1), end=END + timedelta(days=800))
    db.commit()
    client.login(users.manager.email)
    form = {"funder_id": str(project.funder_id), "kind": "temporary", "amount": "1200000", "currency": "EUR",
            "start_date": "2023-01-01", "end_date": END.isoformat(), "expected_end_date": (END + timedelta(days=30)).isoformat(),
            "renewal_decision_date": "2026-09-01", "successor_id": str(follow_up.id)}
    assert client.submit(f"/funding/{project.id}/edit", form).status_code == 302
    db.refresh(project)
    assert (project.effective_end, project.renewal_decision_date, project.successor_id) == (
        END + timedelta(days=30), date(2026, 9, 1), follow_up.id)
    [(_name, changed)] = events(db, "funding.updated")
    assert changed["before"]["expected_end_date"] is None and changed["after"]["successor_id"] == follow_up.id

    form["successor_id"] = str(project.id)
    response = client.submit(f"/funding/{project.id}/edit", form)
    assert response.status_code == 422
    assert "Choose another funding stream of the same initiative as successor." in response.get_data(as_text=True)


def test_api_shows_the_stream_dates_and_successor(client: HubClient, db: Session) -> None:
    target, project = partial_cliff(db)
    change(db, project, expected_end_date=END + timedelta(days=10))
    body = client.get(f"/api/v1/funding/{project.id}").get_json()
    assert (body["end_date"], body["expected_end_date"], body["effective_end_date"], body["successor_id"],
            body["programme_envelope"]) == (END.isoformat(), (END + timedelta(days=10)).isoformat(),
                                            (END + timedelta(days=10)).isoformat(), None, False)


def test_the_demo_registry_shows_partial_cliffs_from_the_ser_advice(app, db: Session) -> None:  # type: ignore[no-untyped-def]
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    from hub.initiatives.models import Initiative

    partial = {}
    for target in db.scalars(select(Initiative)):
        for cliff in stream_cliffs(target.funding_streams, 90, since=date(2026, 12, 1)):
            if not cliff.last and not cliff.successor and cliff.share is not None:
                partial[target.slug] = (cliff.stream.funder.name, round(cliff.share * 100), cliff.end)
    assert partial["euregionale-doorlopende-leerlijn"][1:] == (89, date(2027, 8, 31)), "Interreg's €2.4M of EDL's €2.7M ends before the province's part"
    assert partial["grensinfopunt-euregio"][1:] == (42, date(2027, 12, 31)), "the province's €180k beside SZW's structural half"
    assert partial["grensinfopunt-scheldemond"][1:] == (26, date(2027, 3, 31))
    from hub.funding.models import FundingStream

    [envelope] = db.scalars(select(FundingStream).where(FundingStream.programme_envelope.is_(True))).all()
    assert envelope.amount == 240_000_000, "the Interreg VI A programme budget"


def test_daily_digest_groups_per_initiative_newest_first_with_changes_and_reasons(
        app, db: Session, smtp_inbox: Inbox, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    first = initiative(db, "Grenzlotsen")
    a = stream(db, first, end=date(2026, 12, 31))
    second = initiative(db, "Pendlerberatung")
    user = create_user(db, email="daily@gip.test", name="Daily", password=PASSWORD, role=Role.PARTNER)
    service.subscribe_user(db, user, SubscriptionInput("all", rhythm="daily"), actor_id=user.id)
    db.commit()
    fixed_clock.advance(hours=1)
    change(db, a, end_date=date(2027, 6, 30))
    stream(db, second, end=date(2028, 1, 31))
    db.commit()
    change(db, a, amount=Decimal(1_500_000))
    run_jobs(app, "follow_events", "dispatch")
    assert smtp_inbox.unique() == {}, "a daily subscriber waits for the morning"

    fixed_clock.advance(days=1)
    run_jobs(app, "dispatch")
    [digest] = smtp_inbox.unique().values()
    body = digest.get_content()
    assert header(digest, "Subject") == "Grenshub: 3 alerts"
    assert body.index("== Grenzlotsen ==") < body.index("== Pendlerberatung ==")
    grenzlotsen = body[body.index("== Grenzlotsen =="):body.index("== Pendlerberatung ==")]
    assert grenzlotsen.index("amount €1,000,000 → €1,500,000") < grenzlotsen.index("end date Dec 31, 2026 → Jun 30, 2027")
    assert body.count("Rule: changes to what you follow.") == 3
    assert "Unsubscribe with one click:" in body


def test_reminder_says_which_rule_and_offsets_sent_it(app, db: Session, smtp_inbox: Inbox, fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    target, _project = partial_cliff(db)
    user = create_user(db, email="why@gip.test", name="Why", password=PASSWORD, role=Role.PARTNER)
    service.subscribe_user(db, user, SubscriptionInput("initiative", str(target.id), reminder_offsets="-30,14"),
                           actor_id=user.id)
    db.commit()
    fixed_clock.current = fixed_clock.current.replace(year=2027, month=4, day=1)
    cliffs.evaluate(db, today=END + timedelta(days=14), thresholds=THRESHOLDS, offsets=(-30,))
    db.commit()
    run_jobs(app, "follow_events", "dispatch")
    [message] = smtp_inbox.unique().values()
    assert header(message, "Subject") == (
        "€1,200,000 (83%) of the funding of Grensinfopunt Twente ended 14 days ago")
    assert "Rule: reminder at 14 days from the end of a funding stream (your reminder days: -30,14)." in message.get_content()


def test_initiatives_list_filters_and_sorts_on_money_ending(client: HubClient, db: Session, fixed_clock: Clock) -> None:
    today = fixed_clock.today()
    partial = initiative(db, "Grensinfopunt Twente")
    stream(db, partial, funder="Provincie Overijssel", kind="structural", end=None, amount="250000", start=date(2020, 1, 1))
    stream(db, partial, funder="Interreg Deutschland-Nederland", end=today + timedelta(days=150), amount="1200000",
           start=date(2023, 1, 1))
    small = initiative(db, "Grenzlotsen")
    stream(db, small, kind="structural", end=None, amount="900000", start=date(2020, 1, 1))
    stream(db, small, funder="Gemeente Enschede", end=today + timedelta(days=100), amount="100000", start=date(2023, 1, 1))
    followed = initiative(db, "Pendlerberatung")
    first = stream(db, followed, end=today + timedelta(days=60), amount="500000", start=date(2023, 1, 1))
    successor = stream(db, followed, funder="Provincie Gelderland", end=today + timedelta(days=900), amount="500000",
                       start=today + timedelta(days=61))
    later = initiative(db, "Langlopend")
    stream(db, later, end=today + timedelta(days=600), amount="100000", start=date(2023, 1, 1))
    db.commit()
    change(db, first, successor_id=successor.id)

    def names(query: str) -> list[str]:
        page = client.get(f"/initiatives?{query}").get_data(as_text=True)
        table = page[page.index('id="initiatives"'):]
        return [n for n in ("Grensinfopunt Twente", "Grenzlotsen", "Pendlerberatung", "Langlopend") if n in table]

    assert names("horizon_months=6") == [], "no initiative loses its last euro within six months"
    assert names("ending_months=6") == ["Grensinfopunt Twente", "Grenzlotsen"], "a recorded successor is no cliff"
    page = client.get("/initiatives?sort=share_ending").get_data(as_text=True)
    assert page.index("Grensinfopunt Twente") < page.index("Grenzlotsen") < page.index("Langlopend")
    assert client.get("/initiatives?ending_months=99999999999999999999").status_code == 200


def test_lobby_brief_lists_partial_cliffs_apart_from_full_ones(app, db: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hub.lobby.brief import brief_blocks, build_brief
    from tests import lobby_factories as lf

    lf.freeze_clock(monkeypatch, date(2026, 3, 1))
    cycle, _priorities = lf.three_priorities(db)
    target, _project = partial_cliff(db)
    full = initiative(db, "Grenzlotsen")
    stream(db, full, end=date(2026, 9, 30), start=date(2023, 1, 1), amount="100000")
    stream(db, full, funder="Gemeente Enschede", end=date(2026, 12, 31), start=date(2023, 1, 1), amount="100000")
    db.commit()
    with app.test_request_context(), force_locale("en"):
        brief = build_brief(db, cycle)
        assert [(i.name_nl, c.stream.funder.name, c.end) for i, c in brief.partial] == [
            ("Grensinfopunt Twente", "Interreg Deutschland-Nederland", END)], "Grenzlotsen is at risk as a whole"
        [table] = [b for b in brief_blocks(brief) if getattr(b, "name", "") == "partial-cliffs"]
        assert table.rows[0].cells[3:] == ("€1,200,000", "83%")


def test_coverage_matrix_shows_money_ending_and_leaves_programme_budgets_out(
        client: HubClient, db: Session, fixed_clock: Clock) -> None:
    today = fixed_clock.today()
    target = initiative(db, "Grensinfopunt Twente", advice_codes=["5a"], status="active")
    stream(db, target, funder="Provincie Overijssel", kind="structural", end=None, amount="250000", start=date(2020, 1, 1))
    stream(db, target, funder="Interreg Deutschland-Nederland", end=today + timedelta(days=150), amount="1200000",
           start=date(2023, 1, 1))
    programme = initiative(db, "Interreg VI A", advice_codes=["5a"], status="active")
    envelope = stream(db, programme, funder="Europese Commissie", end=today + timedelta(days=700), amount="240000000",
                      start=date(2021, 1, 1))
    db.commit()
    change(db, envelope, programme_envelope=True)
    from hub.coverage.service import coverage_matrix

    rows = {row.code: row for row in coverage_matrix(db).rows}
    assert rows["5a"].money == {"EUR": Decimal(1_450_000)} and rows["5a"].ending == {"EUR": Decimal(1_200_000)}
    page = client.get("/coverage").get_data(as_text=True)
    assert "€1,200,000" in page and "€240,000,000" not in page


def test_every_alert_links_to_one_click_settings(app, db: Session, client: HubClient, smtp_inbox: Inbox,
                                                 fixed_clock: Clock) -> None:  # type: ignore[no-untyped-def]
    import re

    target, project = partial_cliff(db)
    subscription = service.request_subscription(db, "anon@gip.test", SubscriptionInput("initiative", str(target.id)))
    db.commit()
    assert subscription is not None
    service.confirm_subscription(db, subscription)
    db.commit()
    fixed_clock.advance(hours=1)
    change(db, project, end_date=END + timedelta(days=1))
    run_jobs(app, "follow_events", "dispatch")
    [message] = [m for m in smtp_inbox.unique().values() if "changed" in header(m, "Subject")]
    path = re.search(r"http://hub\.test(/alerts/settings/\S+)", message.get_content()).group(1)  # type: ignore[union-attr]

    assert client.get(path).status_code == 200, "no login needed: the signed link authorises"
    refused = client.submit(path, {"rhythm": "daily", "reminder_offsets": "soon"})
    assert refused.status_code == 422
    assert client.submit(path, {"rhythm": "daily", "reminder_offsets": "14, -30"}).status_code == 200
    db.refresh(subscription)
    assert (subscription.rhythm, subscription.reminder_offsets) == ("daily", "-30,14")
    assert client.get("/alerts/settings/forged").status_code == 404
