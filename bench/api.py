"""JSON API benchmark: 20,000 initiatives with funding, 100,000 events.

Times, through the WSGI app (no network), what partner systems do most: the first page of initiatives, a
filtered page, a deep page, one initiative with a token (token check and "last used" included), and following
the whole event stream with the cursor, as a visitor and as an administrator. Targets (SQLite): a page of 100
initiatives under 0.5 s, a detail read with a token under 50 ms, the stream read at over 5,000 events/s.
Exits 1 when a target is missed.

    python bench/api.py [--initiatives 20000] [--events 100000] [--database-url postgresql://... (an empty database)]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from hub import regions  # noqa: E402
from hub.api.service import create_token  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.auth.models import Role  # noqa: E402
from hub.auth.service import create_user  # noqa: E402
from hub.cli import alembic_config  # noqa: E402
from hub.config import normalise_database_url  # noqa: E402
from hub.db import get_session  # noqa: E402
from hub.events import Event  # noqa: E402
from hub.funding.models import FundingStream  # noqa: E402
from hub.initiatives.models import Initiative, InitiativeRegion  # noqa: E402
from hub.stakeholders.models import Organisation  # noqa: E402

TARGETS = {"page": 0.5, "detail": 0.05, "events_per_second": 5_000.0}
ORGANISATIONS = 200
CHUNK = 20_000


def _insert(session: Session, model: type, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start:start + CHUNK])


def build(session: Session, initiatives: int, events: int, rng: random.Random) -> str:
    """The registry, the event history (a fifth of it not public) and an administrator's read token."""
    now = datetime.now(UTC)
    nuts3 = [r.code for r in regions.REGIONS.values() if r.level == "nuts3"]
    _insert(session, Organisation, [
        {"id": o, "name": f"Organisatie {o}", "country": "NL", "type": "funder", "description": "",
         "created_at": now, "updated_at": now} for o in range(1, ORGANISATIONS + 1)])
    _insert(session, Initiative, [
        {"id": i, "slug": f"bench-{i}", "kind": "partnership", "name_nl": f"Initiatief {i}", "name_key": f"initiatief {i}",
         "aliases": "", "description": "", "status": "active", "dates_estimated": False, "source": "",
         "created_at": now, "updated_at": now} for i in range(1, initiatives + 1)])
    _insert(session, InitiativeRegion, [{"initiative_id": i, "code": rng.choice(nuts3)} for i in range(1, initiatives + 1)])
    _insert(session, FundingStream, [
        {"id": i, "initiative_id": i, "funder_id": rng.randint(1, ORGANISATIONS), "kind": "temporary",
         "amount": rng.randint(10, 5_000) * 1000, "currency": "EUR", "start_date": date(2023, 1, 1),
         "end_date": date(2026, 1, 1) + timedelta(days=rng.randint(0, 2_000)), "amount_estimated": False,
         "end_date_estimated": False, "note": "", "created_at": now, "updated_at": now}
        for i in range(1, initiatives + 1)])
    _insert(session, Event, [
        {"name": "initiative.updated", "occurred_at": now, "actor_id": None, "subject_type": "initiative",
         "subject_id": rng.randint(1, initiatives), "payload": {"after": {"status": "active"}}, "public": n % 5 != 0}
        for n in range(events)])
    admin = create_user(session, email="bench@hub.example", name="Bench", password="bench-password-1", role=Role.ADMIN)
    secret = create_token(session, admin, name="bench", scope="read", actor_id=admin.id).secret
    session.commit()
    return secret


def timed(call: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def follow(client, headers: dict[str, str]) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """Read the whole stream with the cursor, 500 at a time: (events read, seconds)."""
    start, cursor, read = time.perf_counter(), 0, 0
    while True:
        page = client.get(f"/api/v1/events?after={cursor}&limit=500", headers=headers).get_json()
        read += len(page["items"])
        cursor = page["next"]
        if not page["has_more"]:
            return read, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="hub-bench-api-"))
    url = normalise_database_url(args.database_url) if args.database_url else f"sqlite:///{workdir / 'hub.db'}"
    command.upgrade(alembic_config(url), "heads")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir),
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        started = time.perf_counter()
        secret = build(get_session(), args.initiatives, args.events, random.Random(7))
        print(f"built {args.initiatives} initiatives and {args.events} events in {time.perf_counter() - started:.1f} s")

    client = app.test_client()
    token = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    results = {
        "first page (100, by name)": timed(lambda: client.get("/api/v1/initiatives?limit=100"), 5),
        "filtered page (region, horizon 24 months)":
            timed(lambda: client.get("/api/v1/initiatives?limit=100&region=NL213&horizon_months=24&sort=horizon"), 5),
        "deep page (offset 19,000)": timed(lambda: client.get("/api/v1/initiatives?limit=100&offset=19000"), 5),
        "funding by end date (100)": timed(lambda: client.get("/api/v1/funding?limit=100"), 5),
    }
    detail = timed(lambda: client.get("/api/v1/initiatives/1234", headers=token), 50)
    for label, seconds in results.items():
        print(f"{label:45s} {seconds * 1000:8.1f} ms")
    print(f"{'one initiative with a token':45s} {detail * 1000:8.1f} ms")
    public, public_seconds = follow(client, {"Accept-Language": "en"})
    everything, admin_seconds = follow(client, token)
    rate = min(public / public_seconds, everything / admin_seconds)
    print(f"event stream as visitor: {public} events in {public_seconds:.2f} s ({public / public_seconds:,.0f}/s)")
    print(f"event stream as admin:   {everything} events in {admin_seconds:.2f} s ({everything / admin_seconds:,.0f}/s)")
    failed = []
    if max(results.values()) > TARGETS["page"]:
        failed.append(f"a page took over {TARGETS['page']} s")
    if detail > TARGETS["detail"]:
        failed.append(f"a detail read took over {TARGETS['detail'] * 1000:.0f} ms")
    if rate < TARGETS["events_per_second"]:
        failed.append(f"the stream was read at under {TARGETS['events_per_second']:,.0f} events/s")
    if public != args.events - args.events // 5 or everything != args.events + 2:
        failed.append(f"the stream lost events: {public} public, {everything} in all")
    print("FAILED: " + "; ".join(failed) if failed else "all targets met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
