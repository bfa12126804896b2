"""News feeds: the sources the hub polls, the entries it keeps, their links to initiatives and
organisations, and the problems met while polling."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, BigId, str_enum


class PollStatus(enum.StrEnum):
    NEVER = "never"
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


class FeedProblem(enum.StrEnum):
    """Why a poll did not bring entries. ``MOVED`` and ``RECOVERED_*`` are notices: the entries still came in."""

    HTTP_STATUS = "http_status"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    UNKNOWN_HOST = "unknown_host"
    TLS = "tls"
    PRIVATE_ADDRESS = "private_address"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BAD_REDIRECT = "bad_redirect"
    MOVED = "moved"
    RECOVERED_XML = "recovered_xml"
    RECOVERED_ENCODING = "recovered_encoding"
    REFUSED = "refused"
    EMPTY = "empty"
    HTML = "html"
    ENCODING = "encoding"
    MALFORMED = "malformed"
    NOT_A_FEED = "not_a_feed"
    INTERNAL = "internal"


class PollFailed(Exception):
    """A poll step (fetch or parse) gave up; ``problem`` says why and ``detail`` carries the specifics."""

    def __init__(self, problem: FeedProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}")
        self.problem = problem
        self.detail = detail[:1000]


class LinkStatus(enum.StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class FeedSource(Base):
    """A feed the worker polls; ETag and Last-Modified are kept for the next conditional GET."""

    __tablename__ = "feed_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    poll_interval_minutes: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[PollStatus] = mapped_column(str_enum(PollStatus), default=PollStatus.NEVER)
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    # Due when this lies in the past; failures push it back further each time (see service._backoff).
    next_poll_at: Mapped[datetime | None] = mapped_column(index=True)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    # Local file:// sources are only fetched while their creator is an admin or manager.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    created_by = relationship("User")
    errors: Mapped[list[FeedError]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True, order_by="FeedError.id.desc()"
    )


class FeedEntry(Base):
    """One news item, stored once per source under its dedupe ``key`` (guid, else link, else its content)."""

    __tablename__ = "feed_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    # Hash of the stored fields: a re-published item with other content updates the entry.
    fingerprint: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    summary_html: Mapped[str] = mapped_column(Text)  # sanitised with nh3 before it is stored
    link: Mapped[str | None] = mapped_column(String(2000))
    published_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(8))
    first_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # published_at, or first_seen_at for items without a date: the order of the news lists.
    sort_at: Mapped[datetime] = mapped_column(index=True)

    source: Mapped[FeedSource] = relationship(lazy="joined")
    links: Mapped[list[FeedLink]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", passive_deletes=True, order_by="FeedLink.id"
    )

    __table_args__ = (UniqueConstraint("source_id", "key"),)


class FeedLink(Base):
    """A mention of an initiative or organisation found in an entry, with the words that matched."""

    __tablename__ = "feed_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(BigId, ForeignKey("feed_entries.id", ondelete="CASCADE"))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    matched: Mapped[str] = mapped_column(String(250))
    status: Mapped[LinkStatus] = mapped_column(str_enum(LinkStatus), default=LinkStatus.SUGGESTED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    entry: Mapped[FeedEntry] = relationship(back_populates="links")
    initiative = relationship("Initiative", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")

    __table_args__ = (
        UniqueConstraint("entry_id", "initiative_id"),
        UniqueConstraint("entry_id", "organisation_id"),
        CheckConstraint("(initiative_id IS NULL) <> (organisation_id IS NULL)", name="one_target"),
        Index("ix_feed_links_initiative", "initiative_id", "status"),
        Index("ix_feed_links_organisation", "organisation_id", "status"),
    )


class FeedError(Base):
    """A recorded polling problem, shown on the source's page; earlier entries are never touched."""

    __tablename__ = "feed_errors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime]
    problem: Mapped[FeedProblem] = mapped_column(str_enum(FeedProblem))
    detail: Mapped[str] = mapped_column(String(1000), default="")

    source: Mapped[FeedSource] = relationship(back_populates="errors")
