"""The search index: one row per searchable document, its facet values, and the projection cursors.

The full-text part lives in ``search_fts``, which the models cannot describe (an FTS5 virtual table
on SQLite, a tsvector table with a GIN index on PostgreSQL). Migration 0005 creates it and
``hub.db.UNMAPPED_TABLES`` keeps it out of the models/migrations comparison.
"""
from __future__ import annotations

import enum
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import UNMAPPED_TABLES, Base, BigId, str_enum

FTS_TABLE = "search_fts"
# FTS5 keeps its index in these shadow tables next to the virtual table.
UNMAPPED_TABLES.update({FTS_TABLE, *(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config"))})


class FundingState(enum.StrEnum):
    """What the funding horizon of an indexed initiative looks like (the bucket depends on today)."""

    NONE = "none"  # no funding recorded
    OPEN = "open"  # at least one open-ended (structural) stream
    ENDS = "ends"  # every stream ends; ``horizon`` is the last end date


class SearchDocument(Base):
    """An indexed document: what a result shows, plus the single-valued facets."""

    __tablename__ = "search_documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    doc_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(300))
    # Titles per locale ({"nl": ..., "de": ..., "en": ...}) where the source has them.
    titles: Mapped[dict[str, Any]]
    body: Mapped[str] = mapped_column(Text)  # the text snippets are cut from
    public: Mapped[bool]
    funding: Mapped[FundingState | None] = mapped_column(str_enum(FundingState, length=8))
    horizon: Mapped[date | None]
    link: Mapped[str | None] = mapped_column(String(2000))  # an outside page the result opens (news articles)

    __table_args__ = (UniqueConstraint("doc_type", "doc_id"),)


class SearchFacet(Base):
    """A multi-valued facet of a document: kind, theme, region or funder."""

    __tablename__ = "search_facets"

    document_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("search_documents.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_search_facets_facet_value", "facet", "value"),)


class ProjectionCursor(Base):
    """How far a read model (the search index, the overlap terms, the overlap pairs) has followed
    the event stream: the id of the last event it has taken in."""

    __tablename__ = "discovery_cursors"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
