"""Grenshub at scale: import 100,000 initiatives with stakeholders and funding, then search and find overlaps.

Prints
  * the import rate (rows/s) through the importer and the core services, every change an event, and its
    ratio to a raw DBAPI ``executemany`` of the same rows: every row the import wrote (registry rows and their
    events), read back and inserted again into the same emptied tables of the same database — target >= 0.3;
  * the p95 latency of /search through the Flask test client at that size — target < 50 ms;
  * the time of ``hub.overlap.service.candidates`` for one initiative (and the p95 over a few) — target < 200 ms.

    python bench/scale.py                      # 100,000 rows in a fresh SQLite file in a temp dir
    python bench/scale.py --rows 5000          # a quick run
    python bench/scale.py --database-url postgresql://postgres@127.0.0.1:5432/hub_bench   # EMPTIES that database

The data is synthetic but drawn from the demo's vocabulary (places, organisations, themes of the SER advice);
it never touches the network. Exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from hub.advice import THEMES  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.cli import alembic_config  # noqa: E402
from hub.config import normalise_database_url  # noqa: E402
from hub.db import get_session  # noqa: E402
from hub.demo import data as demo  # noqa: E402
from hub.regions import REGIONS  # noqa: E402
from hub.transfer.shapes import TEMPLATE_NAMES  # noqa: E402

IMPORT_RATIO_TARGET = 0.3
SEARCH_P95_TARGET_MS = 50.0
OVERLAP_TARGET_MS = 200.0
# The tables the import writes rows into, parents before children.
DATA_TABLES = ("organisations", "initiatives", "initiative_regions", "initiative_advice_links", "funding_streams",
               "initiative_roles", "initiative_external_ids", "events")

TOPICS = [
    ("Grensoverstijgend leren", "cross-border learning, internships and the Euregional learning pathway for students"),
    ("Grenswerk", "advice for cross-border workers on tax, social security and pensions"),
    ("Zorgpersoneel over de grens", "recruiting and retaining care workers in hospitals on both sides of the border"),
    ("Techniek talent", "technical talent, robotics and advanced manufacturing for regional employers"),
    ("Arbeidsmarktmonitor", "labour market data and statistics across the border, harmonised with CBS and Destatis"),
    ("Diploma-erkenning", "recognition of diplomas and qualifications, Europass and certificates"),
    ("Energietransitie vakmensen", "skilled workers for the energy transition, heat pumps and grids"),
    ("Taal en cultuur", "Dutch and German language courses and intercultural competences"),
    ("Grensmakelaar", "a broker matching job seekers and employers across the border"),
    ("Mobiliteit en pendel", "cross-border commuting, public transport and bicycle corridors"),
    ("Binationale mbo-opleiding", "binational vocational curricula and dual training"),
    ("Ondernemersnetwerk", "an employers' network for cross-border recruitment and innovation"),
    ("Brandweer zonder grenzen", "fire brigades and emergency services working together across the border"),
    ("Brede welvaart", "broad prosperity, quality of life and regional economy in the border region"),
    ("Smart Solution Lab", "students solving companies' digital challenges in binational teams"),
]
KINDS = ["interreg_project", "grensinfopunt", "edl_activity", "partnership", "other"]
PROGRAMMES = ["Interreg VI A Deutschland-Nederland", "Interreg VI A Vlaanderen-Nederland", "Interreg VI A Euregio Maas-Rijn"]
ORG_KINDS = [("Gemeente", "NL"), ("Stadt", "DE"), ("Stichting Werk", "NL"), ("Hogeschool", "NL"), ("Berufskolleg", "DE"),
             ("Werkgeversvereniging", "NL"), ("Arbeitsagentur", "DE"), ("Gemeente", "BE"), ("ROC", "NL"),
             ("Wirtschaftsförderung", "DE")]


def places() -> list[str]:
    return sorted({r.name.split(",")[0].split(" (")[0] for r in REGIONS.values() if r.level in ("nuts3", "euregio")})


def organisations(count: int) -> list[str]:
    """Demo organisations plus generated ones, each written "Name (CC)" so the import adds the missing ones."""
    known = [f"{o['name']} ({o['country']})" for o in demo.ORGANISATIONS]
    made, spots = [], places()
    for i in range(count - len(known)):
        prefix, country = ORG_KINDS[i % len(ORG_KINDS)]
        made.append(f"{prefix} {spots[i % len(spots)]} {i // (len(spots) * len(ORG_KINDS)) + 1} ({country})")
    return known + made


def generate(rows: int, seed: int = 6) -> bytes:
    """The import file: ``rows`` initiatives in the hub's template, with lead, partners and one funding stream."""
    rng = random.Random(seed)
    spots, orgs = places(), organisations(max(200, rows // 50))
    funders = [f"{o['name']} ({o['country']})" for o in demo.ORGANISATIONS if o["type"] in ("funder", "government")]
    regions = [code for code, r in REGIONS.items() if r.level in ("nuts2", "nuts3", "euregio")]
    advice = [r.code for theme in THEMES for r in theme.recommendations]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_NAMES)
    for i in range(rows):
        topic, about = TOPICS[i % len(TOPICS)]
        place = spots[(i // len(TOPICS)) % len(spots)]
        edition = i // (len(TOPICS) * len(spots)) + 1
        name = f"{topic} {place}" + (f" {edition}" if edition > 1 else "")
        kind = KINDS[i % len(KINDS)]
        start_year = 2019 + i % 7
        lead, *partners = rng.sample(orgs, 3)
        programme = PROGRAMMES[i % len(PROGRAMMES)] if kind == "interreg_project" else ""
        cells = {
            "external_id": f"BENCH-{i:06d}", "programme": programme, "kind": kind, "status": "active",
            "name_nl": name, "acronym": f"{topic[:3].upper()}{i:05d}" if kind == "interreg_project" else "",
            "description": f"{name}: {about} in {place}.", "start_date": f"{start_year}-01-01",
            "end_date": f"{start_year + 3 + i % 4}-12-31", "dates_estimated": "no",
            "regions": ", ".join(rng.sample(regions, 2)), "advice_codes": ", ".join(rng.sample(advice, 2)),
            "lead": lead, "partners": "; ".join(partners), "funder": rng.choice(funders), "funding_kind": "temporary",
            "amount": f"{rng.randrange(50, 5000) * 1000}", "currency": "EUR", "funding_start": f"{start_year}-01-01",
            "funding_end": f"{start_year + 3 + i % 4}-12-31",
        }
        writer.writerow([cells.get(column, "") for column in TEMPLATE_NAMES])
    return out.getvalue().encode()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def prepare_database(url: str | None, folder: Path) -> str:
    if url is None:
        return f"sqlite:///{folder / 'scale.db'}"
    url = normalise_database_url(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def raw_executemany(app: Flask) -> tuple[float, int]:
    """Read every row the import wrote back, empty the tables, and time inserting the same rows with executemany."""
    engine = app.extensions["hub.engine"]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        dumped: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in DATA_TABLES:
            cursor.execute(f"SELECT * FROM {table}")
            rows = cursor.fetchall()
            if engine.dialect.name == "postgresql":  # psycopg reads JSON as dicts but writes them only wrapped
                from psycopg.types.json import Json

                rows = [tuple(Json(v) if isinstance(v, (dict, list)) else v for v in row) for row in rows]
            dumped[table] = ([d[0] for d in cursor.description], rows)
        # Empty tables in a compacted database, as the import found them: SQLite gives the pages back with VACUUM.
        if engine.dialect.name == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(DATA_TABLES)} CASCADE")
            connection.commit()
        else:
            for table in reversed(DATA_TABLES):
                cursor.execute(f"DELETE FROM {table}")
            connection.commit()
            cursor.execute("VACUUM")
        marker = "?" if engine.dialect.name == "sqlite" else "%s"
        started = time.perf_counter()
        for table in DATA_TABLES:
            columns, rows = dumped[table]
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})", rows)
        connection.commit()
        return time.perf_counter() - started, sum(len(rows) for _columns, rows in dumped.values())
    finally:
        connection.close()


def report(label: str, value: str, ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"{label:<46} {value}{verdict}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="initiatives to generate (default 100000)")
    parser.add_argument("--database-url", help="PostgreSQL URL; the database is EMPTIED (default: fresh SQLite)")
    parser.add_argument("--queries", type=int, default=200, help="search requests to time (default 200)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="grenshub-scale-") as tmp:
        folder = Path(tmp)
        url = prepare_database(args.database_url, folder)
        command.upgrade(alembic_config(url), "heads")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder / "instance"),
                          "TESTING": True, "SESSION_COOKIE_SECURE": False})
        print(f"database: {app.extensions['hub.engine'].dialect.name}; rows: {args.rows}", flush=True)
        seconds, file = timed(lambda: generate(args.rows))
        report("generated import file", f"{len(file) / 1e6:.1f} MB in {seconds:.1f} s")
        missed = [*measure_import(app, file, args.rows)]
        for label, measure in (("search", lambda: measure_search(app, args.queries)), ("overlap", lambda: measure_overlap(app))):
            try:
                missed += measure()
            except Exception as error:  # noqa: BLE001 - another domain's failure is reported, the run goes on
                report(label, f"failed: {type(error).__name__}: {str(error).splitlines()[0][:200]}", False)
                missed.append(label)
        app.extensions["hub.engine"].dispose()
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0


def measure_import(app: Flask, file: bytes, rows: int) -> Iterator[str]:
    from hub.events.models import Event
    from hub.transfer.service import run_import

    with app.app_context():
        session = get_session()

        def load() -> Any:
            plan = run_import(session, file, filename="scale.csv", fmt="csv", dry_run=False, actor_id=None)
            session.commit()
            return plan

        import_seconds, plan = timed(load)
        if not plan.ok:
            raise SystemExit(f"the generated file has problems: {plan.errors[:5]}")
        events = session.query(Event).count()
    rate = rows / import_seconds
    report("import (parse, check, write, events)", f"{import_seconds:.1f} s = {rate:,.0f} rows/s "
           f"({plan.created:,} initiatives, {len(plan.new_organisations):,} organisations, {events:,} events)")
    raw_seconds, raw_rows = raw_executemany(app)
    raw_rate = rows / raw_seconds
    report("raw executemany of the same rows", f"{raw_seconds:.1f} s = {raw_rate:,.0f} rows/s ({raw_rows:,} table rows)")
    ratio = raw_seconds / import_seconds
    report("import rate / raw rate", f"{ratio:.2f} (target >= {IMPORT_RATIO_TARGET})", ratio >= IMPORT_RATIO_TARGET)
    if ratio < IMPORT_RATIO_TARGET:
        yield "import ratio"


def measure_search(app: Flask, queries: int) -> Iterator[str]:
    try:
        from hub.search import service as search
    except ImportError:
        report("search", "hub.search is not installed; skipped")
        return
    with app.app_context():
        session = get_session()
        seconds, _count = timed(lambda: (search.rebuild(session), session.commit()))
    report("search index built (after the raw reload)", f"{seconds:.1f} s")
    words = ["grensinfopunt", "grenswerk", "zorgpersoneel", "techniek", "munster", "Münster twente", "diploma",
             "energietransitie", "taal", "mobiliteit", "brandweer", "welvaart", "Achterhoek", "Emsland leren",
             "Borken", "Kleve grensmakelaar", "Solution Lab", "arbeidsmarktmonitor", "pendel", "Ondernemersnetwerk"]
    client = app.test_client()
    for word in words[:5]:  # warm up caches and templates
        client.get("/search", query_string={"q": word})
    timings: list[float] = []
    by_word: dict[str, list[float]] = {}
    for i in range(queries):
        word = words[i % len(words)]
        started = time.perf_counter()
        response = client.get("/search", query_string={"q": word})
        timings.append((time.perf_counter() - started) * 1000)
        by_word.setdefault(word, []).append(timings[-1])
        if response.status_code != 200:
            raise SystemExit(f"/search answered {response.status_code}")
    p95 = percentile(timings, 0.95)
    report("search p50 / p95 via the test client",
           f"{statistics.median(timings):.1f} / {p95:.1f} ms over {queries} requests (target p95 < {SEARCH_P95_TARGET_MS:.0f})",
           p95 < SEARCH_P95_TARGET_MS)
    slowest = sorted(by_word, key=lambda w: -statistics.median(by_word[w]))[:3]
    report("slowest queries (median)", ", ".join(f"{w!r} {statistics.median(by_word[w]):.0f} ms" for w in slowest))
    if p95 >= SEARCH_P95_TARGET_MS:
        yield "search p95"


def measure_overlap(app: Flask) -> Iterator[str]:
    try:
        from hub.overlap import service as overlap
        from hub.search import projection
    except ImportError:
        report("overlap", "hub.overlap is not installed; skipped")
        return
    from sqlalchemy import select

    from hub.initiatives.models import Initiative

    with app.app_context():
        session = get_session()
        ids = list(session.scalars(select(Initiative.id).order_by(Initiative.id)))
        keys = [("initiative", i) for i in ids]
        seconds, _count = timed(lambda: (projection.rebuild(session, overlap.TERMS, keys), session.commit()))
        report("overlap terms built", f"{seconds:.1f} s")
        rng = random.Random(7)
        sample = [ids[len(ids) // 2]] + rng.sample(ids, min(20, len(ids)))
        overlap.candidates(session, ids[0])  # warm up: connection, caches, compiled queries
        session.rollback()
        timings, found = [], []
        for initiative_id in sample:
            started = time.perf_counter()
            found.append(overlap.candidates(session, initiative_id))
            timings.append((time.perf_counter() - started) * 1000)
            session.rollback()
    first, p95 = timings[0], percentile(timings, 0.95)
    report("overlap candidates for one initiative", f"{first:.0f} ms ({len(found[0])} candidates; p95 over "
           f"{len(timings)}: {p95:.0f} ms; target < {OVERLAP_TARGET_MS:.0f})", first < OVERLAP_TARGET_MS)
    if first >= OVERLAP_TARGET_MS:
        yield "overlap"


if __name__ == "__main__":
    sys.exit(main())
