"""Registry records as the JSON the API returns (the shapes ``hub.api.openapi.SCHEMAS`` documents)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from hub.alerts.models import AlertSubscription
from hub.alerts.service import scope_label
from hub.events.models import Event
from hub.formatting import locale_code
from hub.funding.horizon import funding_horizon
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative
from hub.lobby.models import LobbyPriority
from hub.stakeholders.models import InitiativeRole, Organisation, Person


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime) -> str:
    return value.isoformat()


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def initiative(item: Initiative, horizon: date | None, *, detail: bool = False) -> dict[str, Any]:
    """The list shows the record; the detail adds its funding streams and stakeholder roles."""
    out: dict[str, Any] = {
        "id": item.id,
        "slug": item.slug,
        "kind": item.kind.value,
        "name": item.name_in(locale_code()),
        "name_nl": item.name_nl,
        "name_de": item.name_de,
        "name_en": item.name_en,
        "acronym": item.acronym,
        "aliases": item.alias_list,
        "description": item.description,
        "status": item.status.value,
        "start_date": _day(item.start_date),
        "end_date": _day(item.end_date),
        "dates_estimated": item.dates_estimated,
        "regions": item.region_codes,
        "advice_codes": item.advice_codes,
        "website": item.website,
        "parent_id": item.parent_id,
        "source": item.source,
        "funding_horizon": _day(horizon),
        "created_at": _moment(item.created_at),
        "updated_at": _moment(item.updated_at),
    }
    if detail:
        out["funding_streams"] = [stream(s) for s in item.funding_streams]
        out["roles"] = [role(r) for r in sorted(item.roles, key=lambda r: r.id)]
    return out


def initiative_detail(item: Initiative) -> dict[str, Any]:
    return initiative(item, funding_horizon(item.funding_streams), detail=True)


def stream(item: FundingStream) -> dict[str, Any]:
    return {
        "id": item.id,
        "initiative_id": item.initiative_id,
        "funder_id": item.funder_id,
        "funder": item.funder.name,
        "kind": item.kind.value,
        "amount": _number(item.amount),
        "currency": item.currency,
        "cofinancing_share": _number(item.cofinancing_share),
        "start_date": item.start_date.isoformat(),
        "end_date": _day(item.end_date),
        "amount_estimated": item.amount_estimated,
        "end_date_estimated": item.end_date_estimated,
        "expected_end_date": _day(item.expected_end_date),
        "actual_end_date": _day(item.actual_end_date),
        "effective_end_date": _day(item.effective_end),
        "renewal_decision_date": _day(item.renewal_decision_date),
        "successor_id": item.successor_id,
        "programme_envelope": item.programme_envelope,
        "note": item.note,
        "created_at": _moment(item.created_at),
        "updated_at": _moment(item.updated_at),
    }


def role(item: InitiativeRole) -> dict[str, Any]:
    return {"id": item.id, "initiative_id": item.initiative_id, "organisation_id": item.organisation_id,
            "organisation": item.organisation.name, "role": item.role.value}


def organisation(item: Organisation, *, with_people: bool) -> dict[str, Any]:
    """Contact people are personal data: only callers with a token see them, as only logged-in users do on the site."""
    out: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "country": item.country,
        "type": item.type.value,
        "website": item.website,
        "description": item.description,
        "created_at": _moment(item.created_at),
        "updated_at": _moment(item.updated_at),
    }
    if with_people:
        out["people"] = [person(p) for p in item.people]
    return out


def person(item: Person) -> dict[str, Any]:
    return {"id": item.id, "organisation_id": item.organisation_id, "name": item.name, "title": item.title,
            "email": item.email, "phone": item.phone}


def event(item: Event, *, with_actor: bool) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "occurred_at": _moment(item.occurred_at),
        "subject_type": item.subject_type,
        "subject_id": item.subject_id,
        "actor_id": item.actor_id if with_actor else None,
        "public": item.public,
        "payload": item.payload,
    }


def subscription(session: Session, item: AlertSubscription) -> dict[str, Any]:
    """The owner's own view: the webhook's signing secret included, as on their subscriptions page."""
    return {
        "id": item.id,
        "scope_kind": item.scope_kind,
        "scope_key": item.scope_key,
        "scope": scope_label(session, item.scope_kind, item.scope_key, locale_code()),
        "rhythm": item.rhythm.value,
        "status": item.status.value,
        "email_enabled": item.email_enabled,
        "webhook_url": item.webhook_url,
        "webhook_secret": item.webhook_secret,
        "webhook_disabled": item.webhook_disabled_at is not None,
        "locale": item.locale,
        "created_at": _moment(item.created_at),
        "updated_at": _moment(item.updated_at),
    }


def priority(item: LobbyPriority) -> dict[str, Any]:
    locale = locale_code()
    return {
        "id": item.id,
        "cycle_id": item.cycle_id,
        "year": item.cycle.year,
        "rank": item.rank,
        "title": item.title_in(locale),
        "title_nl": item.title_nl,
        "title_de": item.title_de,
        "title_en": item.title_en,
        "summary_nl": item.summary_nl,
        "summary_de": item.summary_de,
        "summary_en": item.summary_en,
        "target_level": item.target_level.value,
        "status": item.status.value,
        "owner_id": item.owner_id,
        "owner": item.owner.name,
        "advice_codes": item.advice_codes,
        "created_at": _moment(item.created_at),
        "updated_at": _moment(item.updated_at),
    }
