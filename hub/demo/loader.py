"""Loads the demo registry (``hub.demo.data``) through the same services users go through,
so the demo also fills the event history."""
from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from hub.auth.models import Role
from hub.auth.service import create_user, find_by_email
from hub.db import get_session
from hub.demo import data
from hub.alerts.demo import load_demo_alerts
from hub.feeds.demo import load_demo_feeds
from hub.funding.service import FundingInput, add_stream, current_input, update_stream
from hub.initiatives.models import Initiative
from hub.initiatives.service import InitiativeInput, count_initiatives, create_initiative
from hub.lobby.demo import load_lobby_demo
from hub.stakeholders.models import Organisation
from hub.stakeholders.service import OrganisationInput, PersonInput, add_person, add_role, create_organisation

DEMO_USERS = (
    ("admin@grenshub.example", "Demo Administrator", Role.ADMIN, None),
    ("manager@grenshub.example", "Demo Programmamanager", Role.MANAGER, None),
    ("partner@grenshub.example", "Demo Partner (Saxion)", Role.PARTNER, "saxion"),
)


def demo_password() -> str:
    return os.environ.get("HUB_DEMO_PASSWORD", "grenshub-demo-2026")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _load_organisations(session: Session) -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for row in data.ORGANISATIONS:
        org = create_organisation(session, OrganisationInput(
            name=row["name"], country=row["country"], type=row["type"],
            website=row.get("website"), description=row.get("description", ""),
        ), actor_id=None)
        for person in row.get("people", []):
            add_person(session, org, PersonInput(name=person["name"], title=person.get("title", ""),
                                                 email=person.get("email"), phone=person.get("phone")), actor_id=None)
        orgs[row["key"]] = org
    return orgs


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    pending = list(rows)
    while pending:
        ready = [r for r in pending if not r.get("parent") or r["parent"] in placed]
        if not ready:
            raise ValueError("demo data: parent cycle or unknown parent in " + ", ".join(r["key"] for r in pending))
        for row in ready:
            ordered.append(row)
            placed.add(row["key"])
            pending.remove(row)
    return ordered


def _load_initiatives(session: Session, orgs: dict[str, Organisation]) -> dict[str, Initiative]:
    initiatives: dict[str, Initiative] = {}
    for row in _parents_first(data.INITIATIVES):
        initiative = create_initiative(session, InitiativeInput(
            kind=row["kind"], name_nl=row.get("name_nl"), name_de=row.get("name_de"), name_en=row.get("name_en"),
            acronym=row.get("acronym"), aliases=row.get("aliases", []), description=row.get("description", ""),
            status=row.get("status", "active"), start_date=_day(row.get("start_date")), end_date=_day(row.get("end_date")),
            dates_estimated=row.get("dates_estimated", False), regions=row.get("regions", []), website=row.get("website"),
            advice_codes=row.get("advice_codes", []),
            parent_id=initiatives[row["parent"]].id if row.get("parent") else None, source=row.get("source", ""),
        ), actor_id=None)
        for role in row.get("roles", []):
            add_role(session, initiative, orgs[role["org"]], role["role"], actor_id=None)
        added = []
        for stream in row.get("funding", []):
            added.append(add_stream(session, initiative, FundingInput(
                funder_id=orgs[stream["funder"]].id, kind=stream["kind"],
                start_date=_day(stream["start_date"]), end_date=_day(stream.get("end_date")),
                amount=Decimal(str(stream["amount"])) if stream.get("amount") is not None else None,
                currency=stream.get("currency", "EUR"),
                cofinancing_share=Decimal(str(stream["cofinancing_share"])) if stream.get("cofinancing_share") is not None else None,
                amount_estimated=stream.get("amount_estimated", False),
                end_date_estimated=stream.get("end_date_estimated", False), note=stream.get("note") or "",
                expected_end_date=_day(stream.get("expected_end_date")), programme_envelope=stream.get("programme_envelope", False),
            ), actor_id=None))
        for stream, row_stream in zip(added, row.get("funding", [])):
            if row_stream.get("successor") is not None:
                update_stream(session, stream, replace(current_input(stream), successor_id=added[row_stream["successor"]].id),
                              actor_id=None)
        initiatives[row["key"]] = initiative
    return initiatives


def _load_users(session: Session, orgs: dict[str, Organisation]) -> int:
    made = 0
    for email, name, role, org_key in DEMO_USERS:
        if find_by_email(session, email) is None:
            org = orgs.get(org_key) if org_key else None
            create_user(session, email=email, name=name, password=demo_password(), role=role,
                        organisation_id=org.id if org else None)
            made += 1
    return made


def load_demo() -> dict[str, int]:
    """Fill an empty registry; a registry that already holds initiatives is left alone."""
    session = get_session()
    if count_initiatives(session):
        current_app.logger.info("demo registry already loaded")
        return {"initiatives already present": count_initiatives(session)}
    orgs = _load_organisations(session)
    initiatives = _load_initiatives(session, orgs)
    users = _load_users(session, orgs)
    load_lobby_demo(session, orgs, initiatives)
    load_demo_feeds(session)
    load_demo_alerts(session, initiatives)
    session.commit()
    return {"organisations": len(orgs), "initiatives": len(initiatives), "users": users}
