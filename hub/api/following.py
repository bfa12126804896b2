"""API operations for partners' own alert subscriptions and the joint lobby priorities.

Both live behind a login on the site, so here they need a token. Subscriptions are always the caller's own;
lobby priorities are read by every member and changed by programme managers, through the lobby service.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from hub import advice
from hub.alerts import service as alerts
from hub.alerts.models import Rhythm, ScopeKind
from hub.api import serialise
from hub.api.access import Access
from hub.api.blueprint import api, commit, created, no_content
from hub.api.fields import URL_PATTERN, Field, choice, enum_values, ident, text
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.formatting import locale_code
from hub.i18n import LOCALES
from hub.lobby import service as lobby
from hub.lobby.models import LobbyCycle, LobbyPriority, PriorityStatus, TargetLevel

# --- subscriptions -----------------------------------------------------------------------------

SUBSCRIPTION_FIELDS = {
    "scope_kind": choice(enum_values(ScopeKind), _l("What to follow: everything, an initiative, an organisation, "
                                                    "a SER theme or a region."), required=True),
    "scope_key": text(64, _l("Its id or code: an initiative or organisation id, a SER code (\"5a\"), a region code; "
                             "empty for everything.")),
    "rhythm": choice(enum_values(Rhythm)),
    "email_enabled": Field("boolean"),
    "webhook_url": text(500, _l("Alerts are also posted here, signed with the subscription's secret."), nullable=True,
                        pattern=URL_PATTERN),
    "locale": choice(LOCALES, _l("Language of the alerts (default: the language of this request).")),
}


@api.operation("GET", "/subscriptions", summary=_l("Your own alert subscriptions"), tag="subscriptions",
               access=Access.MEMBER, returns="SubscriptionList")
def list_subscriptions() -> Response:
    session = get_session()
    return jsonify({"items": [serialise.subscription(session, s) for s in alerts.subscriptions_of(session, current_user)]})


@api.operation("POST", "/subscriptions", summary=_l("Subscribe to alerts"), tag="subscriptions", access=Access.WRITE,
               body=SUBSCRIPTION_FIELDS, status=201, returns="Subscription", errors=(409,))
def create_subscription(body: dict[str, Any]) -> tuple[Response, int]:
    session = get_session()
    data = alerts.SubscriptionInput(**{"locale": locale_code(), **body})
    subscription = alerts.subscribe_user(session, current_user, data, actor_id=current_user.id)
    commit()
    return created(serialise.subscription(session, subscription), url_for(".list_subscriptions"))


@api.operation("DELETE", "/subscriptions/{subscription_id}", summary=_l("Unsubscribe"), tag="subscriptions",
               access=Access.WRITE, status=204)
def delete_subscription(subscription_id: int) -> tuple[str, int]:
    """Someone else's subscription is reported as missing; unsubscribing twice is harmless."""
    session = get_session()
    alerts.unsubscribe(session, alerts.own_subscription(session, subscription_id, current_user), actor_id=current_user.id)
    commit()
    return no_content()


# --- lobby priorities --------------------------------------------------------------------------

PRIORITY_FIELDS = {
    "title_nl": text(250, nullable=True),
    "title_de": text(250, nullable=True),
    "title_en": text(250, nullable=True),
    "summary_nl": text(20_000),
    "summary_de": text(20_000),
    "summary_en": text(20_000),
    "target_level": choice(enum_values(TargetLevel), _l("Who the lobby addresses: the Dutch government (rijk), "
                                                        "the EU or a German Land."), required=True),
    "status": choice(enum_values(PriorityStatus)),
    "owner_id": ident(_l("The organisation that leads on the priority."), required=True),
    "advice_codes": Field("strings", _l("The SER recommendations it comes from."), choices=tuple(advice.RECOMMENDATIONS),
                          max_items=len(advice.RECOMMENDATIONS)),
}
NEW_PRIORITY_FIELDS = {"cycle_id": ident(_l("The lobby cycle (year) to add it to."), required=True), **PRIORITY_FIELDS}


def _current_priority(item: LobbyPriority) -> lobby.PriorityInput:
    return lobby.PriorityInput(
        owner_id=item.owner_id, target_level=item.target_level.value, status=item.status.value,
        title_nl=item.title_nl, title_de=item.title_de, title_en=item.title_en, summary_nl=item.summary_nl,
        summary_de=item.summary_de, summary_en=item.summary_en, advice_codes=item.advice_codes,
    )


@api.operation("GET", "/lobby/priorities", summary=_l("The lobby priorities, newest cycle first, by rank"), tag="lobby",
               access=Access.MEMBER, query={"cycle": ident(_l("Only the priorities of this cycle."))},
               returns="LobbyPriorityList")
def list_priorities(query: dict[str, Any]) -> Response:
    statement = select(LobbyPriority).join(LobbyPriority.cycle).order_by(LobbyCycle.year.desc(), LobbyPriority.rank)
    if query["cycle"] is not None:
        statement = statement.where(LobbyPriority.cycle_id == query["cycle"])
    return jsonify({"items": [serialise.priority(p) for p in get_session().scalars(statement)]})


@api.operation("POST", "/lobby/priorities", summary=_l("Add a priority to a lobby cycle (at most three)"), tag="lobby",
               access=Access.MANAGE, body=NEW_PRIORITY_FIELDS, status=201, returns="LobbyPriority")
def create_priority(body: dict[str, Any]) -> tuple[Response, int]:
    session = get_session()
    cycle = session.get(LobbyCycle, body.pop("cycle_id"))
    if cycle is None:
        raise ValidationFailed({"cycle_id": [_("Choose an existing lobby cycle.")]})
    item = lobby.add_priority(session, cycle, lobby.PriorityInput(**body), actor_id=current_user.id)
    commit()
    return created(serialise.priority(item), url_for(".get_priority", priority_id=item.id))


@api.operation("GET", "/lobby/priorities/{priority_id}", summary=_l("A lobby priority"), tag="lobby",
               access=Access.MEMBER, returns="LobbyPriority")
def get_priority(priority_id: int) -> Response:
    return jsonify(serialise.priority(lobby.get_priority(get_session(), priority_id)))


@api.operation("PATCH", "/lobby/priorities/{priority_id}", summary=_l("Change some fields of a lobby priority"),
               tag="lobby", access=Access.MANAGE, body=PRIORITY_FIELDS, partial=True, returns="LobbyPriority")
def update_priority(priority_id: int, body: dict[str, Any]) -> Response:
    session = get_session()
    item = lobby.get_priority(session, priority_id)
    lobby.update_priority(session, item, dataclasses.replace(_current_priority(item), **body), actor_id=current_user.id)
    commit()
    return jsonify(serialise.priority(item))


@api.operation("DELETE", "/lobby/priorities/{priority_id}", summary=_l("Remove a lobby priority"), tag="lobby",
               access=Access.MANAGE, status=204)
def delete_priority(priority_id: int) -> tuple[str, int]:
    session = get_session()
    lobby.remove_priority(session, lobby.get_priority(session, priority_id), actor_id=current_user.id)
    commit()
    return no_content()
