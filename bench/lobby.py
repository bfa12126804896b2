"""Lobby brief benchmark: a cycle brief over a large registry.

Builds a registry of N initiatives (default 5,000) with two funding streams each — about a third of them
ending within the 18-month risk window — and a 2026 cycle with three priorities, ten partners' positions,
30 actions and 40 pieces of evidence per priority. Then times building the brief and rendering it as
HTML page, DOCX (with the PNG chart) and Markdown, in Dutch. Target on SQLite: every format under 10 s.
Exits 1 when a target is missed.

    python bench/lobby.py [--initiatives 5000] [--database-url postgresql://...]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from flask import render_template  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from hub.app import create_app  # noqa: E402
from hub.cli import alembic_config  # noqa: E402
from hub.config import normalise_database_url  # noqa: E402
from hub.db import get_session  # noqa: E402
from hub.funding.models import FundingStream  # noqa: E402
from hub.initiatives.models import Initiative  # noqa: E402
from hub.lobby import service  # noqa: E402
from hub.lobby.brief import brief_blocks, build_brief  # noqa: E402
from hub.lobby.chart import to_svg  # noqa: E402
from hub.lobby.export import to_docx, to_markdown  # noqa: E402
from hub.stakeholders.models import Organisation  # noqa: E402

TARGET_SECONDS = 10.0
TODAY = date(2026, 11, 23)
PARTNERS = ("Groningen", "Drenthe", "Overijssel", "Gelderland", "Limburg", "Noord-Brabant", "Zeeland",
            "Niedersachsen", "Nordrhein-Westfalen", "Vlaanderen")


def build_registry(session: Session, count: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    funder = Organisation(name="Interreg Deutschland-Nederland", country="EU", type="funder", created_at=now, updated_at=now)
    session.add(funder)
    session.flush()
    session.execute(insert(Initiative), [
        {"slug": f"initiative-{i}", "kind": "interreg_project", "name_nl": f"Grensproject {i:05d}",
         "name_key": f"grensproject {i:05d}", "status": "active", "aliases": "", "description": "", "source": "",
         "dates_estimated": False, "created_at": now, "updated_at": now}
        for i in range(count)
    ])
    ids = [row[0] for row in session.execute(text("SELECT id FROM initiatives ORDER BY id"))]
    streams = []
    for initiative_id in ids:
        end = TODAY + timedelta(days=rng.randint(-400, 1600))
        for share, start in ((Decimal(rng.randint(50, 900)) * 1000, date(2022, 1, 1)),
                             (Decimal(rng.randint(10, 300)) * 1000, date(2024, 1, 1))):
            streams.append({"initiative_id": initiative_id, "funder_id": funder.id, "kind": "temporary",
                            "amount": share, "currency": "EUR", "start_date": start, "end_date": end,
                            "amount_estimated": False, "end_date_estimated": False, "note": "",
                            "created_at": now, "updated_at": now})
    session.execute(insert(FundingStream), streams)
    partners = []
    for name in PARTNERS:
        org = Organisation(name=f"Provincie {name}", country="NL", type="government", created_at=now, updated_at=now)
        session.add(org)
        partners.append(org)
    session.flush()
    cycle = service.create_cycle(session, service.CycleInput(year=2026, title_nl="Lobbycyclus 2026"), actor_id=None)
    for rank in range(1, 4):
        priority = service.add_priority(session, cycle, service.PriorityInput(
            owner_id=partners[rank].id, target_level="rijk", status="agreed", title_nl=f"Prioriteit {rank}",
            summary_nl="Samenvatting " * 40, advice_codes=["2e", "3b"]), actor_id=None)
        for org in partners:
            service.set_position(session, priority, service.PositionInput(
                organisation_id=org.id, position=rng.choice(["endorses", "supports_with_reservations", "undecided", "opposes"]),
                stated_on=date(2026, 3, 1), note="Toelichting bij het standpunt."), actor_id=None)
        for n in range(30):
            service.add_action(session, priority, service.ActionInput(
                kind="letter", title=f"Brief {n} over prioriteit {rank}", due_on=TODAY + timedelta(days=rng.randint(-200, 300)),
                responsible_id=rng.choice(partners).id), actor_id=None)
        for initiative_id in rng.sample(ids, 20):
            service.add_evidence(session, priority, service.EvidenceInput(kind="initiative", initiative_id=initiative_id),
                                 actor_id=None)
        for n in range(20):
            service.add_evidence(session, priority, service.EvidenceInput(
                kind="figure", text=f"Cijfer {n}", value=str(n * 100), source="CBS", source_date=date(2025, 1, 1)),
                actor_id=None)
    session.commit()


def timed(label: str, action: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    print(f"{label:<28} {elapsed:7.2f} s")
    return elapsed, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=5_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_database_url(args.database_url) if args.database_url else f"sqlite:///{tmp}/bench.db"
        if args.database_url:
            command.downgrade(alembic_config(url), "base")
        command.upgrade(alembic_config(url), "heads")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": tmp})
        import hub.clock

        hub.clock.now = lambda: datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
        with app.test_request_context("/lobby/cycles/1/brief"):
            session = get_session()
            timed(f"build {args.initiatives} initiatives", lambda: build_registry(session, args.initiatives, random.Random(7)))
            cycle = service.list_cycles(session)[0]
            times = {}
            times["gather"], brief = timed("gather the brief", lambda: build_brief(session, cycle))
            print(f"  {len(brief.at_risk)} initiatives at risk, {len(brief.open_actions)} open actions")  # type: ignore[attr-defined]
            with force_locale("nl"):
                times["blocks"], blocks = timed("compose (nl)", lambda: brief_blocks(brief))  # type: ignore[arg-type]
                times["html"], page = timed("render HTML page", lambda: render_template(
                    "lobby/brief.html", brief=brief, blocks=blocks, lang="nl", chart_svg=to_svg, cycle=cycle, scope=None))
                times["docx"], docx = timed("render DOCX", lambda: to_docx(blocks, title="Lobbynotitie", language="nl"))  # type: ignore[arg-type]
                times["md"], markdown = timed("render Markdown", lambda: to_markdown(blocks))  # type: ignore[arg-type]
            print(f"  HTML {len(page) // 1024} KiB, DOCX {len(docx) // 1024} KiB, Markdown {len(markdown) // 1024} KiB")  # type: ignore[arg-type]
        app.extensions["hub.engine"].dispose()
    total = {fmt: times["gather"] + times["blocks"] + times[fmt] for fmt in ("html", "docx", "md")}
    missed = {fmt: t for fmt, t in total.items() if t > TARGET_SECONDS}
    print("per format (gather + compose + render): " + ", ".join(f"{fmt} {t:.2f} s" for fmt, t in total.items()))
    if missed:
        print(f"TARGET MISSED (> {TARGET_SECONDS} s): {missed}")
        return 1
    print(f"target met: every format under {TARGET_SECONDS} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
