"""Feed sources, polling (fetch, parse, dedupe, store, link) and the review of suggested links.

Every change records its domain event in the same transaction; nothing here commits. Polling
results are events on the source (internal); a confirmed link is an event on the initiative or
organisation it names, so the alerts engine can tell that subject's subscribers.
"""
from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, lazyload, selectinload

from hub import clock
from hub.auth.models import User
from hub.errors import Conflict, NotFound, ValidationFailed
from hub.events import record_event
from hub.feeds.fetch import WEB_SCHEMES, Fetcher, FetchSettings, local_path
from hub.feeds.matching import Matcher
from hub.feeds.models import (
    FeedEntry,
    FeedError,
    FeedLink,
    FeedProblem,
    FeedSource,
    LinkStatus,
    PollFailed,
    PollStatus,
)
from hub.feeds.parse import EntryData, read_feed
from hub.text import clean_fields

FEED_LANGUAGES = ("nl", "de", "en", "fr")
MIN_INTERVAL, MAX_INTERVAL = 5, 7 * 24 * 60
MAX_BACKOFF = timedelta(days=1)
ERRORS_KEPT = 100
KEY_BATCH = 500


class FeedEvent(enum.StrEnum):
    SOURCE_CREATED = "feed.source_created"
    SOURCE_UPDATED = "feed.source_updated"
    SOURCE_FAILED = "feed.source_failed"
    ENTRIES_INGESTED = "feed.entries_ingested"
    LINK_CONFIRMED = "feed.link_confirmed"
    LINK_REJECTED = "feed.link_rejected"


@dataclass
class SourceInput:
    name: str
    url: str
    language: str = "nl"
    poll_interval_minutes: int = 60
    active: bool = True

    def __post_init__(self) -> None:
        clean_fields(self, single=("name", "url", "language"))


@dataclass(frozen=True)
class PollOutcome:
    source_id: int
    status: PollStatus
    new: int = 0
    updated: int = 0
    links: int = 0
    problem: FeedProblem | None = None
    detail: str = ""


# --- sources -----------------------------------------------------------------------------------


def _snapshot(source: FeedSource) -> dict[str, Any]:
    return {"name": source.name, "url": source.url, "language": source.language,
            "poll_interval_minutes": source.poll_interval_minutes, "active": source.active}


def _may_read_files(session: Session, user_id: int | None) -> bool:
    user = session.get(User, user_id) if user_id is not None else None
    return user is not None and user.active and user.can_manage


def _validate(session: Session, data: SourceInput, current: FeedSource | None, actor_id: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if not data.name.strip():
        add("name", _("Give the source a name."))
    elif len(data.name.strip()) > 200:
        add("name", _("The name is too long (at most 200 characters)."))
    url = data.url.strip()
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname
    except ValueError:
        scheme, host = "", None
    if not url:
        add("url", _("Give the address of the feed."))
    elif len(url) > 1000:
        add("url", _("The address is too long (at most 1000 characters)."))
    elif scheme in WEB_SCHEMES:
        if not host:
            add("url", _("The address has no host name."))
    elif scheme == "file":
        if not _may_read_files(session, actor_id):
            add("url", _("Only administrators and managers may add local files as feeds."))
        else:
            try:
                local_path(url, FetchSettings.from_config(current_app.config).file_root)
            except PollFailed:
                add("url", _("Local feed files must lie inside the folder set by HUB_FEEDS_FILE_ROOT."))
    else:
        add("url", _("The address must start with http:// or https:// (or file:// for a local sample feed)."))
    if url and "url" not in errors:
        clash = session.scalar(select(FeedSource).where(FeedSource.url == url))
        if clash is not None and clash is not current:
            add("url", _("This feed is already registered as “%(name)s”.", name=clash.name))
    if data.language not in FEED_LANGUAGES:
        add("language", _("Unknown language: %(value)s.", value=data.language))
    if not MIN_INTERVAL <= data.poll_interval_minutes <= MAX_INTERVAL:
        add("poll_interval_minutes", _("The poll interval must lie between %(low)d and %(high)d minutes.",
                                       low=MIN_INTERVAL, high=MAX_INTERVAL))
    return errors


def _apply(source: FeedSource, data: SourceInput) -> None:
    if source.url != data.url.strip():
        # Another address is another feed: forget the validators, reset the failures, poll soon.
        source.etag = source.last_modified = None
        source.consecutive_failures = 0
        source.next_poll_at = None
    source.name = data.name.strip()
    source.url = data.url.strip()
    source.language = data.language
    source.poll_interval_minutes = data.poll_interval_minutes
    source.active = data.active
    source.updated_at = clock.now()


def create_source(session: Session, data: SourceInput, *, actor_id: int | None) -> FeedSource:
    errors = _validate(session, data, None, actor_id)
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    source = FeedSource(created_by_id=actor_id, created_at=now, last_status=PollStatus.NEVER, consecutive_failures=0)
    _apply(source, data)
    session.add(source)
    session.flush()
    record_event(session, FeedEvent.SOURCE_CREATED, "feed_source", source.id, actor_id=actor_id,
                 payload={"after": _snapshot(source)}, public=False)
    return source


def update_source(session: Session, source: FeedSource, data: SourceInput, *, actor_id: int | None) -> FeedSource:
    errors = _validate(session, data, source, actor_id)
    if errors:
        raise ValidationFailed(errors)
    before = _snapshot(source)
    _apply(source, data)
    session.flush()
    after = _snapshot(source)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        record_event(session, FeedEvent.SOURCE_UPDATED, "feed_source", source.id, actor_id=actor_id,
                     payload={"before": {k: before[k] for k in changed}, "after": changed}, public=False)
    return source


def get_source(session: Session, source_id: int) -> FeedSource:
    source = session.get(FeedSource, source_id)
    if source is None:
        raise NotFound(_("No feed source with id %(id)s.", id=source_id))
    return source


def list_sources(session: Session) -> list[tuple[FeedSource, int]]:
    """Every source with the number of entries it brought."""
    counts = select(FeedEntry.source_id, func.count(FeedEntry.id).label("n")).group_by(FeedEntry.source_id).subquery()
    rows = session.execute(
        select(FeedSource, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.source_id == FeedSource.id)
        .order_by(FeedSource.name)
    ).all()
    return [(row[0], row[1]) for row in rows]


def due_source_ids(session: Session, *, include_not_due: bool = False) -> list[int]:
    """Active sources whose next poll time has come (never-polled sources first), or all active ones."""
    query = (
        select(FeedSource.id).where(FeedSource.active.is_(True))
        .order_by(FeedSource.next_poll_at.is_(None).desc(), FeedSource.next_poll_at, FeedSource.id)
    )
    if not include_not_due:
        query = query.where(or_(FeedSource.next_poll_at.is_(None), FeedSource.next_poll_at <= clock.now()))
    return list(session.scalars(query))


def recent_errors(session: Session, source: FeedSource, limit: int = 50) -> Sequence[FeedError]:
    return session.scalars(
        select(FeedError).where(FeedError.source_id == source.id).order_by(FeedError.id.desc()).limit(limit)
    ).all()


# --- polling -----------------------------------------------------------------------------------


def poll_source(session: Session, source: FeedSource, *, actor_id: int | None, fetcher: Fetcher, matcher: Matcher) -> PollOutcome:
    """Fetch (conditionally), parse, store and link one source. A fetch or parse problem is recorded on the
    source and returned, and earlier entries stay as they were; it never raises for a broken feed."""
    try:
        _check_file_permission(session, source)
        fetched = fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        if fetched.content is None:
            return _mark_polled(source, PollStatus.NOT_MODIFIED, fetched.etag, fetched.last_modified)
        feed = read_feed(fetched.content, fetched.content_type, source.language, base_url=fetched.url or source.url)
    except PollFailed as failure:
        return record_failure(session, source, failure.problem, failure.detail, actor_id=actor_id)
    new, updated, links = _store(session, source, feed.entries, matcher)
    if fetched.moved_to:
        _note(session, source, FeedProblem.MOVED, f"now at {fetched.moved_to}")
    if feed.warning:
        _note(session, source, feed.warning, feed.detail)
    outcome = _mark_polled(source, PollStatus.OK, fetched.etag, fetched.last_modified, new, updated, links)
    if new or updated:
        record_event(session, FeedEvent.ENTRIES_INGESTED, "feed_source", source.id, actor_id=actor_id,
                     payload={"new": new, "updated": updated, "suggested_links": links}, public=False)
    session.flush()
    return outcome


def _check_file_permission(session: Session, source: FeedSource) -> None:
    if urlsplit(source.url).scheme.lower() == "file" and not _may_read_files(session, source.created_by_id):
        raise PollFailed(FeedProblem.REFUSED, "local files are only read for sources an administrator or manager created")


def _next_poll(source: FeedSource, now: datetime) -> datetime:
    """The regular interval, doubled for each further failure in a row (up to a day): broken hosts get a rest."""
    interval = timedelta(minutes=source.poll_interval_minutes)
    if source.consecutive_failures:
        interval = min(interval * 2 ** min(source.consecutive_failures - 1, 10), max(MAX_BACKOFF, interval))
    return now + interval


def _mark_polled(source: FeedSource, status: PollStatus, etag: str | None, last_modified: str | None,
                 new: int = 0, updated: int = 0, links: int = 0) -> PollOutcome:
    now = clock.now()
    source.etag = etag or source.etag
    source.last_modified = last_modified or source.last_modified
    source.last_status = status
    source.last_polled_at = source.last_success_at = now
    source.consecutive_failures = 0
    source.next_poll_at = _next_poll(source, now)
    return PollOutcome(source.id, status, new=new, updated=updated, links=links)


def record_failure(session: Session, source: FeedSource, problem: FeedProblem, detail: str, *, actor_id: int | None) -> PollOutcome:
    """Record why a poll failed on the source; the first failure after a success is also an event."""
    now = clock.now()
    session.add(FeedError(source_id=source.id, occurred_at=now, problem=problem, detail=detail[:1000]))
    source.last_status = PollStatus.FAILED
    source.last_polled_at = now
    source.consecutive_failures += 1
    source.next_poll_at = _next_poll(source, now)
    if source.consecutive_failures == 1:
        record_event(session, FeedEvent.SOURCE_FAILED, "feed_source", source.id, actor_id=actor_id,
                     payload={"problem": problem.value, "detail": detail[:300]}, public=False)
    session.flush()
    _prune_errors(session, source)
    return PollOutcome(source.id, PollStatus.FAILED, problem=problem, detail=detail)


def _note(session: Session, source: FeedSource, problem: FeedProblem, detail: str) -> None:
    """A notice about a poll that still brought the entries (a permanent redirect, a flawed feed read anyway),
    recorded once rather than at every poll, for a manager to act on."""
    detail = detail[:1000]
    latest = session.scalar(select(FeedError).where(FeedError.source_id == source.id).order_by(FeedError.id.desc()).limit(1))
    if latest is None or latest.problem != problem or latest.detail != detail:
        session.add(FeedError(source_id=source.id, occurred_at=clock.now(), problem=problem, detail=detail))


def _prune_errors(session: Session, source: FeedSource) -> None:
    oldest_kept = session.scalar(
        select(FeedError.id).where(FeedError.source_id == source.id).order_by(FeedError.id.desc())
        .offset(ERRORS_KEPT - 1).limit(1)
    )
    if oldest_kept is not None:
        session.execute(delete(FeedError).where(FeedError.source_id == source.id, FeedError.id < oldest_kept))


def _batches(items: Sequence[str], size: int) -> Iterator[list[str]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _store(session: Session, source: FeedSource, entries: list[EntryData], matcher: Matcher) -> tuple[int, int, int]:
    """Insert new entries, update changed ones (same key, other fingerprint), and suggest their links."""
    now = clock.now()
    unique: dict[str, EntryData] = {}
    for data in entries:
        unique.setdefault(data.key, data)
    existing: dict[str, FeedEntry] = {}
    for batch in _batches(list(unique), KEY_BATCH):
        query = select(FeedEntry).where(FeedEntry.source_id == source.id, FeedEntry.key.in_(batch)).options(lazyload("*"))
        existing.update((entry.key, entry) for entry in session.scalars(query))

    fresh: list[tuple[FeedEntry, EntryData]] = []
    changed: list[tuple[FeedEntry, EntryData]] = []
    for key, data in unique.items():
        entry = existing.get(key)
        if entry is None:
            entry = FeedEntry(source_id=source.id, key=key, first_seen_at=now)
            _fill(entry, data, now)
            fresh.append((entry, data))
        elif entry.fingerprint != data.fingerprint:
            _fill(entry, data, now)
            changed.append((entry, data))
    session.add_all(entry for entry, _data in fresh)
    session.flush()

    links = [_link(entry.id, target, words, now) for entry, data in fresh for target, words in matcher.find(data.text).items()]
    for entry, data in changed:
        links.extend(_relink(session, entry, matcher.find(data.text), now))
    session.add_all(links)
    session.flush()
    return len(fresh), len(changed), len(links)


def _fill(entry: FeedEntry, data: EntryData, now: datetime) -> None:
    entry.fingerprint = data.fingerprint
    entry.title = data.title
    entry.summary_html = data.summary_html
    entry.link = data.link
    entry.published_at = data.published_at
    entry.language = data.language
    entry.updated_at = now
    entry.sort_at = data.published_at or entry.first_seen_at


def _link(entry_id: int, target: tuple[str, int], words: str, now: datetime) -> FeedLink:
    kind, target_id = target
    return FeedLink(
        entry_id=entry_id, matched=words[:250], status=LinkStatus.SUGGESTED, created_at=now,
        initiative_id=target_id if kind == "initiative" else None,
        organisation_id=target_id if kind == "organisation" else None,
    )


def _relink(session: Session, entry: FeedEntry, found: dict[tuple[str, int], str], now: datetime) -> list[FeedLink]:
    """After an entry changed: suggest new mentions and drop suggestions no longer in the text.
    Confirmed and rejected links are decisions people made; they stay."""
    current = {_target(link): link for link in session.scalars(select(FeedLink).where(FeedLink.entry_id == entry.id))}
    for target, link in current.items():
        if target not in found and link.status == LinkStatus.SUGGESTED:
            session.delete(link)
    return [_link(entry.id, target, words, now) for target, words in found.items() if target not in current]


def _target(link: FeedLink) -> tuple[str, int]:
    if link.initiative_id is not None:
        return ("initiative", link.initiative_id)
    return ("organisation", link.organisation_id or 0)


# --- reviewing links -----------------------------------------------------------------------------


def get_link(session: Session, link_id: int) -> FeedLink:
    link = session.get(FeedLink, link_id)
    if link is None:
        raise NotFound(_("No suggested link with id %(id)s.", id=link_id))
    return link


def confirm_link(session: Session, link: FeedLink, *, actor_id: int | None) -> FeedLink:
    """A confirmed mention is a public event on the initiative (or organisation) it names, which the
    alerts engine passes on to that subject's subscribers."""
    if link.status == LinkStatus.CONFIRMED:
        raise Conflict(_("This link is already confirmed."))
    subject = _target(link)
    return _decide(session, link, LinkStatus.CONFIRMED, FeedEvent.LINK_CONFIRMED, subject, actor_id=actor_id, public=True)


def reject_link(session: Session, link: FeedLink, *, actor_id: int | None) -> FeedLink:
    """A rejection is housekeeping: an internal event on the link, so nobody following the initiative is told."""
    if link.status == LinkStatus.REJECTED:
        raise Conflict(_("This link is already rejected."))
    return _decide(session, link, LinkStatus.REJECTED, FeedEvent.LINK_REJECTED, ("feed_link", link.id),
                   actor_id=actor_id, public=False)


def _decide(session: Session, link: FeedLink, status: LinkStatus, name: FeedEvent, subject: tuple[str, int], *,
            actor_id: int | None, public: bool) -> FeedLink:
    before = link.status
    link.status = status
    link.decided_by_id = actor_id
    link.decided_at = clock.now()
    session.flush()
    entry = link.entry
    record_event(
        session, name, *subject, actor_id=actor_id, public=public,
        payload={"link_id": link.id, "entry_id": entry.id, "title": entry.title, "link": entry.link,
                 "source": entry.source.name, "matched": link.matched, "before": before.value,
                 "initiative_id": link.initiative_id, "organisation_id": link.organisation_id},
    )
    return link


# --- reading ---------------------------------------------------------------------------------------


def _with_links() -> Any:
    """Entries with their links and the names those point at, without the initiatives' own collections."""
    return selectinload(FeedEntry.links).options(
        joinedload(FeedLink.initiative).lazyload("*"), joinedload(FeedLink.organisation).lazyload("*")
    )


def list_entries(session: Session, *, pending_only: bool = False, source_id: int | None = None,
                 limit: int = 30, offset: int = 0) -> Sequence[FeedEntry]:
    """The news, newest first; ``pending_only`` keeps entries with links waiting for review."""
    query = select(FeedEntry).options(_with_links()).order_by(FeedEntry.sort_at.desc(), FeedEntry.id.desc())
    if pending_only:
        query = query.where(FeedEntry.id.in_(select(FeedLink.entry_id).where(FeedLink.status == LinkStatus.SUGGESTED)))
    if source_id is not None:
        query = query.where(FeedEntry.source_id == source_id)
    return session.scalars(query.limit(limit).offset(offset)).all()


def initiative_news(session: Session, initiative_id: int, *, include_suggested: bool, limit: int = 20) -> Sequence[FeedLink]:
    """An initiative's mentions, newest first: confirmed ones, plus suggestions for those who review them."""
    statuses = [LinkStatus.CONFIRMED, LinkStatus.SUGGESTED] if include_suggested else [LinkStatus.CONFIRMED]
    query = (
        select(FeedLink).join(FeedLink.entry)
        .where(FeedLink.initiative_id == initiative_id, FeedLink.status.in_(statuses))
        .options(contains_eager(FeedLink.entry), lazyload(FeedLink.initiative), lazyload(FeedLink.organisation))
        .order_by(FeedEntry.sort_at.desc(), FeedEntry.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()
