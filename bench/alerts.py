"""Funding-cliff alert benchmark: 100,000 initiatives, 20,000 subscriptions.

Times one day of the alert engine — the cliff evaluation over every initiative's funding horizon plus
the fan-out of the resulting events into alert items and outbox deliveries — after a first (catch-up)
day has run, and compares it with a bare SELECT scan of the same funding rows. Target on SQLite: the
day finishes in under 10 s. Exits 1 when the target is missed.

    python bench/alerts.py [--initiatives 100000] [--subscriptions 20000] [--database-url postgresql://...]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from hub import advice, clock, regions  # noqa: E402
from hub.alerts import cliffs, consumer  # noqa: E402
from hub.alerts.models import AlertDelivery, AlertItem, AlertSubscription, ConsumerCursor  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.cli import alembic_config  # noqa: E402
from hub.config import normalise_database_url  # noqa: E402
from hub.db import get_session  # noqa: E402
from hub.events import Event  # noqa: E402
from hub.funding.models import FundingStream  # noqa: E402
from hub.initiatives.models import Initiative, InitiativeAdviceLink, InitiativeRegion  # noqa: E402
from hub.stakeholders.models import InitiativeRole, Organisation  # noqa: E402

TARGET_SECONDS = 10.0
THRESHOLDS = (365, 180, 90, 30, 0)
ORGANISATIONS = 500
TODAY = date(2026, 6, 1)
CHUNK = 20_000


def _insert(session: Session, model: type, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start:start + CHUNK])


def build_registry(session: Session, initiatives: int, subscriptions: int, rng: random.Random) -> None:
    """Organisations, initiatives with regions, advice links, roles and 1–2 funding streams, and subscriptions."""
    now = datetime.now(UTC)
    codes = [c for t in advice.THEMES for c in [str(t.number), *(r.code for r in t.recommendations)]]
    nuts3 = [r.code for r in regions.REGIONS.values() if r.level == "nuts3"]
    region_codes = list(regions.REGIONS)
    _insert(session, Organisation, [
        {"id": o, "name": f"Organisatie {o}", "country": "NL", "type": "government", "description": "",
         "created_at": now, "updated_at": now} for o in range(1, ORGANISATIONS + 1)])
    _insert(session, Initiative, [
        {"id": i, "slug": f"bench-{i}", "kind": "partnership", "name_nl": f"Initiatief {i}", "name_key": f"initiatief {i}",
         "aliases": "", "description": "", "status": "active", "dates_estimated": False, "source": "",
         "created_at": now, "updated_at": now} for i in range(1, initiatives + 1)])
    regions_rows, advice_rows, roles, streams = [], [], [], []
    for i in range(1, initiatives + 1):
        regions_rows += [{"initiative_id": i, "code": c} for c in rng.sample(nuts3, rng.randint(1, 2))]
        advice_rows += [{"initiative_id": i, "code": c} for c in rng.sample(codes, rng.randint(1, 2))]
        roles += [{"initiative_id": i, "organisation_id": o, "role": "partner"}
                  for o in rng.sample(range(1, ORGANISATIONS + 1), 2)]
        for _ in range(rng.randint(1, 2)):
            open_ended = rng.random() < 0.1
            end = None if open_ended else TODAY + timedelta(days=rng.randint(-400, 1500))
            streams.append({"initiative_id": i, "funder_id": rng.randint(1, ORGANISATIONS),
                            "kind": "structural" if open_ended else "temporary", "amount": rng.randint(10, 5000) * 1000,
                            "currency": "EUR", "start_date": TODAY - timedelta(days=900), "end_date": end,
                            "amount_estimated": False, "end_date_estimated": False, "note": "",
                            "created_at": now, "updated_at": now})
    _insert(session, InitiativeRegion, regions_rows)
    _insert(session, InitiativeAdviceLink, advice_rows)
    _insert(session, InitiativeRole, roles)
    _insert(session, FundingStream, streams)

    confirmed = datetime(2026, 1, 1, tzinfo=UTC)
    subs = []
    for s in range(subscriptions):
        pick = rng.random()
        if pick < 0.6:
            kind, key = "initiative", str(rng.randint(1, initiatives))
        elif pick < 0.8:
            kind, key = "organisation", str(rng.randint(1, ORGANISATIONS))
        elif pick < 0.9:
            kind, key = "theme", rng.choice(codes)
        elif pick < 0.999:
            kind, key = "region", rng.choice(region_codes)
        else:
            kind, key = "all", ""
        webhook = rng.random() < 0.1
        subs.append({"email": f"s{s}@bench.test", "locale": "nl", "scope_kind": kind, "scope_key": key,
                     "rhythm": "weekly" if rng.random() < 0.3 else "immediate", "status": "active",
                     "email_enabled": True, "webhook_url": f"https://hooks.bench.test/{s}" if webhook else None,
                     "webhook_secret": "x" * 64 if webhook else None, "created_at": confirmed,
                     "confirmed_at": confirmed, "updated_at": confirmed})
    _insert(session, AlertSubscription, subs)
    session.commit()


def evaluate_day(session: Session, day: date) -> tuple[float, cliffs.Evaluation]:
    """The cliff evaluation of ``day`` (with the clock set to that morning, as the tests do)."""
    morning = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    clock.now = lambda: morning  # type: ignore[assignment]
    started = time.perf_counter()
    result = cliffs.evaluate(session, today=day, thresholds=THRESHOLDS)
    session.commit()
    return time.perf_counter() - started, result


def fan_out(session: Session) -> tuple[float, int]:
    """Follow the event stream to its end, as the worker's job does."""
    started = time.perf_counter()
    read = 0
    while batch := consumer.follow_events(session):
        session.commit()
        read += batch
    session.commit()
    return time.perf_counter() - started, read


def skip_to_end(session: Session) -> None:
    """Yesterday's alerts count as delivered: the cursor starts after them."""
    session.add(ConsumerCursor(name=consumer.CURSOR, position=session.scalar(select(func.max(Event.id))) or 0))
    session.commit()


def bare_scan(session: Session) -> float:
    started = time.perf_counter()
    rows = session.execute(select(FundingStream.initiative_id, FundingStream.end_date)).all()
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--subscriptions", type=int, default=20_000)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_database_url(args.database_url) if args.database_url else f"sqlite:///{tmp}/bench.db"
        command.upgrade(alembic_config(url), "heads")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": tmp})
        with app.app_context():
            session = get_session()
            started = time.perf_counter()
            build_registry(session, args.initiatives, args.subscriptions, random.Random(2026))
            print(f"registry: {args.initiatives:,} initiatives, {args.subscriptions:,} subscriptions "
                  f"built in {time.perf_counter() - started:.1f} s")
            if session.get_bind().dialect.name == "sqlite":
                session.execute(text("ANALYZE"))
                session.commit()

            catch_up, first = evaluate_day(session, TODAY - timedelta(days=1))
            print(f"first evaluation (catch-up of the past year, not fanned out): {first.thresholds:,} threshold events, "
                  f"{first.streams_ended:,} streams ended, {first.reminders:,} stream reminders in {catch_up:.2f} s")
            skip_to_end(session)

            evaluation, result = evaluate_day(session, TODAY)
            spread, read = fan_out(session)
            elapsed = evaluation + spread
            items = session.scalar(select(func.count()).select_from(AlertItem)) or 0
            deliveries = session.scalar(select(func.count()).select_from(AlertDelivery)) or 0
            scan = min(bare_scan(session) for _ in range(3))
            streams = session.scalar(select(func.count()).select_from(FundingStream)) or 0

    print(f"daily run: {result.thresholds:,} threshold events, {result.lifted:,} lifted, {result.streams_ended:,} streams "
          f"ended, {result.reminders:,} stream reminders, {result.streams_lifted:,} stream cliffs lifted; {read:,} events → {items:,} alert items, {deliveries:,} outbox deliveries")
    print(f"daily evaluation {evaluation:.2f} s + fan-out {spread:.2f} s = {elapsed:.2f} s (target < {TARGET_SECONDS:.0f} s)")
    print(f"bare SELECT scan of the {streams:,} funding rows: {scan * 1000:.1f} ms; ratio {elapsed / scan:.1f}x")
    if elapsed >= TARGET_SECONDS:
        print("FAIL: the daily run is too slow")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
