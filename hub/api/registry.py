"""API operations on the registry: initiatives, funding streams, stakeholders and the event stream.

Reads follow the web pages' visibility rules; writes need a write token and the same role as in the web pages,
and go through the domain services so that every change records its event."""
from __future__ import annotations

import dataclasses
from typing import Any

from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hub import advice, regions
from hub.api import serialise
from hub.api.access import Access, token
from hub.api.blueprint import api, commit, created, no_content
from hub.api.fields import PAGING, URL_PATTERN, Field, choice, enum_values, ident, text
from hub.api.queries import funding_streams, page, visible_events
from hub.db import get_session
from hub.errors import Forbidden, NotFound, ValidationFailed
from hub.formatting import locale_code
from hub.funding import service as funding
from hub.funding.models import FundingKind, FundingStream
from hub.initiatives import service as initiatives
from hub.initiatives.models import Initiative, InitiativeKind, InitiativeStatus
from hub.stakeholders import service as stakeholders
from hub.stakeholders.models import COUNTRIES, InitiativeRole, InitiativeRoleKind, Organisation, OrganisationType, Person

ADVICE_CODES = tuple(str(t.number) for t in advice.THEMES) + tuple(r.code for t in advice.THEMES for r in t.recommendations)
REGION_CODES = tuple(sorted(regions.REGIONS))


# --- initiatives -------------------------------------------------------------------------------

INITIATIVE_FILTERS = {
    "kind": choice(enum_values(InitiativeKind)),
    "status": choice(enum_values(InitiativeStatus)),
    "theme": choice(ADVICE_CODES, _l("SER theme (\"3\") or recommendation (\"3a\").")),
    "region": choice(REGION_CODES, _l("NUTS code or Euregio area.")),
    "funder": ident(_l("Id of an organisation funding the initiative.")),
    "horizon_months": Field("integer", _l("Only initiatives whose funding ends within this many months."),
                            minimum=0, maximum=600),
    "sort": choice(initiatives.SORTS, default="name"),
    **PAGING,
}
INITIATIVE_FIELDS = {
    "kind": choice(enum_values(InitiativeKind), required=True),
    "name_nl": text(250, nullable=True),
    "name_de": text(250, nullable=True),
    "name_en": text(250, nullable=True),
    "acronym": text(60, nullable=True),
    "aliases": Field("strings", _l("Other names and spellings."), max_length=250, max_items=50),
    "description": text(20_000),
    "status": choice(enum_values(InitiativeStatus)),
    "start_date": Field("date", nullable=True),
    "end_date": Field("date", nullable=True),
    "dates_estimated": Field("boolean"),
    "regions": Field("strings", _l("NUTS codes or Euregio areas."), choices=REGION_CODES, max_items=len(REGION_CODES)),
    "website": text(500, nullable=True, pattern=URL_PATTERN),
    "advice_codes": Field("strings", _l("SER themes and recommendations."), choices=ADVICE_CODES,
                          max_items=len(ADVICE_CODES)),
    "parent_id": ident(_l("The initiative this one is part of."), nullable=True),
    "source": text(2_000, _l("Where the information comes from.")),
}


def _initiative(initiative_id: int) -> Initiative:
    return initiatives.get_initiative(get_session(), initiative_id)


def _current_input(item: Initiative) -> initiatives.InitiativeInput:
    """What the initiative holds now, as the service's input: a PATCH changes only the fields it sends."""
    return initiatives.InitiativeInput(
        kind=item.kind.value, name_nl=item.name_nl, name_de=item.name_de, name_en=item.name_en, acronym=item.acronym,
        aliases=item.alias_list, description=item.description, status=item.status.value, start_date=item.start_date,
        end_date=item.end_date, dates_estimated=item.dates_estimated, regions=item.region_codes, website=item.website,
        advice_codes=item.advice_codes, parent_id=item.parent_id, source=item.source,
    )


@api.operation("GET", "/initiatives", summary=_l("List initiatives, filtered and paged"), tag="initiatives",
               query=INITIATIVE_FILTERS, returns="InitiativePage")
def list_initiatives(query: dict[str, Any]) -> Response:
    flt = initiatives.InitiativeFilter(
        kind=query["kind"], theme=query["theme"], region=query["region"], funder_id=query["funder"],
        horizon_months=query["horizon_months"], status=query["status"], sort=query["sort"], locale=locale_code(),
    )
    rows = initiatives.list_initiatives(get_session(), flt, limit=query["limit"] + 1, offset=query["offset"])
    items, next_offset = page(rows, query["limit"], query["offset"])
    return jsonify({"items": [serialise.initiative(i, horizon) for i, horizon in items],
                    "limit": query["limit"], "offset": query["offset"], "next_offset": next_offset})


@api.operation("POST", "/initiatives", summary=_l("Create an initiative"), tag="initiatives", access=Access.MANAGE,
               body=INITIATIVE_FIELDS, status=201, returns="Initiative")
def create_initiative(body: dict[str, Any]) -> tuple[Response, int]:
    session = get_session()
    item = initiatives.create_initiative(session, initiatives.InitiativeInput(**body), actor_id=current_user.id)
    commit()
    return created(serialise.initiative_detail(item), url_for(".get_initiative", initiative_id=item.id))


@api.operation("GET", "/initiatives/{initiative_id}", summary=_l("An initiative with its funding and stakeholders"),
               tag="initiatives", returns="Initiative")
def get_initiative(initiative_id: int) -> Response:
    return jsonify(serialise.initiative_detail(_initiative(initiative_id)))


@api.operation("PATCH", "/initiatives/{initiative_id}", summary=_l("Change some fields of an initiative"),
               tag="initiatives", access=Access.MANAGE, body=INITIATIVE_FIELDS, partial=True, returns="Initiative")
def update_initiative(initiative_id: int, body: dict[str, Any]) -> Response:
    item = _initiative(initiative_id)
    initiatives.update_initiative(get_session(), item, dataclasses.replace(_current_input(item), **body),
                                  actor_id=current_user.id)
    commit()
    return jsonify(serialise.initiative_detail(item))


@api.operation("DELETE", "/initiatives/{initiative_id}", summary=_l("Delete an initiative"), tag="initiatives",
               access=Access.MANAGE, status=204)
def delete_initiative(initiative_id: int) -> tuple[str, int]:
    initiatives.delete_initiative(get_session(), _initiative(initiative_id), actor_id=current_user.id)
    commit()
    return no_content()


# --- funding streams ---------------------------------------------------------------------------

FUNDING_FILTERS = {
    "initiative": ident(_l("Only streams of this initiative.")),
    "funder": ident(_l("Only streams paid by this organisation.")),
    "ends_after": Field("date", _l("Only streams ending on or after this day.")),
    "ends_before": Field("date", _l("Only streams ending on or before this day (open-ended streams never do).")),
    **PAGING,
}
FUNDING_FIELDS = {
    "funder_id": ident(_l("The organisation that pays."), required=True),
    "kind": choice(enum_values(FundingKind), required=True),
    "start_date": Field("date", required=True),
    "end_date": Field("date", _l("Empty (null) for open-ended funding."), nullable=True),
    "amount": Field("amount", _l("A number, or text as people type it: \"1.200.000,50\", \"1,2 mln\"."), minimum=0,
                    maximum=999_999_999_999, nullable=True),
    "currency": text(3, pattern=r"^[A-Za-z]{3}$"),
    "cofinancing_share": Field("share", _l("Percentage co-financed: 80, or text such as \"80%\" or \"0,8\"."),
                               minimum=0, maximum=100, nullable=True),
    "amount_estimated": Field("boolean"),
    "end_date_estimated": Field("boolean"),
    "note": text(5_000),
    "expected_end_date": Field("date", _l("The end now expected, when it differs from the plan."), nullable=True),
    "actual_end_date": Field("date", _l("The end the funding actually had."), nullable=True),
    "renewal_decision_date": Field("date", _l("When renewal must be decided (null: the configured lead time before the end)."),
                                   nullable=True),
    "successor_id": ident(_l("The funding stream that carries on after this one."), nullable=True),
    "programme_envelope": Field("boolean", _l("A programme's whole budget, left out of totals.")),
}


def _stream(stream_id: int) -> FundingStream:
    return funding.get_stream(get_session(), stream_id)


@api.operation("GET", "/funding", summary=_l("List funding streams by end date"), tag="funding",
               query=FUNDING_FILTERS, returns="FundingStreamPage")
def list_funding(query: dict[str, Any]) -> Response:
    rows = funding_streams(get_session(), initiative_id=query["initiative"], funder_id=query["funder"],
                           ends_after=query["ends_after"], ends_before=query["ends_before"],
                           limit=query["limit"] + 1, offset=query["offset"])
    items, next_offset = page(rows, query["limit"], query["offset"])
    return jsonify({"items": [serialise.stream(s) for s in items], "limit": query["limit"], "offset": query["offset"],
                    "next_offset": next_offset})


@api.operation("GET", "/initiatives/{initiative_id}/funding", summary=_l("The funding streams of an initiative"),
               tag="funding", returns="FundingStreamList")
def initiative_funding(initiative_id: int) -> Response:
    return jsonify({"items": [serialise.stream(s) for s in _initiative(initiative_id).funding_streams]})


@api.operation("POST", "/initiatives/{initiative_id}/funding", summary=_l("Add a funding stream to an initiative"),
               tag="funding", access=Access.MANAGE, body=FUNDING_FIELDS, status=201, returns="FundingStream")
def add_funding(initiative_id: int, body: dict[str, Any]) -> tuple[Response, int]:
    data = funding.FundingInput(**{"currency": "EUR", **body})
    item = funding.add_stream(get_session(), _initiative(initiative_id), data, actor_id=current_user.id)
    commit()
    return created(serialise.stream(item), url_for(".get_funding", stream_id=item.id))


@api.operation("GET", "/funding/{stream_id}", summary=_l("A funding stream"), tag="funding", returns="FundingStream")
def get_funding(stream_id: int) -> Response:
    return jsonify(serialise.stream(_stream(stream_id)))


@api.operation("PATCH", "/funding/{stream_id}", summary=_l("Change some fields of a funding stream"), tag="funding",
               access=Access.MANAGE, body=FUNDING_FIELDS, partial=True, returns="FundingStream")
def update_funding(stream_id: int, body: dict[str, Any]) -> Response:
    item = _stream(stream_id)
    funding.update_stream(get_session(), item, dataclasses.replace(funding.current_input(item), **body),
                          actor_id=current_user.id)
    commit()
    return jsonify(serialise.stream(item))


@api.operation("DELETE", "/funding/{stream_id}", summary=_l("Remove a funding stream"), tag="funding",
               access=Access.MANAGE, status=204)
def delete_funding(stream_id: int) -> tuple[str, int]:
    funding.remove_stream(get_session(), _stream(stream_id), actor_id=current_user.id)
    commit()
    return no_content()


# --- organisations, people and roles ----------------------------------------------------------

ORGANISATION_FILTERS = {"country": choice(COUNTRIES), "type": choice(enum_values(OrganisationType)), **PAGING}
ORGANISATION_FIELDS = {
    "name": text(200, required=True),
    "country": choice(COUNTRIES, required=True),
    "type": choice(enum_values(OrganisationType), required=True),
    "website": text(500, nullable=True, pattern=URL_PATTERN),
    "description": text(20_000),
}
PERSON_FIELDS = {
    "name": text(200, required=True),
    "title": text(200, _l("Job title.")),
    "email": text(254, nullable=True),
    "phone": text(50, nullable=True),
}
ROLE_FIELDS = {
    "organisation_id": ident(required=True),
    "role": choice(enum_values(InitiativeRoleKind), required=True),
}


def _organisation(org_id: int) -> Organisation:
    return stakeholders.get_organisation(get_session(), org_id)


def _require_org_edit(org: Organisation) -> None:
    """As on the site: managers edit every organisation, a partner only their own."""
    if not (current_user.can_manage or current_user.organisation_id == org.id):
        raise Forbidden(_("Only managers, administrators and the organisation's own partners may change it."))


def _with_people() -> bool:
    return token() is not None


@api.operation("GET", "/organisations", summary=_l("List organisations"), tag="stakeholders",
               query=ORGANISATION_FILTERS, returns="OrganisationPage")
def list_organisations(query: dict[str, Any]) -> Response:
    orgs = stakeholders.list_organisations(get_session(), country=query["country"], type_=query["type"])
    items, next_offset = page(orgs[query["offset"]:query["offset"] + query["limit"] + 1], query["limit"], query["offset"])
    return jsonify({"items": [serialise.organisation(o, with_people=_with_people()) for o in items],
                    "limit": query["limit"], "offset": query["offset"], "next_offset": next_offset})


@api.operation("POST", "/organisations", summary=_l("Create an organisation"), tag="stakeholders",
               access=Access.MANAGE, body=ORGANISATION_FIELDS, status=201, returns="Organisation")
def create_organisation(body: dict[str, Any]) -> tuple[Response, int]:
    org = stakeholders.create_organisation(get_session(), stakeholders.OrganisationInput(**body), actor_id=current_user.id)
    commit()
    return created(serialise.organisation(org, with_people=True), url_for(".get_organisation", org_id=org.id))


@api.operation("GET", "/organisations/{org_id}",
               summary=_l("An organisation; its contact people only for callers with a token"), tag="stakeholders",
               returns="Organisation")
def get_organisation(org_id: int) -> Response:
    return jsonify(serialise.organisation(_organisation(org_id), with_people=_with_people()))


@api.operation("PATCH", "/organisations/{org_id}", summary=_l("Change some fields of an organisation"),
               tag="stakeholders", access=Access.WRITE, body=ORGANISATION_FIELDS, partial=True, returns="Organisation")
def update_organisation(org_id: int, body: dict[str, Any]) -> Response:
    org = _organisation(org_id)
    _require_org_edit(org)
    current = stakeholders.OrganisationInput(name=org.name, country=org.country, type=org.type.value,
                                             website=org.website, description=org.description)
    stakeholders.update_organisation(get_session(), org, dataclasses.replace(current, **body), actor_id=current_user.id)
    commit()
    return jsonify(serialise.organisation(org, with_people=True))


@api.operation("POST", "/organisations/{org_id}/people", summary=_l("Add a contact person to an organisation"),
               tag="stakeholders", access=Access.WRITE, body=PERSON_FIELDS, status=201, returns="Person")
def add_person(org_id: int, body: dict[str, Any]) -> tuple[Response, int]:
    org = _organisation(org_id)
    _require_org_edit(org)
    person = stakeholders.add_person(get_session(), org, stakeholders.PersonInput(**body), actor_id=current_user.id)
    commit()
    return created(serialise.person(person), url_for(".get_organisation", org_id=org.id))


@api.operation("DELETE", "/people/{person_id}", summary=_l("Remove a contact person"), tag="stakeholders",
               access=Access.WRITE, status=204)
def remove_person(person_id: int) -> tuple[str, int]:
    session = get_session()
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(_("No contact person with id %(id)s.", id=person_id))
    _require_org_edit(person.organisation)
    stakeholders.remove_person(session, person, actor_id=current_user.id)
    commit()
    return no_content()


@api.operation("POST", "/initiatives/{initiative_id}/roles", summary=_l("Give an organisation a role on an initiative"),
               tag="stakeholders", access=Access.MANAGE, body=ROLE_FIELDS, status=201, returns="Role")
def add_role(initiative_id: int, body: dict[str, Any]) -> tuple[Response, int]:
    session = get_session()
    item = _initiative(initiative_id)
    org = session.get(Organisation, body["organisation_id"])
    if org is None:
        raise ValidationFailed({"organisation_id": [_("Choose an existing organisation.")]})
    link = stakeholders.add_role(session, item, org, body["role"], actor_id=current_user.id)
    commit()
    return created(serialise.role(link), url_for(".get_initiative", initiative_id=item.id))


@api.operation("DELETE", "/roles/{role_id}", summary=_l("Remove an organisation's role on an initiative"),
               tag="stakeholders", access=Access.MANAGE, status=204)
def remove_role(role_id: int) -> tuple[str, int]:
    session = get_session()
    link = session.get(InitiativeRole, role_id)
    if link is None:
        raise NotFound(_("No role with id %(id)s.", id=role_id))
    stakeholders.remove_role(session, link, actor_id=current_user.id)
    commit()
    return no_content()


# --- events ------------------------------------------------------------------------------------

EVENT_QUERY = {
    "after": Field("integer", _l("Cursor: return events with an id above this one (0 for the start)."),
                   minimum=0, maximum=2**63 - 1, default=0),
    "limit": Field("integer", _l("How many events to read (1–500)."), minimum=1, maximum=500, default=100),
}


@api.operation("GET", "/events", summary=_l("Follow the stream of changes, oldest first"), tag="events",
               query=EVENT_QUERY, returns="EventPage")
def list_events(query: dict[str, Any]) -> Response:
    """Visitors see public events; a token adds the non-public changes its user may see (administrators: all)."""
    shown, cursor, has_more = visible_events(get_session(), query["after"], query["limit"], current_user)
    with_actor = current_user.is_authenticated
    return jsonify({"items": [serialise.event(e, with_actor=with_actor) for e in shown], "next": cursor,
                    "has_more": has_more})
