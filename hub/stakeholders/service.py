"""Organisations, people and initiative roles; every change records its event."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import clock
from hub.errors import FieldErrors, NotFound, ValidationFailed
from hub.db import is_value_of
from hub.events import record_event
from hub.initiatives.models import Initiative
from hub.stakeholders.models import (
    COUNTRIES,
    InitiativeRole,
    InitiativeRoleKind,
    Organisation,
    OrganisationType,
    Person,
)


class StakeholderEvent(enum.StrEnum):
    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_UPDATED = "organisation.updated"
    PERSON_ADDED = "person.added"
    PERSON_REMOVED = "person.removed"
    ROLE_ADDED = "role.added"
    ROLE_REMOVED = "role.removed"


@dataclass
class OrganisationInput:
    name: str
    country: str
    type: str
    website: str | None = None
    description: str = ""


@dataclass
class PersonInput:
    name: str
    title: str = ""
    email: str | None = None
    phone: str | None = None


def snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.name,
        "country": org.country,
        "type": org.type.value,
        "website": org.website,
        "description": org.description,
    }


def _validate(session: Session, data: OrganisationInput, current: Organisation | None) -> FieldErrors:
    errors = FieldErrors()
    name = data.name.strip()
    if not name:
        errors.add("name", _("Give the organisation a name."))
    else:
        clash = session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
        if clash is not None and clash is not current:
            errors.add("name", _("An organisation named “%(name)s” already exists.", name=name))
    if data.country not in COUNTRIES:
        errors.add("country", _("Unknown country: %(value)s.", value=data.country))
    if not is_value_of(OrganisationType, data.type):
        errors.add("type", _("Unknown type of organisation: %(value)s.", value=data.type))
    if data.website and not data.website.startswith(("http://", "https://")):
        errors.add("website", _("The website must start with http:// or https://."))
    return errors


def _apply(org: Organisation, data: OrganisationInput) -> None:
    org.name = data.name.strip()
    org.country = data.country
    org.type = OrganisationType(data.type)
    org.website = (data.website or "").strip() or None
    org.description = data.description.strip()
    org.updated_at = clock.now()


def create_organisation(session: Session, data: OrganisationInput, *, actor_id: int | None) -> Organisation:
    _validate(session, data, None).raise_if_any()
    org = Organisation(created_at=clock.now())
    _apply(org, data)
    session.add(org)
    session.flush()
    record_event(session, StakeholderEvent.ORGANISATION_CREATED, "organisation", org.id,
                 actor_id=actor_id, payload={"after": snapshot(org)})
    return org


def update_organisation(session: Session, org: Organisation, data: OrganisationInput, *, actor_id: int | None) -> Organisation:
    _validate(session, data, org).raise_if_any()
    before = snapshot(org)
    _apply(org, data)
    session.flush()
    after = snapshot(org)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        record_event(session, StakeholderEvent.ORGANISATION_UPDATED, "organisation", org.id, actor_id=actor_id,
                     payload={"before": {k: before[k] for k in changed}, "after": changed})
    return org


def add_person(session: Session, org: Organisation, data: PersonInput, *, actor_id: int | None) -> Person:
    if not data.name.strip():
        raise ValidationFailed({"name": [_("Give the person's name.")]})
    if data.email and "@" not in data.email:
        raise ValidationFailed({"email": [_("Enter a valid e-mail address.")]})
    person = Person(organisation_id=org.id, name=data.name.strip(), title=data.title.strip(),
                    email=(data.email or "").strip() or None, phone=(data.phone or "").strip() or None)
    session.add(person)
    session.flush()
    # Personal data stays out of public events and out of payloads.
    record_event(session, StakeholderEvent.PERSON_ADDED, "organisation", org.id, actor_id=actor_id,
                 payload={"person_id": person.id}, public=False)
    return person


def remove_person(session: Session, person: Person, *, actor_id: int | None) -> None:
    record_event(session, StakeholderEvent.PERSON_REMOVED, "organisation", person.organisation_id,
                 actor_id=actor_id, payload={"person_id": person.id}, public=False)
    session.delete(person)
    session.flush()


def add_role(session: Session, initiative: Initiative, org: Organisation, role: str, *, actor_id: int | None) -> InitiativeRole:
    if not is_value_of(InitiativeRoleKind, role):
        raise ValidationFailed({"role": [_("Unknown role: %(value)s.", value=role)]})
    exists = session.scalar(select(InitiativeRole).where(
        InitiativeRole.initiative_id == initiative.id, InitiativeRole.organisation_id == org.id,
        InitiativeRole.role == role))
    if exists is not None:
        raise ValidationFailed({"organisation_id": [_("%(org)s already has this role.", org=org.name)]})
    link = InitiativeRole(initiative_id=initiative.id, organisation_id=org.id, role=InitiativeRoleKind(role))
    session.add(link)
    session.flush()
    record_event(session, StakeholderEvent.ROLE_ADDED, "initiative", initiative.id, actor_id=actor_id,
                 payload={"after": {"organisation_id": org.id, "organisation": org.name, "role": role}})
    return link


def remove_role(session: Session, link: InitiativeRole, *, actor_id: int | None) -> None:
    record_event(session, StakeholderEvent.ROLE_REMOVED, "initiative", link.initiative_id, actor_id=actor_id,
                 payload={"before": {"organisation_id": link.organisation_id, "organisation": link.organisation.name,
                                     "role": link.role.value}})
    session.delete(link)
    session.flush()


def get_organisation(session: Session, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(_("No organisation with id %(id)s.", id=org_id))
    return org


def list_organisations(session: Session, *, country: str | None = None, type_: str | None = None) -> list[Organisation]:
    query = select(Organisation).order_by(func.lower(Organisation.name))
    if country:
        query = query.where(Organisation.country == country)
    if type_:
        query = query.where(Organisation.type == type_)
    return list(session.scalars(query))


def find_organisation(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.strip().lower()))
