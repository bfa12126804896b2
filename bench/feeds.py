"""Feed ingestion benchmark: one 5,000-entry RSS feed linked against 10,000 initiatives.

Compares the whole poll of the feed bytes (parse, sanitise, dedupe, build the matcher, link, store,
commit) with feedparser's bare parse of the same bytes. Target: linking and storing add at most
3x the bare parse time. Exits 1 when the target is missed.

    python bench/feeds.py [--entries 5000] [--initiatives 10000] [--database-url postgresql://...]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from hub.app import create_app  # noqa: E402
from hub.cli import alembic_config  # noqa: E402
from hub.config import normalise_database_url  # noqa: E402
from hub.db import get_session  # noqa: E402
from hub.feeds.fetch import Fetched, Fetcher, FetchSettings  # noqa: E402
from hub.feeds.matching import build_matcher  # noqa: E402
from hub.feeds.models import FeedEntry, FeedLink, FeedSource, PollStatus  # noqa: E402
from hub.feeds.parse import parse_bytes  # noqa: E402
from hub.feeds.service import poll_source  # noqa: E402
from hub.initiatives.models import Initiative  # noqa: E402

TARGET = 3.0
PLACES = ["Enschede", "Gronau", "Münster", "Bocholt", "Winterswijk", "Nordhorn", "Emmen", "Kleve", "Venlo", "Nijmegen",
          "Aachen", "Heerlen", "Kerkrade", "Oldenzaal", "Bad Bentheim", "Coevorden", "Emden", "Groningen", "Arnhem", "Goch"]
TOPICS = ["Zorgwerk", "Techniek", "Logistiek", "Pflegekräfte", "Grenzpendler", "Leerlijn", "Stages", "Taalbrug",
          "Fachkräfte", "Arbeitsmarkt", "Bouwvakkers", "Mobilität", "Berufsbildung", "Kinderopvang", "Energiewende"]
KINDS = ["Grensproject", "Grenzprojekt", "Netwerk", "Netzwerk", "Programma", "Initiative", "Pilot", "Werkplaats"]
FILLER = ("In der Grenzregion arbeiten Betriebe, Schulen und Kommunen enger zusammen. Het project ondersteunt "
          "werkzoekenden en werkgevers aan beide kanten van de grens met advies, taalcursussen en stageplaatsen. ")


def initiative_rows(count: int) -> list[dict[str, object]]:
    now = datetime.now(UTC)
    rows = []
    for i in range(count):
        kind, place, topic = KINDS[i % len(KINDS)], PLACES[(i // 8) % len(PLACES)], TOPICS[(i // 160) % len(TOPICS)]
        name = f"{kind} {place} {topic} {i}"
        rows.append({
            "slug": f"bench-{i}", "kind": "other", "name_nl": name, "name_de": f"{name} DE", "name_en": None,
            "name_key": name.casefold(), "acronym": f"{kind[:2].upper()}{place[:2].upper()}{i}",
            "aliases": f"{topic} {place} {i}\n{place}-{topic}-{i}", "description": "", "status": "active",
            "dates_estimated": False, "source": "", "created_at": now, "updated_at": now,
        })
    return rows


def feed_bytes(entries: int, names: list[str], seed: int = 4) -> bytes:
    """An RSS 2.0 feed; about a third of the items mention one or two initiatives."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    items = []
    for i in range(entries):
        mentions = rng.sample(names, rng.choice([0, 0, 1, 2]))
        text = FILLER + " ".join(f"Nieuws over {m}." for m in mentions) + " " + FILLER
        items.append(
            f"<item><title>Bericht {i}: {escape(mentions[0] if mentions else 'Grensarbeid')}</title>"
            f"<link>https://nieuws.example.org/{i}</link><guid isPermaLink=\"false\">bench-{i}</guid>"
            f"<pubDate>{format_datetime(start - timedelta(minutes=i))}</pubDate>"
            f"<description>{escape('<p>' + text + '</p>')}</description></item>"
        )
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench</title>'
            '<link>https://nieuws.example.org/</link><description>Bench</description><language>nl</language>'
            + "".join(items) + "</channel></rss>").encode()


class MemoryFetcher(Fetcher):
    """Hands the prepared bytes to the poll: the benchmark measures parsing and storing, not the network."""

    def __init__(self, content: bytes) -> None:
        super().__init__(FetchSettings())
        self.content = content

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        return Fetched(self.content, content_type="application/rss+xml; charset=utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--initiatives", type=int, default=10000)
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_database_url(args.database_url or f"sqlite:///{tmp}/bench.db")
        command.upgrade(alembic_config(url), "heads")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": tmp})
        with app.app_context():
            session = get_session()
            rows = initiative_rows(args.initiatives)
            session.execute(insert(Initiative), rows)
            now = datetime.now(UTC)
            source = FeedSource(name="Bench", url="https://nieuws.example.org/feed.rss", language="nl", poll_interval_minutes=60,
                                last_status=PollStatus.NEVER, consecutive_failures=0, created_at=now, updated_at=now)
            session.add(source)
            session.commit()
            content = feed_bytes(args.entries, [str(r["name_nl"]) for r in rows])

            started = time.perf_counter()
            bare = parse_bytes(content, "application/rss+xml; charset=utf-8")
            parse_seconds = time.perf_counter() - started
            assert len(bare.entries) == args.entries and not bare.bozo

            started = time.perf_counter()
            matcher = build_matcher(session)
            matcher_seconds = time.perf_counter() - started
            outcome = poll_source(session, source, actor_id=None, fetcher=MemoryFetcher(content), matcher=matcher)
            session.commit()
            total_seconds = time.perf_counter() - started
            stored = session.scalar(select(func.count(FeedEntry.id)))
            linked = session.scalar(select(func.count(FeedLink.id)))
        app.extensions["hub.engine"].dispose()

    assert outcome.new == stored == args.entries, outcome
    extra = total_seconds - parse_seconds
    ratio = extra / parse_seconds
    print(f"feed: {len(content) / 1e6:.1f} MB, {args.entries} entries; {args.initiatives} initiatives "
          f"({matcher.names} names); {linked} links suggested; database {url.split(':', 1)[0]}")
    print(f"feedparser bare parse:       {parse_seconds:7.2f} s")
    print(f"whole poll (incl. parse):    {total_seconds:7.2f} s   ({matcher_seconds:.2f} s building the matcher)")
    print(f"entries per second:          {args.entries / total_seconds:7.0f}")
    print(f"linking + storing / parse:   {ratio:7.2f}x   (target <= {TARGET:g}x)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
