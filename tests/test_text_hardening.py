"""Issue 10: no text may take the hub down — long words, line breaks in names, far dates, odd numbers,
control characters, formula cells and lookalike names, on every way in and in every output."""
from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.feeds import service as feeds
from hub.feeds.fetch import Fetched
from hub.feeds.matching import Matcher, build_matcher
from hub.feeds.models import FeedLink
from hub.overlap.service import _trigrams
from hub.search import service as search
from hub.search.query import SearchQuery
from hub.search.text import key_terms, terms, words
from tests import factories
from tests.conftest import HubClient, Users

LONG_WORD = "a" * 50_000
# Long runs of several shapes: one letter, camel case, capitals before a small letter, joined by dots.
LONG_TEXTS = [LONG_WORD, "aB" * 25_000, "A" * 50_000 + "b", "ab." * 20_000, "x" + "-y" * 25_000 + "z"]
MEGABYTE = ("GrensInfoPunt TECH.LAND helpt grensgangers in Enschede en Gronau. " * 16_000)[:1_000_000]


@contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fails the test if the block runs longer than ``seconds``: a generous bound that only quadratic work
    (the old indexing pattern took minutes on one 50,000-letter word) can break."""
    def expired(*_: Any) -> None:
        raise TimeoutError(f"still busy after {seconds} s: the work is not linear")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class OneFeed:
    """A fetcher that answers every poll with the same bytes (no network, no files)."""

    def __init__(self, content: str) -> None:
        self.content = content.encode()

    def fetch(self, url: str, **_: Any) -> Fetched:
        return Fetched(self.content, "application/rss+xml")


def rss(*items: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
            + "".join(items) + "</channel></rss>")


# --- 1. long words ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*LONG_TEXTS, MEGABYTE], ids=["word", "camel", "capitals", "dots", "hyphens", "1MB"])
def test_text_analysis_is_linear_on_long_words_and_large_texts(text: str) -> None:
    matcher = Matcher()
    matcher.add("TECH.LAND", ("initiative", 1))
    matcher.add_organisation("Centraal Bureau voor de Statistiek (" + "b" * 5000 + ")", 2)
    query = SearchQuery.parse("grensinfopunt")
    with at_most(10):
        found = terms(text)
        keys = key_terms(text)
        assert all(len(term) <= 40 for term in found | keys)
        words(text)
        _trigrams(text)
        matcher.find(text)
        query.highlight(text, width=240)
        query.highlight(text)
    if text is MEGABYTE:
        assert "grensinfopunt" in found and matcher.find(text) == {("initiative", 1): "TECH.LAND"}


def test_a_long_word_in_a_description_leaves_search_working(client: HubClient, db: Session) -> None:
    factories.initiative(db, "GrensInfoPunt Twente", description=f"Loket {LONG_WORD} voor grensgangers.")
    db.commit()
    with at_most(20):
        results = search.search(db, "grensgangers")
        page = client.get("/search?q=grensinfopunt")
    assert [r.title.striptags() for r in results.results] == ["GrensInfoPunt Twente"]
    assert page.status_code == 200 and "<mark>GrensInfoPunt</mark> Twente" in page.get_data(as_text=True)


def test_a_long_word_in_a_news_entry_is_stored_matched_and_searchable(db: Session, users: Users) -> None:
    techland = factories.initiative(db, "TECH.LAND")
    source = feeds.create_source(db, feeds.SourceInput(name="Nieuws", url="https://news.example/rss", language="nl"),
                                 actor_id=users.manager.id)
    db.commit()
    feed = OneFeed(rss(f"<item><guid>1</guid><title>TECH.LAND {'x' * 20_000}</title>"
                       f"<description>Over TECH.LAND en grensgangers: {LONG_WORD}</description></item>"))
    with at_most(20):
        outcome = feeds.poll_source(db, source, actor_id=None, fetcher=feed, matcher=build_matcher(db))  # type: ignore[arg-type]
        db.commit()
        results = search.search(db, "grensgangers", include_private=True)
    assert outcome.new == 1
    assert db.scalar(select(FeedLink.initiative_id)) == techland.id
    assert results.total == 1
