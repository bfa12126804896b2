"""Issue 12, entering money: amounts and shares as people type them, one parser for the form, the API and the import;
an amount that reads two ways is asked back, never guessed."""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.app import create_app
from hub.api import service as auth
from hub.events.models import Event
from hub.funding.models import FundingStream
from hub.money import AmountAmbiguous, AmountError, parse_amount, parse_share
from hub.transfer.service import run_import
from tests.conftest import HubClient, Users
from tests.factories import initiative, organisation, stream

M = Decimal(1_000_000)


def _plain(text: str) -> str:
    """Money as Babel writes it keeps the symbol and the number together with a no-break space."""
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "test", "TESTING": True,
                       "INSTANCE_PATH": str(tmp_path_factory.mktemp("money"))})


# --- the parser -------------------------------------------------------------------------------

CLEAR = [
    ("1.200.000", Decimal(1_200_000)), ("1.200.000,50", Decimal("1200000.50")), ("1,200,000.50", Decimal("1200000.50")),
    ("€ 1.2 mln", Decimal("1.2") * M), ("1,2 mln", Decimal("1.2") * M), ("1,2 mio", Decimal("1.2") * M),
    ("1.2M", Decimal("1.2") * M), ("€ 250k", Decimal(250_000)), ("1,5 Mio. €", Decimal("1.5") * M),
    ("2 mrd", Decimal(2_000_000_000)), ("EUR 3.000.000", Decimal(3_000_000)), ("2.400.000 €", Decimal(2_400_000)),
    ("1 200 000", Decimal(1_200_000)), ("1\u00a0200\u00a0000,50", Decimal("1200000.50")), ("12,5", Decimal("12.5")),
    ("12.5", Decimal("12.5")), ("0,500", Decimal("0.5")), ("1500", Decimal(1500)), ("", None), (None, None),
    (1440000.0, Decimal(1440000)), (Decimal("12.34"), Decimal("12.34")), (7, Decimal(7)),
]


@pytest.mark.parametrize("locale", ["nl", "de", "en"])
@pytest.mark.parametrize(("raw", "expected"), CLEAR)
def test_clear_amounts_read_the_same_in_every_language(plain_app: Flask, locale: str, raw, expected) -> None:
    with plain_app.test_request_context(), force_locale(locale):
        assert parse_amount(raw) == expected


@pytest.mark.parametrize(("locale", "raw", "question", "typed"), [
    ("nl", "1.200", "Bedoelt u € 1.200 of € 1,20?", ["1200", "1,20"]),
    ("nl", "1,200", "Bedoelt u € 1.200 of € 1,20?", ["1200", "1,20"]),
    ("de", "1.200", "Meinten Sie 1.200 € oder 1,20 €?", ["1200", "1,20"]),
    ("en", "1,200", "Did you mean €1,200 or €1.20?", ["1200", "1.20"]),
    ("en", "€ 1,250 mln", "Did you mean €1,250,000,000 or €1,250,000?", ["1250000000", "1250000"]),
])
def test_an_amount_that_reads_two_ways_is_asked_back(plain_app: Flask, locale: str, raw: str, question: str,
                                                     typed: list[str]) -> None:
    with plain_app.test_request_context(), force_locale(locale):
        with pytest.raises(AmountAmbiguous) as caught:
            parse_amount(raw)
        assert _plain(caught.value.message) == question
        assert [choice[2] for choice in caught.value.choices] == typed
        assert [parse_amount(text) for text in typed] == [choice[0] for choice in caught.value.choices]


@pytest.mark.parametrize(("raw", "message"), [
    ("-5", "An amount cannot be negative."), ("− 1.200.000", "An amount cannot be negative."),
    ("nan", "“nan” is not an amount"), ("inf", "“inf” is not an amount"), (float("nan"), "“nan” is not an amount"),
    (float("inf"), "“inf” is not an amount"), (Decimal("-3"), "An amount cannot be negative."),
    ("1.2.3,4,5", "is not an amount"), ("1,,5", "is not an amount"), ("veel", "“veel” is not an amount"),
    ("12 apples", "“apples” is not a unit we know"), ("1,255", ""), ("0,505", "more than two decimals"),
    (True, "is not an amount"), ("9" * 80, "is not an amount"),
])
def test_negative_infinite_and_unreadable_amounts_are_refused(plain_app: Flask, raw, message: str) -> None:
    with plain_app.test_request_context(), force_locale("en"), pytest.raises(AmountError) as caught:
        parse_amount(raw)
    assert message in caught.value.message


@pytest.mark.parametrize(("raw", "expected"), [
    ("80%", Decimal(80)), ("80 %", Decimal(80)), ("80", Decimal(80)), ("0,8", Decimal(80)), ("0.8", Decimal(80)),
    ("12,5 %", Decimal("12.5")), ("100", Decimal(100)), (0.8, Decimal(80)), (1.0, Decimal(100)), ("", None),
])
def test_shares_as_percentages_or_fractions(plain_app: Flask, raw, expected) -> None:
    with plain_app.test_request_context(), force_locale("nl"):
        assert parse_share(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [("1", "Did you mean 1 % or 100 %?"), ("150", "“150” is more than 100 %."),
                                              ("-80%", "“-80%” is not a percentage."), ("veel", "“veel” is not a percentage.")])
def test_doubtful_and_impossible_shares_are_refused(plain_app: Flask, raw: str, message: str) -> None:
    with plain_app.test_request_context(), force_locale("en"), pytest.raises(AmountError) as caught:
        parse_share(raw)
    assert caught.value.message == message


# --- the funding form -------------------------------------------------------------------------

def _dutch(client: HubClient, users: Users, db: Session) -> None:
    """A Dutch manager, logged in. (The test's app context keeps the first request's language, so it is Dutch
    from the first request on.)"""
    users.manager.locale = "nl"
    db.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    client.login(users.manager.email)


def _form(funder_id: int, **change: str) -> dict[str, str]:
    return {"funder_id": str(funder_id), "kind": "temporary", "amount": "", "currency": "EUR", "cofinancing_share": "",
            "start_date": "2024-01-01", "end_date": "2026-12-31", **change}


@pytest.mark.parametrize(("typed", "share", "amount", "stored_share"), [
    ("1.200.000,50", "80%", Decimal("1200000.50"), Decimal(80)),
    ("€ 1,2 mln", "0,8", Decimal(1_200_000), Decimal(80)),
    ("1,200,000.50", "80 %", Decimal("1200000.50"), Decimal(80)),
    ("€ 250k", "", Decimal(250_000), None),
])
def test_the_funding_form_takes_amounts_as_people_type_them(client: HubClient, users: Users, db: Session, typed: str,
                                                           share: str, amount: Decimal, stored_share) -> None:
    target, funder = initiative(db, "GrensInfoPunt Euregio", kind="grensinfopunt"), organisation(db)
    db.commit()
    client.login(users.manager.email)
    response = client.submit(f"/initiatives/{target.id}/funding/new",
                             _form(funder.id, amount=typed, cofinancing_share=share))
    assert response.status_code == 302
    saved = db.scalar(select(FundingStream))
    assert (saved.amount, saved.cofinancing_share) == (amount, stored_share)


def test_an_ambiguous_amount_is_asked_back_and_nothing_is_saved(client: HubClient, users: Users, db: Session) -> None:
    target, funder = initiative(db, "GrensInfoPunt Euregio", kind="grensinfopunt"), organisation(db)
    db.commit()
    events = len(db.scalars(select(Event)).all())
    _dutch(client, users, db)
    response = client.submit(f"/initiatives/{target.id}/funding/new", _form(funder.id, amount="1.200"))
    html = _plain(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Bedoelt u € 1.200 of € 1,20?" in html
    assert re.search(r'data-amount-choice="1200"[^>]*>€ 1.200<', html)
    assert re.search(r'data-amount-choice="1,20"[^>]*>€ 1,20<', html)
    assert 'value="1.200"' in html, "what the user typed stays in the box"
    assert db.scalar(select(FundingStream)) is None and len(db.scalars(select(Event)).all()) == events
    response = client.submit(f"/initiatives/{target.id}/funding/new", _form(funder.id, amount="1200"))
    assert response.status_code == 302 and db.scalar(select(FundingStream.amount)) == Decimal(1200)


def test_amount_boxes_are_text_that_browsers_leave_alone_and_edit_reads_back_unchanged(
        client: HubClient, users: Users, db: Session) -> None:
    target = initiative(db, "GrensInfoPunt Euregio", kind="grensinfopunt")
    saved = stream(db, target, amount="1200")
    db.commit()
    client.login(users.manager.email)
    html = client.get(f"/funding/{saved.id}/edit").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="amount"[^>]*>', html).group(0)
    assert 'type="text"' in box and 'inputmode="decimal"' in box and 'value="1,200.00"' in box
    assert 'type="number"' not in html
    assert "/static/amount.js" in html
    form = _form(saved.funder_id, amount="1,200.00")
    assert client.submit(f"/funding/{saved.id}/edit", form).status_code == 302
    db.expire_all()
    assert db.get(FundingStream, saved.id).amount == Decimal(1200)


def test_the_preview_says_how_the_server_reads_the_text(client: HubClient, users: Users, db: Session) -> None:
    _dutch(client, users, db)

    def preview(**args: str) -> dict:
        body = client.get("/funding/amount-preview", query_string=args).get_json()
        return json.loads(_plain(json.dumps(body, ensure_ascii=False)))

    assert preview(text="1.200.000,50") == {"preview": "€ 1.200.000,50"}
    assert preview(text="1,2 mln", currency="EUR") == {"preview": "€ 1.200.000"}
    assert preview(text="1.200")["question"] == "Bedoelt u € 1.200 of € 1,20?"
    assert preview(text="1.200")["choices"] == [["€ 1.200", "1200"], ["€ 1,20", "1,20"]]
    assert "negatief" in preview(text="-5")["error"]
    assert preview(text="0,8", kind="share") == {"preview": "80 %"}


def test_the_preview_is_for_logged_in_users_only(client: HubClient) -> None:
    assert client.get("/funding/amount-preview?text=1").status_code in (302, 401)


# --- the API and the import -------------------------------------------------------------------

def test_the_api_takes_numbers_and_typed_text(app: Flask, users: Users, db: Session) -> None:
    target, funder = initiative(db, "GrensInfoPunt Euregio", kind="grensinfopunt"), organisation(db)
    secret = auth.create_token(db, users.manager, name="system", scope="write", actor_id=users.manager.id).secret
    db.commit()
    api: FlaskClient = app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    body = {"funder_id": funder.id, "kind": "temporary", "start_date": "2024-01-01"}
    response = api.post(f"/api/v1/initiatives/{target.id}/funding", headers=headers,
                        json={**body, "amount": "1.200.000,50", "cofinancing_share": "80%"})
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["amount"], response.get_json()["cofinancing_share"]) == (1200000.5, 80.0)
    response = api.post(f"/api/v1/initiatives/{target.id}/funding", headers=headers, json={**body, "amount": "1.200"})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "amount"
    assert "Did you mean €1,200 or €1.20?" in response.get_json()["error"]["message"]
    response = api.post(f"/api/v1/initiatives/{target.id}/funding", headers=headers, json={**body, "amount": "-1"})
    assert response.status_code == 422
    response = api.post(f"/api/v1/initiatives/{target.id}/funding", headers=headers, json={**body, "amount": 2500})
    assert response.status_code == 201 and response.get_json()["amount"] == 2500


def test_the_import_reads_amounts_the_same_way_and_asks_about_ambiguous_ones(db: Session) -> None:
    data = ("kind;name_nl;funder;amount;funding_start\n"
            "other;Grenscafé;Gemeente Kerkrade (NL);1,2 mln;1-5-2024\n"
            "other;Grenswinkel;Gemeente Kerkrade (NL);1.200;1-5-2024\n").encode()
    plan = run_import(db, data, filename="x.csv", fmt=None, dry_run=True, actor_id=None)
    assert [(e.line, e.column, e.message) for e in plan.errors] == [(3, "amount", "Did you mean €1,200 or €1.20?")]
    fixed = data.replace(b"1.200;", b"1.200,00;")
    plan = run_import(db, fixed, filename="x.csv", fmt=None, dry_run=False, actor_id=None)
    db.commit()
    assert plan.ok
    assert sorted(db.scalars(select(FundingStream.amount))) == [Decimal(1200), Decimal(1_200_000)]
    assert date(2024, 5, 1) in set(db.scalars(select(FundingStream.start_date)))
