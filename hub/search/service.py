"""Full-text search over every document source, one API for SQLite (FTS5) and PostgreSQL (tsvector).

The index is a projection of the domain events (``hub.search.projection``): :func:`search` first
takes in the events it has not seen, so a search right after a change finds it.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Select, case, column, delete, func, insert, literal_column, select, table, text
from sqlalchemy.orm import Session

from hub import advice, clock, regions
from hub.coverage.horizon import BUCKET_LABELS, HorizonBucket, one_year_after
from hub.db import is_postgres, is_value_of
from hub.errors import ValidationFailed
from hub.events.models import Event
from hub.formatting import locale_code, region_name
from hub.initiatives.forms import KIND_LABELS
from hub.initiatives.models import InitiativeKind
from hub.search import projection
from hub.search.models import FTS_TABLE, FundingState, SearchDocument, SearchFacet
from hub.search.query import SearchQuery
from hub.search.sources import SOURCES, Document
from hub.search.text import terms
from hub.stakeholders.models import Organisation

FACETS = ("type", "kind", "theme", "region", "funder", "horizon")
MAX_LIMIT = 100
MAX_OFFSET = 980
COUNT_CAP = 1_000  # counting stops here ("more than 1,000 results"): deeper pages are not offered
RANKED = 500  # more matches than this (in one tier) are not ranked by score: see ``_ranked``
FACET_WINDOW = 300  # facets count the best this many matches
SNIPPET_WIDTH = 240
# Title terms weigh ten times the body terms in the ranking.
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0

_fts = table(FTS_TABLE, column("rowid"), column("document_id"), column("terms"), column("title_terms"))


@dataclass
class SearchResult:
    type: str
    type_label: str
    id: int
    title: Markup  # escaped, with the matching words in <mark>
    url: str
    snippet: Markup  # escaped, with the matching words in <mark>
    score: float


@dataclass
class FacetCount:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: str
    total: int
    results: list[SearchResult]
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    limit: int = 20
    offset: int = 0
    total_capped: bool = False  # there are at least ``total`` (COUNT_CAP) matches
    facets_partial: bool = False  # the facets count the FACET_WINDOW best matches only


# --- keeping the index up to date ----------------------------------------------------------------


def _fts_id(session: Session) -> Any:
    """The column of ``search_fts`` holding the document id: FTS5's rowid, or PostgreSQL's document_id."""
    return _fts.c.document_id if is_postgres(session) else _fts.c.rowid


def _keys_of(event: Event) -> list[tuple[str, int]]:
    """(document type, event subject id): ``_refresh`` expands subject ids to document ids."""
    return [(s.doc_type, event.subject_id) for s in SOURCES.values() if event.subject_type in s.subject_types]


def _clear(session: Session) -> None:
    session.execute(text(f"DELETE FROM {FTS_TABLE}"))
    session.execute(delete(SearchFacet))
    session.execute(delete(SearchDocument))


def _refresh(session: Session, keys: Collection[tuple[str, int]]) -> None:
    """Replace the documents of ``keys`` with what their sources say now (nothing, if gone)."""
    by_type: dict[str, set[int]] = {}
    for doc_type, doc_id in keys:
        by_type.setdefault(doc_type, set()).add(doc_id)
    for doc_type, subject_ids in by_type.items():
        ids = SOURCES[doc_type].expand(session, subject_ids)
        stale = list(session.scalars(select(SearchDocument.id).where(
            SearchDocument.doc_type == doc_type, SearchDocument.doc_id.in_(ids))))
        if stale:
            session.execute(delete(_fts).where(_fts_id(session).in_(stale)))
            session.execute(delete(SearchFacet).where(SearchFacet.document_id.in_(stale)))
            session.execute(delete(SearchDocument).where(SearchDocument.id.in_(stale)))
        documents = SOURCES[doc_type].load(session, ids)
        if documents:
            _write(session, doc_type, documents)


def _write(session: Session, doc_type: str, documents: list[Document]) -> None:
    ids = session.scalars(
        insert(SearchDocument).returning(SearchDocument.id, sort_by_parameter_order=True),
        [{"doc_type": doc_type, "doc_id": d.doc_id, "title": d.title[:300], "titles": d.titles, "body": d.body,
          "public": d.public, "funding": d.funding, "horizon": d.horizon, "link": d.link} for d in documents],
    ).all()
    facets = [{"document_id": id_, "facet": name, "value": value[:64]}
              for id_, d in zip(ids, documents, strict=True) for name, values in d.facets.items() for value in values]
    if facets:
        session.execute(insert(SearchFacet.__table__), facets)
    rows = [{"id": id_, "title": " ".join(sorted(terms(f"{d.title} {d.extra}"))), "body": " ".join(sorted(terms(d.body)))}
            for id_, d in zip(ids, documents, strict=True)]
    if is_postgres(session):
        statement = text(f"INSERT INTO {FTS_TABLE} (document_id, terms, title_terms) VALUES (:id, "
                         "setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'D'), "
                         "to_tsvector('simple', :title))")
    else:
        statement = text(f"INSERT INTO {FTS_TABLE} (rowid, title_terms, body_terms) VALUES (:id, :title, :body)")
    session.execute(statement, rows)


INDEX = projection.Projection("search", _keys_of, _refresh, _clear,
                              (SearchDocument.__tablename__, SearchFacet.__tablename__, FTS_TABLE))


def refresh(session: Session) -> int:
    """Take in the events the index has not seen yet; returns how many."""
    return projection.catch_up(session, INDEX)


def rebuild(session: Session) -> int:
    """Index every document from scratch (after a bulk load that bypassed the events); returns the count."""
    keys = [(s.doc_type, doc_id) for s in SOURCES.values() for doc_id in s.all_ids(session)]
    return projection.rebuild(session, INDEX, keys)


# --- querying ------------------------------------------------------------------------------------


def _bucket(today: Any) -> Any:
    """The horizon bucket of a document as SQL (it depends on today, so it is never stored)."""
    return case(
        (SearchDocument.funding == FundingState.NONE, HorizonBucket.UNFUNDED.value),
        (SearchDocument.funding == FundingState.OPEN, HorizonBucket.OPEN_ENDED.value),
        (SearchDocument.horizon < today, HorizonBucket.ENDED.value),
        (SearchDocument.horizon <= one_year_after(today), HorizonBucket.WITHIN_12_MONTHS.value),
        else_=HorizonBucket.LATER.value,
    )


def _check_facets(session: Session, facets: dict[str, str]) -> dict[str, str]:
    """Refuse unknown filters and values with a message naming them (nothing is searched)."""
    errors: dict[str, list[str]] = {}
    clean = {name: (value or "").strip() for name, value in facets.items() if (value or "").strip()}
    for name, value in clean.items():
        if name not in FACETS:
            errors.setdefault("facets", []).append(_("Unknown filter: %(name)s.", name=name[:40]))
            continue
        valid = {
            "type": lambda v: v in SOURCES,
            "kind": lambda v: is_value_of(InitiativeKind, v),
            "theme": lambda v: v in {str(t.number) for t in advice.THEMES},
            "region": lambda v: regions.normalise(v) in regions.REGIONS,
            "funder": lambda v: v.isdigit() and len(v) < 12 and session.get(Organisation, int(v)) is not None,
            "horizon": lambda v: is_value_of(HorizonBucket, v),
        }[name](value)
        if not valid:
            errors.setdefault(name, []).append(_("Unknown value for the filter “%(name)s”: %(value)s.",
                                                 name=name, value=value[:60]))
    if errors:
        raise ValidationFailed(errors)
    if "region" in clean:
        clean["region"] = regions.normalise(clean["region"])
    return clean


def _tier(session: Session, query: SearchQuery, tier: str) -> tuple[Any, Any, Any, Any]:
    """(join condition, match condition, score, cheap order) of one ranking tier: "all" matches,
    matches in the "title" (names, acronyms), or the "rest" (matching in the body only)."""
    if is_postgres(session):
        full = func.to_tsquery(literal_column("'simple'"), query.tsquery())
        condition = {
            "all": _fts.c.terms.op("@@")(full),
            "title": _fts.c.title_terms.op("@@")(full),
            "rest": _fts.c.terms.op("@@")(full) & ~_fts.c.title_terms.op("@@")(full),
        }[tier]
        score = func.ts_rank(_fts.c.terms, full)
    else:
        expression = {"all": query.fts5(), "title": query.fts5(column="title_terms"),
                      "rest": f"({query.fts5()}) NOT ({query.fts5(column='title_terms')})"}[tier]
        condition = literal_column(FTS_TABLE).op("MATCH")(expression)
        score = -func.bm25(literal_column(FTS_TABLE), TITLE_WEIGHT, BODY_WEIGHT)
    return _fts_id(session) == SearchDocument.id, condition, score, _fts_id(session).desc()


def _filtered(statement: Select, filters: dict[str, str], include_private: bool) -> Select:
    if not include_private:
        statement = statement.where(SearchDocument.public.is_(True))
    for name, value in filters.items():
        if name == "type":
            statement = statement.where(SearchDocument.doc_type == value)
        elif name == "horizon":
            statement = statement.where(SearchDocument.funding.is_not(None), _bucket(clock.today()) == value)
        else:
            statement = statement.where(SearchDocument.id.in_(
                select(SearchFacet.document_id).where(SearchFacet.facet == name, SearchFacet.value == value)))
    return statement


def _ranked(session: Session, query: SearchQuery, filters: dict[str, str], include_private: bool,
            wanted: int) -> tuple[int, list[tuple[int, float]]]:
    """(number of matches up to COUNT_CAP, the best ``wanted`` (document id, score) pairs).

    Ranking every match costs as much as there are matches, so a large result is ranked in tiers:
    title matches before body-only matches, and a tier with more than RANKED matches is listed
    newest first instead of by score.
    """
    def count(tier: str, cap: int) -> int:
        """Matches in the tier, counting no further than ``cap``."""
        join, condition, _score, _order = _tier(session, query, tier)
        if is_postgres(session):
            # OFFSET 0 plans the match on its own: under the LIMIT, PostgreSQL would otherwise walk both
            # primary keys in a merge join, testing every row's tsvector (very slow for common words).
            hits = select(_fts.c.document_id.label("id")).where(condition).offset(0).subquery()
            matches = select(SearchDocument.id).join(hits, hits.c.id == SearchDocument.id)
        else:
            matches = select(SearchDocument.id).join(_fts, join).where(condition)
        matches = _filtered(matches, filters, include_private)
        return session.scalar(select(func.count()).select_from(matches.limit(cap).subquery())) or 0

    total = count("all", COUNT_CAP + 1)
    tiers = ["all"] if total <= RANKED else ["title", "rest"]
    found: list[tuple[int, float]] = []
    for tier in tiers:
        join, condition, score, cheap = _tier(session, query, tier)
        order = (score.desc(), SearchDocument.id) if tier == "all" or count(tier, RANKED + 1) <= RANKED else (cheap,)
        rows = session.execute(_filtered(select(SearchDocument.id, score).join(_fts, join).where(condition), filters,
                                         include_private).order_by(*order).limit(wanted - len(found))).all()
        found.extend((row[0], float(row[1])) for row in rows)
        if len(found) >= wanted:
            break
    return min(total, COUNT_CAP), found


def _facet_counts(session: Session, ids: list[int], filters: dict[str, str]) -> dict[str, list[FacetCount]]:
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for facet, value, n in session.execute(
        select(SearchFacet.facet, SearchFacet.value, func.count()).where(SearchFacet.document_id.in_(ids))
        .group_by(SearchFacet.facet, SearchFacet.value)
    ):
        counts.setdefault(facet, {})[value] = n
    horizon_of = case((SearchDocument.funding.is_(None), None), else_=_bucket(clock.today()))
    for doc_type, horizon, n in session.execute(
        select(SearchDocument.doc_type, horizon_of, func.count())
        .where(SearchDocument.id.in_(ids)).group_by(SearchDocument.doc_type, horizon_of)
    ):
        counts["type"][doc_type] = counts["type"].get(doc_type, 0) + n
        if horizon is not None:
            counts["horizon"][horizon] = counts["horizon"].get(horizon, 0) + n
    labels = _facet_labels(session, counts)
    return {
        name: sorted(
            (FacetCount(value, labels.get((name, value), value), n, filters.get(name) == value) for value, n in values.items()),
            key=lambda f: (-f.count, f.label),
        )
        for name, values in counts.items() if name in FACETS
    }


def _facet_labels(session: Session, counts: dict[str, dict[str, int]]) -> dict[tuple[str, str], str]:
    funder_ids = [int(v) for v in counts.get("funder", {}) if v.isdigit()]
    names = dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(funder_ids))).all())
    labels: dict[tuple[str, str], str] = {}
    for value in counts.get("type", {}):
        labels[("type", value)] = str(SOURCES[value].label) if value in SOURCES else value
    for value in counts.get("kind", {}):
        labels[("kind", value)] = str(KIND_LABELS.get(value, value))
    for value in counts.get("theme", {}):
        labels[("theme", value)] = f"{value}. {advice.title(value, locale_code())}" if advice.is_valid_code(value) else value
    for value in counts.get("region", {}):
        labels[("region", value)] = region_name(value)
    for value in counts.get("funder", {}):
        labels[("funder", value)] = names.get(int(value), value) if value.isdigit() else value
    for value in counts.get("horizon", {}):
        labels[("horizon", value)] = str(BUCKET_LABELS[HorizonBucket(value)]) if is_value_of(HorizonBucket, value) else value
    return labels


def _url(doc: SearchDocument) -> str:
    """The document's own page, or the outside page it stands for (a news article)."""
    if doc.link:
        return doc.link
    source = SOURCES[doc.doc_type]
    if has_request_context():
        return url_for(source.endpoint, **{source.id_arg: doc.doc_id})
    return current_app.url_map.bind("localhost").build(source.endpoint, {source.id_arg: doc.doc_id})


def search(
    session: Session,
    query: str,
    *,
    facets: dict[str, str] | None = None,
    limit: int = 20,
    offset: int = 0,
    include_private: bool = False,
    with_facets: bool = True,
) -> SearchResults:
    """Documents matching every word of ``query`` (accent-, case- and plural-insensitive), best first,
    with highlighted titles and snippets and the facet counts of all matches.

    ``facets`` filters on type, kind, theme, region, funder and horizon; unknown filters or values,
    an empty or overlong query raise ``ValidationFailed`` naming the problem. Documents that are not
    public (e.g. internal lobby notes) are only searched with ``include_private``.
    """
    parsed = SearchQuery.parse(query)
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise ValidationFailed({"page": [_("That page of results does not exist.")]})
    filters = _check_facets(session, facets or {})
    refresh(session)
    total, ranked = _ranked(session, parsed, filters, include_private, max(offset + limit, FACET_WINDOW))
    page_scores = dict(ranked[offset:offset + limit])
    documents = {d.id: d for d in session.scalars(select(SearchDocument).where(SearchDocument.id.in_(page_scores)))}
    page = [(documents[i], score) for i, score in page_scores.items()]
    locale = locale_code()
    results = [
        SearchResult(
            type=doc.doc_type,
            type_label=str(SOURCES[doc.doc_type].label),
            id=doc.doc_id,
            title=parsed.highlight(doc.titles.get(locale) or doc.title),
            url=_url(doc),
            snippet=parsed.highlight(doc.body, SNIPPET_WIDTH),
            score=round(float(doc_score), 4),
        )
        for doc, doc_score in page
    ]
    counts = _facet_counts(session, [i for i, _score in ranked[:FACET_WINDOW]], filters) if with_facets and total else {}
    return SearchResults(query=parsed.text, total=total, results=results, facets=counts, limit=limit, offset=offset,
                         total_capped=total >= COUNT_CAP, facets_partial=total > FACET_WINDOW)
