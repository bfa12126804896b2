"""Overlap detection: which initiatives may duplicate or complement one another, and why.

Candidates for one initiative come in two steps, so the cost does not grow with the registry:
indexed SQL picks a pool of initiatives that share something specific with it (name terms,
distinctive description terms, SER recommendations, regions, partners, funders), then Python
scores only that pool. Names are compared across languages with character trigrams over folded
names and aliases; descriptions by their stemmed terms (``hub.search.text``). The analysed terms
and the scored pairs for the cluster report are projections of the domain events.
"""
from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, insert, or_, select, text
from sqlalchemy.orm import Session

from hub import advice, clock, regions
from hub.db import is_value_of
from hub.errors import NotFound, ValidationFailed
from hub.events import record_event
from hub.events.labels import EVENT_LABELS
from hub.events.models import Event
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative, InitiativeAdviceLink, InitiativeRegion
from hub.overlap.models import OverlapDecision, OverlapPair, OverlapTerm, TermField, Verdict
from hub.search import projection
from hub.search.sources import nuts_with_ancestors
from hub.search.text import key_terms
from hub.stakeholders.models import InitiativeRole, InitiativeRoleKind, Organisation
from hub.text import fold, multi_line


class OverlapEvent(enum.StrEnum):
    DECIDED = "overlap.decided"


EVENT_LABELS.setdefault(OverlapEvent.DECIDED.value, _l("Overlap decision"))  # for the history panels

VERDICT_LABELS = {
    Verdict.DUPLICATE: _l("Duplicate"),
    Verdict.COMPLEMENTARY: _l("Complementary"),
    Verdict.UNRELATED: _l("Unrelated"),
}

# How much each kind of evidence counts towards the score (they add up to 1).
WEIGHTS = {"name": 0.25, "acronym": 0.05, "purpose": 0.20, "advice": 0.15, "partner": 0.10, "funder": 0.10,
           "region": 0.10, "period": 0.05}
NAME_SIMILAR = 0.35  # trigram similarity from which names count as similar
PURPOSE_SIMILAR = 0.12  # share of description terms from which purposes count as similar
POOL_SIZE = 100  # initiatives scored in Python per request
DISTINCTIVE_CAP = 500  # a term more initiatives share than this does not pick candidates
MAX_TEXT_TERMS = 40
PAIR_THRESHOLD = 0.30  # pairs from this score on are kept for the cluster report
PAIRS_PER_INITIATIVE = 30
NOTE_MAX = 1000


@dataclass(frozen=True)
class Reason:
    code: str  # "name", "acronym", "purpose", "recommendation", "theme", "region", "period", "partner", "funder"
    text: str  # translated, for people


@dataclass
class OverlapCandidate:
    initiative: Initiative
    score: float  # 0..1
    reasons: list[Reason]


@dataclass
class Profile:
    """What overlap scoring knows about one initiative."""

    id: int
    parent_id: int | None
    names: list[str]
    acronym: str
    start: date | None
    end: date | None
    name_terms: set[str] = field(default_factory=set)
    text_terms: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    partners: set[int] = field(default_factory=set)
    funders: set[int] = field(default_factory=set)
    trigrams: list[frozenset[str]] = field(default_factory=list)


# --- analysed terms: a projection of the initiative events ----------------------------------------


def _initiative_keys(event: Event) -> list[tuple[str, int]]:
    return [("initiative", event.subject_id)] if event.subject_type == "initiative" else []


def _clear_terms(session: Session) -> None:
    session.execute(delete(OverlapTerm))


def _refresh_terms(session: Session, keys: Collection[tuple[str, int]]) -> None:
    ids = {doc_id for _type, doc_id in keys}
    session.execute(delete(OverlapTerm).where(OverlapTerm.initiative_id.in_(ids)))
    rows = []
    for row in session.execute(select(Initiative.id, Initiative.name_nl, Initiative.name_de, Initiative.name_en,
                                      Initiative.acronym, Initiative.aliases, Initiative.description)
                               .where(Initiative.id.in_(ids))):
        names = key_terms(" ".join(filter(None, [row.name_nl, row.name_de, row.name_en, row.acronym, row.aliases])))
        # The longest words say most about a text; a long description keeps its MAX_TEXT_TERMS longest.
        text = sorted(key_terms(row.description) - names, key=lambda t: (-len(t), t))[:MAX_TEXT_TERMS]
        rows += [{"term": t, "field": TermField.NAME.value, "initiative_id": row.id} for t in names]
        rows += [{"term": t, "field": TermField.TEXT.value, "initiative_id": row.id} for t in text]
    if rows:
        rows.sort(key=lambda r: (r["term"], r["field"], r["initiative_id"]))  # primary-key order: cheap appends
        session.execute(insert(OverlapTerm.__table__), rows)


TERMS = projection.Projection("overlap_terms", _initiative_keys, _refresh_terms, _clear_terms, (OverlapTerm.__tablename__,))


# --- profiles and scoring -------------------------------------------------------------------------


def _trigrams(name: str) -> frozenset[str]:
    padded = "  " + " ".join("".join(c if c.isalnum() else " " for c in fold(name)).split()) + " "
    return frozenset(padded[i:i + 3] for i in range(len(padded) - 2))


def load_profiles(session: Session, ids: Collection[int]) -> dict[int, Profile]:
    """Profiles of these initiatives. Plain table rows (no ORM objects): a request reads thousands."""
    profiles = {}
    i = Initiative.__table__.c
    for row in session.execute(select(i.id, i.parent_id, i.name_nl, i.name_de, i.name_en, i.acronym, i.aliases,
                                      i.start_date, i.end_date).where(i.id.in_(ids))):
        names = list(dict.fromkeys(n for n in [row.name_nl, row.name_de, row.name_en, *row.aliases.splitlines()] if n and n.strip()))
        profiles[row.id] = Profile(id=row.id, parent_id=row.parent_id, names=names, acronym=fold(row.acronym or "").strip(),
                                   start=row.start_date, end=row.end_date, trigrams=[_trigrams(n) for n in names])
    found = list(profiles)
    terms = OverlapTerm.__table__.c
    for owner, term, is_name in session.execute(select(terms.initiative_id, terms.term, terms.field == TermField.NAME.value)
                                                .where(terms.initiative_id.in_(found))):
        (profiles[owner].name_terms if is_name else profiles[owner].text_terms).add(term)
    for table, target in ((InitiativeAdviceLink.__table__, "codes"), (InitiativeRegion.__table__, "regions")):
        for owner, code in session.execute(select(table.c.initiative_id, table.c.code).where(table.c.initiative_id.in_(found))):
            getattr(profiles[owner], target).add(code)
    roles = InitiativeRole.__table__.c
    for owner, org, is_funder in session.execute(select(roles.initiative_id, roles.organisation_id,
                                                        roles.role == InitiativeRoleKind.FUNDER.value)
                                                 .where(roles.initiative_id.in_(found))):
        (profiles[owner].funders if is_funder else profiles[owner].partners).add(org)
    streams = FundingStream.__table__.c
    for owner, funder in session.execute(select(streams.initiative_id, streams.funder_id).where(streams.initiative_id.in_(found))):
        profiles[owner].funders.add(funder)
    return profiles


def _jaccard(a: Collection[Any], b: Collection[Any]) -> float:
    return len(set(a) & set(b)) / len(set(a) | set(b)) if a and b else 0.0


def _regions_meet(a: str, b: str) -> bool:
    """Same region, or one NUTS region inside the other (NL213 Twente lies in NL21 Overijssel)."""
    return a == b or a in nuts_with_ancestors(b) or b in nuts_with_ancestors(a)


def _periods_overlap(x: Profile, y: Profile) -> bool | None:
    """None when either period is wholly unknown."""
    if (x.start is None and x.end is None) or (y.start is None and y.end is None):
        return None
    return (x.start or date.min) <= (y.end or date.max) and (y.start or date.min) <= (x.end or date.max)


@dataclass
class Match:
    """How two profiles overlap: the score and the evidence, before it is put into words."""

    score: float
    codes: list[str]
    names: tuple[str, str] | None = None  # the most similar pair of names, if names are similar
    acronym: str = ""
    shared_terms: int = 0
    recommendations: list[str] = field(default_factory=list)
    themes: list[int] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    partners: set[int] = field(default_factory=set)
    funders: set[int] = field(default_factory=set)


def score_pair(x: Profile, y: Profile) -> Match:
    """The overlap of two initiatives: a symmetric score from 0 to 1 and the evidence for it."""
    parts: dict[str, float] = {}
    match = Match(0.0, [])
    best, pair = 0.0, ("", "")
    for i, a in enumerate(x.trigrams):
        for j, b in enumerate(y.trigrams):
            similarity = _jaccard(a, b)
            if similarity > best:
                best, pair = similarity, (x.names[i], y.names[j])
    parts["name"] = max(best, _jaccard(x.name_terms, y.name_terms))
    if parts["name"] >= NAME_SIMILAR:
        match.codes.append("name")
        match.names = pair if best >= NAME_SIMILAR else None
    if len(x.acronym) >= 2 and (x.acronym == y.acronym or x.acronym in y.name_terms) \
            or len(y.acronym) >= 2 and y.acronym in x.name_terms:
        parts["acronym"] = 1.0
        match.codes.append("acronym")
        match.acronym = (x.acronym if x.acronym == y.acronym or x.acronym in y.name_terms else y.acronym).upper()
    purpose = _jaccard(x.text_terms | x.name_terms, y.text_terms | y.name_terms)
    parts["purpose"] = min(1.0, 2 * purpose)
    match.shared_terms = len(x.text_terms & y.text_terms)
    if purpose >= PURPOSE_SIMILAR and match.shared_terms:
        match.codes.append("purpose")
    match.recommendations = sorted(c for c in x.codes & y.codes if not c.isdigit())
    match.themes = sorted({advice.theme_of(c) for c in x.codes} & {advice.theme_of(c) for c in y.codes})
    if match.recommendations:
        parts["advice"] = 1.0
        match.codes.append("recommendation")
    elif match.themes:
        parts["advice"] = 0.5
        match.codes.append("theme")
    match.regions = sorted({c for a in x.regions for b in y.regions if _regions_meet(a, b) for c in (a, b)})
    if match.regions:
        parts["region"] = len(match.regions) / len(x.regions | y.regions)
        match.codes.append("region")
    if _periods_overlap(x, y):
        parts["period"] = 1.0
        match.codes.append("period")
    match.partners = x.partners & y.partners
    if match.partners:
        parts["partner"] = min(1.0, 2 * _jaccard(x.partners, y.partners))
        match.codes.append("partner")
    match.funders = x.funders & y.funders
    if match.funders:
        parts["funder"] = 1.0
        match.codes.append("funder")
    match.score = round(min(1.0, sum(WEIGHTS[k] * v for k, v in parts.items())), 3)
    return match


def explain(session: Session, match: Match) -> list[Reason]:
    """The evidence of a match as translated sentences, one per reason code."""
    def organisations(ids: set[int]) -> str:
        return ", ".join(session.scalars(select(Organisation.name).where(Organisation.id.in_(ids)).order_by(Organisation.name)))

    texts = {
        "name": lambda: _("Similar names: “%(a)s” and “%(b)s”.", a=match.names[0], b=match.names[1]) if match.names
        else _("The names share words."),
        "acronym": lambda: _("Same acronym: %(acronym)s.", acronym=match.acronym),
        "purpose": lambda: _("Similar purpose: the descriptions share %(n)d key words.", n=match.shared_terms),
        "recommendation": lambda: _("Same SER recommendation: %(codes)s.", codes=", ".join(match.recommendations)),
        "theme": lambda: _("Same SER theme: %(themes)s.", themes=", ".join(map(str, match.themes))),
        "region": lambda: _("Overlapping regions: %(regions)s.", regions=", ".join(
            regions.REGIONS[c].name if c in regions.REGIONS else c for c in match.regions)),
        "period": lambda: _("The periods overlap."),
        "partner": lambda: _("Shared partners: %(names)s.", names=organisations(match.partners)),
        "funder": lambda: _("Shared funders: %(names)s.", names=organisations(match.funders)),
    }
    return [Reason(code, texts[code]()) for code in match.codes]


REASON_LABELS = {
    "name": _l("similar name"),
    "acronym": _l("same acronym"),
    "purpose": _l("similar purpose"),
    "recommendation": _l("same recommendation"),
    "theme": _l("same theme"),
    "region": _l("same region"),
    "period": _l("same period"),
    "partner": _l("shared partners"),
    "funder": _l("shared funders"),
}


@dataclass(frozen=True)
class _Signal:
    """One kind of thing initiatives can share, read from an indexed table: ``owner`` is the initiative
    column, ``key`` the shared value (a term, a code, an organisation), ``condition`` narrows the rows.

    Written as SQL text: these statements differ in shape on every call, and building them as
    expressions cost more than running them.
    """

    weight: int
    table: str
    owner: str
    key: str
    keys: tuple[Any, ...]
    condition: str = ""
    most: int = 16  # keys used at most, the rarest first

    def rows(self, key_sql: str) -> str:
        where = f"{self.key} {key_sql}" + (f" AND {self.condition}" if self.condition else "")
        return f"FROM {self.table} WHERE {where}"


def _signals(x: Profile) -> list[_Signal]:
    terms, roles, funder = OverlapTerm.__tablename__, InitiativeRole.__tablename__, InitiativeRoleKind.FUNDER.value
    wider_regions = {c for code in x.regions for c in nuts_with_ancestors(code)}
    return [
        _Signal(4, terms, "initiative_id", "term", tuple(sorted(x.name_terms)), f"field = '{TermField.NAME.value}'"),
        _Signal(1, terms, "initiative_id", "term", tuple(sorted(x.text_terms)), f"field = '{TermField.TEXT.value}'"),
        _Signal(3, InitiativeAdviceLink.__tablename__, "initiative_id", "code", tuple(sorted(x.codes))),
        _Signal(1, InitiativeRegion.__tablename__, "initiative_id", "code", tuple(sorted(wider_regions))),
        _Signal(3, roles, "initiative_id", "organisation_id", tuple(sorted(x.partners)), f"role != '{funder}'"),
        _Signal(3, FundingStream.__tablename__, "initiative_id", "funder_id", tuple(sorted(x.funders))),
        _Signal(3, roles, "initiative_id", "organisation_id", tuple(sorted(x.funders)), f"role = '{funder}'"),
    ]


def _selective(session: Session, signals: list[_Signal]) -> list[tuple[_Signal, list[Any]]]:
    """Per signal, its keys shared by at most DISTINCTIVE_CAP initiatives, the rarest first. Counting
    stops after the cap, so a key half the registry shares costs no more than a rare one."""
    wanted = [(i, key) for i, signal in enumerate(signals) for key in signal.keys]
    if not wanted:
        return []
    counts = " UNION ALL ".join(
        f"SELECT {i} AS signal, {n} AS position, (SELECT count(*) FROM (SELECT 1 AS hit "
        f"{signals[i].rows(f'= :key{n}')} LIMIT {DISTINCTIVE_CAP + 1}) AS hits) AS n"
        for n, (i, _key) in enumerate(wanted)
    )
    chosen: dict[int, list[Any]] = defaultdict(list)
    for i, position, _n in session.execute(
        text(f"SELECT signal, position, n FROM ({counts}) AS counts WHERE n BETWEEN 1 AND {DISTINCTIVE_CAP} ORDER BY n"),
        {f"key{n}": key for n, (_i, key) in enumerate(wanted)},
    ):
        if len(chosen[i]) < signals[i].most:
            chosen[i].append(wanted[position][1])
    return [(signals[i], keys) for i, keys in chosen.items()]


def _pool(session: Session, x: Profile) -> list[int]:
    """Initiatives sharing something specific with ``x`` (names, description terms, SER codes, regions,
    partners, funders), the most shared first: indexed SQL over at most a few thousand rows."""
    selected = _selective(session, _signals(x))
    if not selected:
        return []
    shared = " UNION ALL ".join(
        f"SELECT {signal.owner} AS candidate, {signal.weight} AS weight {signal.rows(f'IN :keys{n}')}"
        for n, (signal, _keys) in enumerate(selected)
    )
    statement = text(f"SELECT candidate FROM ({shared}) AS shared WHERE candidate != :x GROUP BY candidate "
                     f"ORDER BY sum(weight) DESC, candidate LIMIT {POOL_SIZE}")
    statement = statement.bindparams(*(bindparam(f"keys{n}", expanding=True) for n in range(len(selected))))
    return list(session.scalars(statement, {"x": x.id, **{f"keys{n}": keys for n, (_s, keys) in enumerate(selected)}}))


def _decided_with(session: Session, initiative_id: int) -> set[int]:
    rows = session.execute(select(OverlapDecision.low_id, OverlapDecision.high_id).where(
        or_(OverlapDecision.low_id == initiative_id, OverlapDecision.high_id == initiative_id))).all()
    return {low if high == initiative_id else high for low, high in rows}


def _rank(session: Session, initiative_id: int, *, limit: int, skip_decided: bool,
          minimum: float = 0.0) -> list[tuple[Profile, Profile, Match]]:
    """(x, candidate, match), best first. A parent and its own projects are related by design: left out."""
    x = load_profiles(session, [initiative_id])[initiative_id]
    pool = set(_pool(session, x)) - (_decided_with(session, initiative_id) if skip_decided else set())
    ranked = []
    for y in load_profiles(session, pool).values():
        if y.parent_id != x.id and x.parent_id != y.id:
            match = score_pair(x, y)
            if match.score > minimum:
                ranked.append((x, y, match))
    ranked.sort(key=lambda item: (-item[2].score, item[1].id))
    return ranked[:limit]


def candidates(session: Session, initiative_id: int, *, limit: int = 10) -> list[OverlapCandidate]:
    """Initiatives that may overlap this one, best first, each with a score (0..1) and its reasons.
    Pairs a manager has already decided on are not suggested again."""
    if not 1 <= limit <= 100:
        raise ValidationFailed({"limit": [_("Ask for between 1 and 100 candidates.")]})
    if session.get(Initiative, initiative_id) is None:
        raise NotFound(_("No initiative with id %(id)s.", id=initiative_id))
    projection.catch_up(session, TERMS)
    ranked = _rank(session, initiative_id, limit=limit, skip_decided=True)
    found = {i.id: i for i in session.scalars(select(Initiative).where(Initiative.id.in_([y.id for _x, y, _m in ranked])))}
    return [OverlapCandidate(found[y.id], match.score, explain(session, match)) for _x, y, match in ranked]


# --- decisions ------------------------------------------------------------------------------------


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def decide(session: Session, initiative_id: int, other_id: int, verdict: str, *, actor_id: int | None,
           note: str = "") -> OverlapDecision:
    """Record a manager's verdict on a pair; it is an event on the initiative and the pair is not
    suggested again. Deciding again replaces the verdict."""
    note = multi_line(note)
    errors: dict[str, list[str]] = {}
    if not is_value_of(Verdict, verdict):
        errors["verdict"] = [_("Choose duplicate, complementary or unrelated.")]
    if initiative_id == other_id:
        errors["other_id"] = [_("An initiative cannot overlap with itself.")]
    if len(note) > NOTE_MAX:
        errors["note"] = [_("The note is too long: use at most %(n)d characters.", n=NOTE_MAX)]
    other = session.get(Initiative, other_id)
    if session.get(Initiative, initiative_id) is None or other is None:
        errors["other_id"] = [_("That initiative does not exist (any more).")]
    if errors or other is None:
        raise ValidationFailed(errors)
    low, high = _ordered(initiative_id, other_id)
    decision = session.scalar(select(OverlapDecision).where(OverlapDecision.low_id == low, OverlapDecision.high_id == high))
    before = decision.verdict.value if decision else None
    if decision is None:
        decision = OverlapDecision(low_id=low, high_id=high)
        session.add(decision)
    decision.verdict = Verdict(verdict)
    decision.note = note
    decision.decided_by_id = actor_id
    decision.decided_at = clock.now()
    session.flush()
    record_event(session, OverlapEvent.DECIDED, "initiative", initiative_id, actor_id=actor_id, payload={
        "other_id": other_id,
        "before": {"verdict": before} if before else {},
        "after": {"verdict": verdict, "initiative": other.primary_name, "note": decision.note},
    })
    return decision


def decisions_for(session: Session, initiative_id: int) -> list[tuple[OverlapDecision, Initiative]]:
    """This initiative's decided pairs, each with the other initiative."""
    rows = session.scalars(select(OverlapDecision).where(
        or_(OverlapDecision.low_id == initiative_id, OverlapDecision.high_id == initiative_id))
        .order_by(OverlapDecision.decided_at.desc())).all()
    return [(d, d.high if d.low_id == initiative_id else d.low) for d in rows]


# --- pairs and clusters for the report -------------------------------------------------------------


def _clear_pairs(session: Session) -> None:
    session.execute(delete(OverlapPair))


def _refresh_pairs(session: Session, keys: Collection[tuple[str, int]]) -> None:
    ids = {doc_id for _type, doc_id in keys}
    session.execute(delete(OverlapPair).where(or_(OverlapPair.low_id.in_(ids), OverlapPair.high_id.in_(ids))))
    existing = set(session.scalars(select(Initiative.id).where(Initiative.id.in_(ids))))
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    for x_id in existing:
        for _x, y, match in _rank(session, x_id, limit=PAIRS_PER_INITIATIVE, skip_decided=False, minimum=PAIR_THRESHOLD):
            low, high = _ordered(x_id, y.id)
            pairs[(low, high)] = {"low_id": low, "high_id": high, "score": match.score, "reasons": match.codes}
    if pairs:
        session.execute(insert(OverlapPair), list(pairs.values()))


PAIRS = projection.Projection("overlap_pairs", _initiative_keys, _refresh_pairs, _clear_pairs, (OverlapPair.__tablename__,))


@dataclass
class Cluster:
    initiatives: list[Initiative]
    pairs: list[tuple[Initiative, Initiative, float, list[str], Verdict | None]]  # a, b, score, reason codes, verdict

    @property
    def top_score(self) -> float:
        return max((p[2] for p in self.pairs), default=0.0)


@dataclass
class ClusterReport:
    clusters: list[Cluster]
    threshold: float
    pending: int  # changes not yet taken into account (the report catches up a bounded amount per request)


REPORT_STEP = 2000  # events taken in per report request; ``hub overlap refresh`` takes in the rest


def clusters(session: Session, *, threshold: float = 0.45, max_events: int | None = REPORT_STEP) -> ClusterReport:
    """Groups of initiatives linked by pairs scoring at least ``threshold`` or decided duplicate or
    complementary (connected components); pairs decided unrelated never link."""
    if not PAIR_THRESHOLD <= threshold <= 1:
        raise ValidationFailed({"threshold": [_("The minimum score must lie between %(low)s and 1.", low=PAIR_THRESHOLD)]})
    projection.catch_up(session, TERMS)
    projection.catch_up(session, PAIRS, max_events=max_events)
    verdicts = {(d.low_id, d.high_id): d.verdict for d in session.scalars(select(OverlapDecision))}
    edges: dict[tuple[int, int], tuple[float, list[str]]] = {
        (p.low_id, p.high_id): (p.score, p.reasons)
        for p in session.scalars(select(OverlapPair).where(OverlapPair.score >= threshold))
    }
    for key, verdict in verdicts.items():
        if verdict != Verdict.UNRELATED:
            edges.setdefault(key, (0.0, []))
    edges = {key: value for key, value in edges.items() if verdicts.get(key) != Verdict.UNRELATED}
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for low, high in edges:
        parent[root(low)] = root(high)
    members: dict[int, list[int]] = defaultdict(list)
    for node in parent:
        members[root(node)].append(node)
    loaded = {i.id: i for i in session.scalars(select(Initiative).where(Initiative.id.in_(list(parent))))}
    found = []
    for group in members.values():
        inside = set(group)
        pairs = sorted(
            ((loaded[low], loaded[high], score, codes, verdicts.get((low, high)))
             for (low, high), (score, codes) in edges.items() if low in inside),
            key=lambda p: -p[2],
        )
        found.append(Cluster(sorted((loaded[i] for i in group), key=lambda i: i.name_key), pairs))
    found.sort(key=lambda c: (-len(c.initiatives), -c.top_score))
    return ClusterReport(found, threshold, projection.pending(session, PAIRS))


def refresh(session: Session) -> int:
    """Take in every pending event for the terms and the pairs (``hub overlap refresh``)."""
    return projection.catch_up(session, TERMS) + projection.catch_up(session, PAIRS)


def rebuild(session: Session, *, with_pairs: bool = True) -> int:
    """Recompute the terms (and the pairs) of every initiative, after a bulk load that bypassed the events."""
    keys = [("initiative", i) for i in session.scalars(select(Initiative.id).order_by(Initiative.id))]
    done = projection.rebuild(session, TERMS, keys)
    if with_pairs:
        projection.rebuild(session, PAIRS, keys, batch=200)
    return done
