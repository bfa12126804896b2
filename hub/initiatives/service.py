"""Creating, changing and querying initiatives. Every change records its domain event."""
from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import advice, clock, regions
from hub.errors import FieldErrors, NotFound
from hub.db import bulk_insert, is_value_of, reserve_ids
from hub.events import record_event
from hub.events.service import EventDraft, record_events
from hub.funding.horizon import horizons_query, money_ending_query
from hub.funding.models import FundingStream
from hub.initiatives.models import (
    Initiative,
    InitiativeAdviceLink,
    InitiativeKind,
    InitiativeRegion,
    InitiativeStatus,
)
from hub.limits import check_day
from hub.text import clean_fields, name_key, slugify


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

    def __post_init__(self) -> None:
        clean_fields(self, single=("name_nl", "name_de", "name_en", "acronym", "website", "source"), multi=("description",),
                     lists=("aliases",))


# The columns an InitiativeInput sets (besides regions and advice codes).
_COLUMNS = ("kind", "name_nl", "name_de", "name_en", "name_key", "acronym", "aliases", "description", "status",
            "start_date", "end_date", "dates_estimated", "website", "parent_id", "source")


def snapshot(initiative: Initiative) -> dict[str, Any]:
    """A JSON-safe picture of the initiative for event payloads (before/after)."""
    values = {column: getattr(initiative, column) for column in _COLUMNS}
    return _snapshot(values, initiative.region_codes, initiative.advice_codes)


def snapshot_input(data: InitiativeInput) -> dict[str, Any]:
    """The snapshot an initiative would have after being given ``data`` (imports compare it to skip no-op updates)."""
    return _snapshot(_values(data), _region_codes(data), _advice_codes(data))


def _snapshot(values: Mapping[str, Any], region_codes: list[str], advice_codes: list[str]) -> dict[str, Any]:
    return {
        "kind": values["kind"].value,
        "name_nl": values["name_nl"],
        "name_de": values["name_de"],
        "name_en": values["name_en"],
        "acronym": values["acronym"],
        "aliases": [line.strip() for line in values["aliases"].splitlines() if line.strip()],
        "description": values["description"],
        "status": values["status"].value,
        "start_date": values["start_date"].isoformat() if values["start_date"] else None,
        "end_date": values["end_date"].isoformat() if values["end_date"] else None,
        "dates_estimated": values["dates_estimated"],
        "regions": region_codes,
        "website": values["website"],
        "advice_codes": advice_codes,
        "parent_id": values["parent_id"],
    }


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def validate_initiative(session: Session, data: InitiativeInput, current: Initiative | None = None, *,
                        names: Mapping[str, int] | None = None) -> FieldErrors:
    """The errors ``data`` has (empty when valid), without writing: imports check every row before writing any.

    ``names`` maps the ``name_key`` of names in use to their initiative's id; given, it replaces the per-call name query.
    """
    return _validate(session, data, current, names=names)


def _validate(session: Session, data: InitiativeInput, current: Initiative | None, *,
              names: Mapping[str, int] | None = None) -> FieldErrors:
    errors = FieldErrors()
    if not is_value_of(InitiativeKind, data.kind):
        errors.add("kind", _("Unknown kind of initiative: %(value)s.", value=data.kind))
    if not is_value_of(InitiativeStatus, data.status):
        errors.add("status", _("Unknown status: %(value)s.", value=data.status))
    primary = _clean(data.name_nl) or _clean(data.name_de) or _clean(data.name_en)
    if not primary:
        errors.add("name_nl", _("Give the initiative a name in at least one language."))
    else:
        if names is None:
            found = session.scalar(select(Initiative).where(Initiative.name_key == name_key(primary)))
            clash = found is not None and found is not current
        else:
            owner = names.get(name_key(primary))
            clash = owner is not None and (current is None or owner != current.id)
        if clash:
            errors.add("name_nl", _("An initiative named “%(name)s” already exists.", name=primary))
    check_day(errors, "start_date", _l("Start date"), data.start_date)
    check_day(errors, "end_date", _l("End date"), data.end_date)
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.add("end_date", _("The end date lies before the start date."))
    unknown_regions = [code for code in data.regions if not regions.is_known(code)]
    if unknown_regions:
        errors.add("regions", _("Unknown region code(s): %(codes)s.", codes=", ".join(unknown_regions)))
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


def _values(data: InitiativeInput) -> dict[str, Any]:
    """The cleaned column values of a (validated) input: one rule for single and bulk writes."""
    names = {"name_nl": _clean(data.name_nl), "name_de": _clean(data.name_de), "name_en": _clean(data.name_en)}
    return {
        "kind": InitiativeKind(data.kind),
        **names,
        "name_key": name_key(names["name_nl"] or names["name_de"] or names["name_en"] or ""),
        "acronym": _clean(data.acronym),
        "aliases": "\n".join(a.strip() for a in data.aliases if a.strip()),
        "description": data.description.strip(),
        "status": InitiativeStatus(data.status),
        "start_date": data.start_date,
        "end_date": data.end_date,
        "dates_estimated": data.dates_estimated,
        "website": _clean(data.website),
        "parent_id": data.parent_id,
        "source": data.source.strip(),
    }


def _region_codes(data: InitiativeInput) -> list[str]:
    return sorted({regions.normalise(c) for c in data.regions})


def _advice_codes(data: InitiativeInput) -> list[str]:
    return sorted({c.strip().lower() for c in data.advice_codes})


def _apply(session: Session, initiative: Initiative, data: InitiativeInput) -> None:
    for column, value in _values(data).items():
        setattr(initiative, column, value)
    initiative.regions = [InitiativeRegion(code=c) for c in _region_codes(data)]
    initiative.advice_links = [InitiativeAdviceLink(code=c) for c in _advice_codes(data)]
    initiative.updated_at = clock.now()


def _unique_slug(session: Session, name: str, taken: set[str] | None = None) -> str:
    """A slug for ``name`` not yet in use; bulk writers pass the ``taken`` slugs instead of querying each time."""
    def in_use(slug: str) -> bool:
        if taken is not None:
            return slug in taken
        return session.scalar(select(Initiative.id).where(Initiative.slug == slug)) is not None

    base = slugify(name)
    slug, n = base, 1
    while in_use(slug):
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


def create_initiatives(session: Session, items: Sequence[InitiativeInput], *, actor_id: int | None) -> list[int]:
    """``create_initiative`` for many at once (imports): the same rules and events, but one query for the names
    and slugs in use, reserved ids and multi-row inserts instead of a flush per initiative.

    Parents must exist already (create parents in an earlier call). Returns the new ids in input order.
    """
    names: dict[str, int] = dict(session.execute(select(Initiative.name_key, Initiative.id)).all())
    slugs = set(session.scalars(select(Initiative.slug)))
    # Held here so the parent check finds them in the session's (weak) identity map instead of loading each time.
    parent_ids = {data.parent_id for data in items if data.parent_id is not None}
    parents = list(session.scalars(select(Initiative).where(Initiative.id.in_(parent_ids)))) if parent_ids else []
    ids = reserve_ids(session, Initiative.__table__, len(items))
    now = clock.now()
    rows: list[dict[str, Any]] = []
    region_rows: list[dict[str, Any]] = []
    advice_rows: list[dict[str, Any]] = []
    drafts: list[EventDraft] = []
    for new_id, data in zip(ids, items):
        _validate(session, data, None, names=names).raise_if_any()
        values = _values(data)
        region_codes, advice_codes = _region_codes(data), _advice_codes(data)
        names[values["name_key"]] = new_id
        slug = _unique_slug(session, values["name_nl"] or values["name_de"] or values["name_en"], slugs)
        slugs.add(slug)
        rows.append({"id": new_id, "slug": slug, **values, "created_at": now, "updated_at": now})
        region_rows.extend({"initiative_id": new_id, "code": code} for code in region_codes)
        advice_rows.extend({"initiative_id": new_id, "code": code} for code in advice_codes)
        drafts.append(EventDraft(InitiativeEvent.CREATED, "initiative", new_id,
                                 {"after": _snapshot(values, region_codes, advice_codes)}))
    del parents
    bulk_insert(session, Initiative.__table__, rows)
    bulk_insert(session, InitiativeRegion.__table__, region_rows)
    bulk_insert(session, InitiativeAdviceLink.__table__, advice_rows)
    record_events(session, drafts, actor_id=actor_id)
    return ids


def update_initiative(session: Session, initiative: Initiative, data: InitiativeInput, *, actor_id: int | None,
                      names: Mapping[str, int] | None = None) -> Initiative:
    """Change an initiative; ``names`` (see ``validate_initiative``) spares imports a name query per row."""
    _validate(session, data, initiative, names=names).raise_if_any()
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


SORTS = ("name", "horizon", "share_ending", "start", "updated")
# "Share ending" without a window of its own looks this many months ahead.
SHARE_ENDING_MONTHS = 12


@dataclass
class InitiativeFilter:
    """The list filters a user can combine; every field optional."""

    kind: str | None = None
    theme: str | None = None  # theme number "3" or recommendation "3a"
    region: str | None = None
    funder_id: int | None = None
    horizon_months: int | None = None  # funding ends within N months from today
    ending_months: int | None = None  # some money (not the last euro, maybe) ends within N months from today
    status: str | None = None
    sort: str = "name"
    locale: str = "nl"  # names sort in the language the user reads them in


def list_initiatives(session: Session, flt: InitiativeFilter, *, limit: int | None = None, offset: int = 0) -> list[tuple[Initiative, date | None]]:
    """Initiatives matching ``flt`` with their funding horizon, in the requested order."""
    horizons = horizons_query().subquery()
    query = select(Initiative, horizons.c.horizon).outerjoin(horizons, horizons.c.initiative_id == Initiative.id)
    today = clock.today()
    if flt.ending_months is not None or flt.sort == "share_ending":
        months = flt.ending_months if flt.ending_months is not None else SHARE_ENDING_MONTHS
        money = money_ending_query(today, today + timedelta(days=round(months * 30.44))).subquery()
        query = query.outerjoin(money, money.c.initiative_id == Initiative.id)
        if flt.ending_months is not None:
            query = query.where(money.c.ending > 0)
        share = money.c.ending / func.nullif(money.c.running, 0)
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
        query = query.where(horizons.c.horizon.is_not(None), horizons.c.horizon >= today,
                            horizons.c.horizon <= today + timedelta(days=round(flt.horizon_months * 30.44)))
    shown_name = func.lower(func.coalesce(
        getattr(Initiative, f"name_{flt.locale}", Initiative.name_nl), Initiative.name_nl, Initiative.name_de, Initiative.name_en,
    ))
    order = {
        "name": (shown_name,),
        "horizon": (horizons.c.horizon.is_(None), horizons.c.horizon, shown_name),
        "share_ending": (share.is_(None), share.desc(), shown_name) if flt.sort == "share_ending" else (),
        "start": (Initiative.start_date.desc(), shown_name),
        "updated": (Initiative.updated_at.desc(),),
    }[flt.sort if flt.sort in SORTS else "name"]
    query = query.order_by(*order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [(row[0], row[1]) for row in session.execute(query).all()]


def count_initiatives(session: Session) -> int:
    return session.scalar(select(func.count(Initiative.id))) or 0
