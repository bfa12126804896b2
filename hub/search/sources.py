"""Document sources: one small loader per searchable type.

A source turns registry rows into :class:`Document` values for the index and says which event
subjects make its documents stale. Adding a type means adding one function and one ``Source``.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import advice, regions
from hub.feeds.models import FeedEntry
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative, InitiativeAdviceLink, InitiativeRegion
from hub.lobby.models import LobbyAction, LobbyPriority
from hub.search.models import FundingState
from hub.stakeholders.models import InitiativeRole, InitiativeRoleKind, Organisation


@dataclass
class Document:
    doc_id: int
    title: str
    body: str  # shown in results, snippets are cut from it
    titles: dict[str, str] = field(default_factory=dict)  # per locale, where the source has them
    extra: str = ""  # indexed with the title but not shown: other names, acronyms, aliases
    public: bool = True
    facets: dict[str, set[str]] = field(default_factory=dict)
    funding: FundingState | None = None
    horizon: date | None = None
    link: str | None = None  # an outside page to open instead of ``Source.endpoint`` (news articles)


def _same_ids(_session: Session, ids: set[int]) -> set[int]:
    return ids


@dataclass(frozen=True)
class Source:
    doc_type: str
    label: Any  # lazy translated name of the type
    subject_types: frozenset[str]  # event subjects that make documents of this source stale
    load: Callable[[Session, Collection[int]], list[Document]]  # ids that are gone are simply left out
    all_ids: Callable[[Session], list[int]]
    endpoint: str  # page of one document
    id_arg: str
    # The document ids behind the subject ids of events (default: the same ids).
    expand: Callable[[Session, set[int]], set[int]] = _same_ids


@lru_cache(maxsize=1024)
def nuts_with_ancestors(code: str) -> frozenset[str]:
    """A region with the NUTS regions that contain it ("NL213" -> NL213, NL21, NL2, NL)."""
    found = {code}
    if regions.REGIONS.get(code) and regions.REGIONS[code].level.startswith("nuts"):
        found.update(code[:n] for n in range(2, len(code)) if code[:n] in regions.REGIONS)
    return frozenset(found)


def _grouped(session: Session, query: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for owner, *values in session.execute(query):
        grouped[owner].append(values[0] if len(values) == 1 else tuple(values))
    return grouped


def _funding(streams: list[tuple[int, date | None]]) -> tuple[FundingState, date | None]:
    """The same rule as ``hub.funding.horizon.funding_horizon``, on (funder, end date) rows."""
    if not streams:
        return FundingState.NONE, None
    ends = [end for _funder, end in streams]
    if any(end is None for end in ends):
        return FundingState.OPEN, None
    return FundingState.ENDS, max(ends)  # type: ignore[type-var]


def load_initiatives(session: Session, ids: Collection[int]) -> list[Document]:
    rows = session.execute(
        select(Initiative.id, Initiative.kind, Initiative.name_nl, Initiative.name_de, Initiative.name_en,
               Initiative.slug, Initiative.acronym, Initiative.aliases, Initiative.description)
        .where(Initiative.id.in_(ids))
    ).all()
    region_codes = _grouped(session, select(InitiativeRegion.initiative_id, InitiativeRegion.code)
                            .where(InitiativeRegion.initiative_id.in_(ids)))
    codes = _grouped(session, select(InitiativeAdviceLink.initiative_id, InitiativeAdviceLink.code)
                     .where(InitiativeAdviceLink.initiative_id.in_(ids)))
    streams = _grouped(session, select(FundingStream.initiative_id, FundingStream.funder_id, FundingStream.end_date)
                       .where(FundingStream.initiative_id.in_(ids)))
    funder_roles = _grouped(session, select(InitiativeRole.initiative_id, InitiativeRole.organisation_id)
                            .where(InitiativeRole.initiative_id.in_(ids), InitiativeRole.role == InitiativeRoleKind.FUNDER))
    documents = []
    for row in rows:
        titles = {loc: name for loc, name in (("nl", row.name_nl), ("de", row.name_de), ("en", row.name_en)) if name}
        funding, horizon = _funding(streams[row.id])
        documents.append(Document(
            doc_id=row.id,
            title=row.name_nl or row.name_de or row.name_en or row.slug,
            titles=titles,
            body=row.description,
            extra=" ".join([*titles.values(), row.acronym or "", row.aliases]),
            facets={
                "kind": {row.kind.value},
                "theme": {str(advice.theme_of(code)) for code in codes[row.id]},
                "region": {c for code in region_codes[row.id] for c in nuts_with_ancestors(code)},
                "funder": {str(funder) for funder, _end in streams[row.id]} | {str(org) for org in funder_roles[row.id]},
            },
            funding=funding,
            horizon=horizon,
        ))
    return documents


def load_organisations(session: Session, ids: Collection[int]) -> list[Document]:
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.country, Organisation.description, Organisation.website)
        .where(Organisation.id.in_(ids))
    ).all()
    return [
        Document(doc_id=row.id, title=row.name, body=row.description, extra=row.website or "",
                 facets={"region": {row.country}} if regions.is_known(row.country) else {})
        for row in rows
    ]


def load_feed_entries(session: Session, ids: Collection[int]) -> list[Document]:
    rows = session.execute(select(FeedEntry.id, FeedEntry.title, FeedEntry.summary_html, FeedEntry.link,
                                  ).where(FeedEntry.id.in_(ids))).all()
    return [
        Document(doc_id=row.id, title=row.title, body=Markup(row.summary_html).striptags(), public=False,
                 link=row.link if (row.link or "").startswith(("https://", "http://")) else None)
        for row in rows
    ]


def entries_of_sources(session: Session, source_ids: set[int]) -> set[int]:
    """Polls are events on the feed source; its entries are the documents."""
    return set(session.scalars(select(FeedEntry.id).where(FeedEntry.source_id.in_(source_ids))))


def load_lobby_priorities(session: Session, ids: Collection[int]) -> list[Document]:
    priorities = session.scalars(select(LobbyPriority).where(LobbyPriority.id.in_(ids))).all()
    actions = _grouped(session, select(LobbyAction.priority_id, LobbyAction.title, LobbyAction.outcome)
                       .where(LobbyAction.priority_id.in_(ids)))
    documents = []
    for p in priorities:
        titles = {loc: t for loc, t in (("nl", p.title_nl), ("de", p.title_de), ("en", p.title_en)) if t}
        summaries = [text for text in (p.summary_nl, p.summary_de, p.summary_en) if text]
        documents.append(Document(
            doc_id=p.id, title=p.title_in("nl"), titles=titles, public=False,
            body="\n".join(summaries[:1] + [f"{title}. {outcome}".strip() for title, outcome in actions[p.id]]),
            extra=" ".join([*titles.values(), *summaries[1:]]),
            facets={"theme": {str(advice.theme_of(link.code)) for link in p.advice_links if advice.is_valid_code(link.code)}},
        ))
    return documents


SOURCES: dict[str, Source] = {
    source.doc_type: source
    for source in (
        Source("initiative", _l("Initiative"), frozenset({"initiative"}), load_initiatives,
               lambda session: list(session.scalars(select(Initiative.id).order_by(Initiative.id))),
               "initiatives.detail", "initiative_id"),
        Source("organisation", _l("Organisation"), frozenset({"organisation"}), load_organisations,
               lambda session: list(session.scalars(select(Organisation.id).order_by(Organisation.id))),
               "stakeholders.detail", "org_id"),
        Source("feed_entry", _l("News item"), frozenset({"feed_source"}), load_feed_entries,
               lambda session: list(session.scalars(select(FeedEntry.id).order_by(FeedEntry.id))),
               "feeds.news", "entry", expand=entries_of_sources),
        Source("lobby_priority", _l("Lobby priority"), frozenset({"lobby_priority"}), load_lobby_priorities,
               lambda session: list(session.scalars(select(LobbyPriority.id).order_by(LobbyPriority.id))),
               "lobby.priority_detail", "priority_id"),
    )
}
