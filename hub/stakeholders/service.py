"""Organisations, people and initiative roles; every change records its event."""
from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import clock
from hub.auth.addresses import normalise_email
from hub.errors import FieldErrors, NotFound, ValidationFailed
from hub.db import bulk_insert, is_value_of, reserve_ids
from hub.events import record_event
from hub.events.service import EventDraft, record_events
from hub.initiatives.models import Initiative
from hub.stakeholders.models import (
    COUNTRIES,
    InitiativeRole,
    InitiativeRoleKind,
    Organisation,
    OrganisationType,
    Person,
)
from hub.text import clean_fields, name_key


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

    def __post_init__(self) -> None:
        clean_fields(self, single=("name", "country", "website"), multi=("description",))


@dataclass
class PersonInput:
    name: str
    title: str = ""
    email: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        clean_fields(self, single=("name", "title", "email", "phone"))


def snapshot(org: Organisation) -> dict[str, Any]:
    return _snapshot({"name": org.name, "country": org.country, "type": org.type, "website": org.website,
                      "description": org.description})


def _snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": values["name"],
        "country": values["country"],
        "type": values["type"].value,
        "website": values["website"],
        "description": values["description"],
    }


def validate_organisation(session: Session, data: OrganisationInput, current: Organisation | None = None, *,
                          names: Mapping[str, int] | None = None) -> FieldErrors:
    """The errors ``data`` has (empty when valid), without writing: imports check every row before writing any.

    ``names`` maps the ``name_key`` of organisation names to ids; given, it replaces the per-call name query.
    """
    return _validate(session, data, current, names=names)


def _validate(session: Session, data: OrganisationInput, current: Organisation | None, *,
              names: Mapping[str, int] | None = None) -> FieldErrors:
    errors = FieldErrors()
    name = data.name.strip()
    if not name:
        errors.add("name", _("Give the organisation a name."))
    else:
        if names is None:
            names = _name_keys(session)
        owner = names.get(name_key(name))
        clash = owner is not None and (current is None or owner != current.id)
        if clash:
            errors.add("name", _("An organisation named “%(name)s” already exists.", name=name))
    if data.country not in COUNTRIES:
        errors.add("country", _("Unknown country: %(value)s.", value=data.country))
    if not is_value_of(OrganisationType, data.type):
        errors.add("type", _("Unknown type of organisation: %(value)s.", value=data.type))
    if data.website and not data.website.startswith(("http://", "https://")):
        errors.add("website", _("The website must start with http:// or https://."))
    return errors


def _name_keys(session: Session) -> dict[str, int]:
    """``name_key`` of every organisation's name: lookalike names are the same organisation. Computed here
    (organisations are few and rarely added) rather than stored, so no key can go stale."""
    return {name_key(name): org_id for org_id, name in session.execute(select(Organisation.id, Organisation.name))}


def _values(data: OrganisationInput) -> dict[str, Any]:
    """The cleaned column values of a (validated) input: one rule for single and bulk writes."""
    return {
        "name": data.name.strip(),
        "country": data.country,
        "type": OrganisationType(data.type),
        "website": (data.website or "").strip() or None,
        "description": data.description.strip(),
    }


def _apply(org: Organisation, data: OrganisationInput) -> None:
    for column, value in _values(data).items():
        setattr(org, column, value)
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


def create_organisations(session: Session, items: Sequence[OrganisationInput], *, actor_id: int | None) -> list[int]:
    """``create_organisation`` for many at once (imports): the same rules and events, one query for the names
    in use and multi-row inserts. Returns the new ids in input order."""
    names = _name_keys(session)
    ids = reserve_ids(session, Organisation.__table__, len(items))
    now = clock.now()
    rows: list[dict[str, Any]] = []
    for org_id, data in zip(ids, items):
        _validate(session, data, None, names=names).raise_if_any()
        values = _values(data)
        names[name_key(values["name"])] = org_id
        rows.append({"id": org_id, **values, "created_at": now, "updated_at": now})
    if rows:
        bulk_insert(session, Organisation.__table__, rows)
        record_events(session, [EventDraft(StakeholderEvent.ORGANISATION_CREATED, "organisation", row["id"],
                                           {"after": _snapshot(row)}) for row in rows], actor_id=actor_id)
    return ids


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
    email = None
    if (data.email or "").strip():
        try:
            email = normalise_email(data.email or "")
        except ValueError as error:
            raise ValidationFailed({"email": [str(error)]}) from None
    person = Person(organisation_id=org.id, name=data.name.strip(), title=data.title.strip(), email=email, phone=(data.phone or "").strip() or None)
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


def add_roles(session: Session, items: Sequence[tuple[int, int, str]], *, actor_id: int | None) -> None:
    """``add_role`` for many (initiative id, organisation id, role) triples at once (imports): the same rules and
    events, with one query for the organisations and one for the roles already given."""
    org_names: dict[int, str] = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    taken = {tuple(row) for row in session.execute(
        select(InitiativeRole.initiative_id, InitiativeRole.organisation_id, InitiativeRole.role))}
    rows: list[dict[str, Any]] = []
    for initiative_id, org_id, role in items:
        if not is_value_of(InitiativeRoleKind, role):
            raise ValidationFailed({"role": [_("Unknown role: %(value)s.", value=role)]})
        if org_id not in org_names:
            raise NotFound(_("No organisation with id %(id)s.", id=org_id))
        key = (initiative_id, org_id, InitiativeRoleKind(role))
        if key in taken:
            raise ValidationFailed({"organisation_id": [_("%(org)s already has this role.", org=org_names[org_id])]})
        taken.add(key)
        rows.append({"initiative_id": initiative_id, "organisation_id": org_id, "role": InitiativeRoleKind(role)})
    if rows:
        bulk_insert(session, InitiativeRole.__table__, rows)
        record_events(session, [
            EventDraft(StakeholderEvent.ROLE_ADDED, "initiative", row["initiative_id"], {"after": {
                "organisation_id": row["organisation_id"], "organisation": org_names[row["organisation_id"]],
                "role": row["role"].value}})
            for row in rows
        ], actor_id=actor_id)


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
    org_id = _name_keys(session).get(name_key(name))
    return session.get(Organisation, org_id) if org_id is not None else None
