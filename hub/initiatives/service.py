"""Creating, changing and querying initiatives. Every change records its domain event."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import advice, clock, regions
from hub.errors import FieldErrors, NotFound
from hub.db import is_value_of
from hub.events import record_event
from hub.funding.horizon import horizons_query
from hub.funding.models import FundingStream
from hub.initiatives.models import (
    Initiative,
    InitiativeAdviceLink,
    InitiativeKind,
    InitiativeRegion,
    InitiativeStatus,
)
from hub.text import slugify


class InitiativeEvent(enum.StrEnum):
    CREATED = "initiative.created"
    UPDATED = "initiative.updated"
    DELETED = "initiative.deleted"


@dataclass
class InitiativeInput:
    """What a user may set on an initiative, from a form, the API or an import."""

    kind: str
    name_nl: str | None = None
    name_de: str | None = None
    name_en: str | None = None
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    status: str = InitiativeStatus.ACTIVE.value
    start_date: date | None = None
    end_date: date | None = None
    dates_estimated: bool = False
    regions: list[str] = field(default_factory=list)
    website: str | None = None
    advice_codes: list[str] = field(default_factory=list)
    parent_id: int | None = None
    source: str = ""


def snapshot(initiative: Initiative) -> dict[str, Any]:
    """A JSON-safe picture of the initiative for event payloads (before/after)."""
    return {
        "kind": initiative.kind.value,
        "name_nl": initiative.name_nl,
        "name_de": initiative.name_de,
        "name_en": initiative.name_en,
        "acronym": initiative.acronym,
        "aliases": initiative.alias_list,
        "description": initiative.description,
        "status": initiative.status.value,
        "start_date": initiative.start_date.isoformat() if initiative.start_date else None,
        "end_date": initiative.end_date.isoformat() if initiative.end_date else None,
        "dates_estimated": initiative.dates_estimated,
        "regions": initiative.region_codes,
        "website": initiative.website,
        "advice_codes": initiative.advice_codes,
        "parent_id": initiative.parent_id,
    }


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _validate(session: Session, data: InitiativeInput, current: Initiative | None) -> FieldErrors:
    errors = FieldErrors()
    if not is_value_of(InitiativeKind, data.kind):
        errors.add("kind", _("Unknown kind of initiative: %(value)s.", value=data.kind))
    if not is_value_of(InitiativeStatus, data.status):
        errors.add("status", _("Unknown status: %(value)s.", value=data.status))
    primary = _clean(data.name_nl) or _clean(data.name_de) or _clean(data.name_en)
    if not primary:
        errors.add("name_nl", _("Give the initiative a name in at least one language."))
    else:
        clash = session.scalar(select(Initiative).where(Initiative.name_key == primary.casefold()))
        if clash is not None and clash is not current:
            errors.add("name_nl", _("An initiative named “%(name)s” already exists.", name=primary))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.add("end_date", _("The end date lies before the start date."))
    unknown_regions = [code for code in data.regions if not regions.is_known(code)]
    if unknown_regions:
        errors.add("regions", _("Unknown region code: %(codes)s.", codes=", ".join(unknown_regions)))
    unknown_codes = [code for code in data.advice_codes if not advice.is_valid_code(code)]
    if unknown_codes:
        errors.add("advice_codes", _("Unknown SER theme or recommendation: %(codes)s.", codes=", ".join(unknown_codes)))
    if data.website and not data.website.startswith(("http://", "https://")):
        errors.add("website", _("The website must start with http:// or https://."))
    if data.parent_id is not None:
        parent = session.get(Initiative, data.parent_id)
        if parent is None:
            errors.add("parent_id", _("The parent initiative does not exist."))
        elif current is not None and _is_descendant_or_self(parent, current):
            errors.add("parent_id", _("An initiative cannot be placed under itself or one of its children."))
    return errors


def _is_descendant_or_self(candidate: Initiative, ancestor: Initiative) -> bool:
    node: Initiative | None = candidate
    while node is not None:
        if node.id == ancestor.id:
            return True
        node = node.parent
    return False


def _apply(session: Session, initiative: Initiative, data: InitiativeInput) -> None:
    initiative.kind = InitiativeKind(data.kind)
    initiative.name_nl = _clean(data.name_nl)
    initiative.name_de = _clean(data.name_de)
    initiative.name_en = _clean(data.name_en)
    initiative.name_key = initiative.primary_name.casefold()
    initiative.acronym = _clean(data.acronym)
    initiative.aliases = "\n".join(a.strip() for a in data.aliases if a.strip())
    initiative.description = data.description.strip()
    initiative.status = InitiativeStatus(data.status)
    initiative.start_date = data.start_date
    initiative.end_date = data.end_date
    initiative.dates_estimated = data.dates_estimated
    initiative.website = _clean(data.website)
    initiative.parent_id = data.parent_id
    initiative.source = data.source.strip()
    wanted_regions = sorted({regions.normalise(c) for c in data.regions})
    initiative.regions = [InitiativeRegion(code=c) for c in wanted_regions]
    wanted_codes = sorted({c.strip().lower() for c in data.advice_codes})
    initiative.advice_links = [InitiativeAdviceLink(code=c) for c in wanted_codes]
    initiative.updated_at = clock.now()


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while session.scalar(select(Initiative.id).where(Initiative.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_initiative(session: Session, data: InitiativeInput, *, actor_id: int | None) -> Initiative:
    _validate(session, data, None).raise_if_any()
    now = clock.now()
    primary = _clean(data.name_nl) or _clean(data.name_de) or _clean(data.name_en) or ""
    initiative = Initiative(slug=_unique_slug(session, primary), created_at=now)
    session.add(initiative)
    _apply(session, initiative, data)
    session.flush()
    record_event(
        session, InitiativeEvent.CREATED, "initiative", initiative.id,
        actor_id=actor_id, payload={"after": snapshot(initiative)},
    )
    return initiative


def update_initiative(session: Session, initiative: Initiative, data: InitiativeInput, *, actor_id: int | None) -> Initiative:
    _validate(session, data, initiative).raise_if_any()
    before = snapshot(initiative)
    with session.no_autoflush:
        _apply(session, initiative, data)
    session.flush()
    after = snapshot(initiative)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        record_event(
            session, InitiativeEvent.UPDATED, "initiative", initiative.id, actor_id=actor_id,
            payload={"before": {k: before[k] for k in changed}, "after": changed},
        )
    return initiative


def delete_initiative(session: Session, initiative: Initiative, *, actor_id: int | None) -> None:
    record_event(
        session, InitiativeEvent.DELETED, "initiative", initiative.id,
        actor_id=actor_id, payload={"before": snapshot(initiative)},
    )
    session.delete(initiative)
    session.flush()


def get_initiative(session: Session, initiative_id: int) -> Initiative:
    initiative = session.get(Initiative, initiative_id)
    if initiative is None:
        raise NotFound(_("No initiative with id %(id)s.", id=initiative_id))
    return initiative


SORTS = ("name", "horizon", "start", "updated")


@dataclass
class InitiativeFilter:
    """The list filters a user can combine; every field optional."""

    kind: str | None = None
    theme: str | None = None  # theme number "3" or recommendation "3a"
    region: str | None = None
    funder_id: int | None = None
    horizon_months: int | None = None  # funding ends within N months from today
    status: str | None = None
    sort: str = "name"
    locale: str = "nl"  # names sort in the language the user reads them in


def list_initiatives(session: Session, flt: InitiativeFilter, *, limit: int | None = None, offset: int = 0) -> list[tuple[Initiative, date | None]]:
    """Initiatives matching ``flt`` with their funding horizon, in the requested order."""
    horizons = horizons_query().subquery()
    query = select(Initiative, horizons.c.horizon).outerjoin(horizons, horizons.c.initiative_id == Initiative.id)
    if flt.kind:
        query = query.where(Initiative.kind == flt.kind)
    if flt.status:
        query = query.where(Initiative.status == flt.status)
    if flt.theme:
        code = flt.theme.strip().lower()
        condition = (
            InitiativeAdviceLink.code == code
            if not code.isdigit()
            else (InitiativeAdviceLink.code == code) | InitiativeAdviceLink.code.like(f"{code}_")
        )
        query = query.where(Initiative.id.in_(select(InitiativeAdviceLink.initiative_id).where(condition)))
    if flt.region:
        query = query.where(
            Initiative.id.in_(select(InitiativeRegion.initiative_id).where(InitiativeRegion.code == regions.normalise(flt.region)))
        )
    if flt.funder_id:
        query = query.where(Initiative.id.in_(select(FundingStream.initiative_id).where(FundingStream.funder_id == flt.funder_id)))
    if flt.horizon_months is not None:
        today = clock.today()
        query = query.where(horizons.c.horizon.is_not(None), horizons.c.horizon >= today,
                            horizons.c.horizon <= today + timedelta(days=round(flt.horizon_months * 30.44)))
    shown_name = func.lower(func.coalesce(
        getattr(Initiative, f"name_{flt.locale}", Initiative.name_nl), Initiative.name_nl, Initiative.name_de, Initiative.name_en,
    ))
    order = {
        "name": (shown_name,),
        "horizon": (horizons.c.horizon.is_(None), horizons.c.horizon, shown_name),
        "start": (Initiative.start_date.desc(), shown_name),
        "updated": (Initiative.updated_at.desc(),),
    }[flt.sort if flt.sort in SORTS else "name"]
    query = query.order_by(*order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [(row[0], row[1]) for row in session.execute(query).all()]


def count_initiatives(session: Session) -> int:
    return session.scalar(select(func.count(Initiative.id))) or 0
