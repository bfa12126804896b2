"""``hub discovery refresh|rebuild``: bring the search index and the overlap read models up to date.

Pages catch up by themselves; these commands are for after bulk loads (``rebuild`` also picks up rows
written without events) and for keeping the overlap report current from cron.
"""
from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from hub.db import get_session
from hub.overlap import service as overlap
from hub.search import service as search


@click.group("discovery", help="Search index and overlap detection.")
def discovery_group() -> None:
    pass


@discovery_group.command("refresh")
@with_appcontext
def refresh() -> None:
    """Take in every event the search index and the overlap terms and pairs have not seen yet."""
    session = get_session()
    started = time.perf_counter()
    indexed = search.refresh(session)
    analysed = overlap.refresh(session)
    session.commit()
    click.echo(f"search index: {indexed} events, overlap: {analysed} events ({time.perf_counter() - started:.1f} s)")


@discovery_group.command("rebuild")
@click.option("--skip-pairs", is_flag=True,
              help="Keep the cluster report's pairs as they are (scoring every initiative takes long on big registries).")
@with_appcontext
def rebuild(skip_pairs: bool) -> None:
    """Rebuild the search index and the overlap read models from the registry itself."""
    session = get_session()
    started = time.perf_counter()
    documents = search.rebuild(session)
    session.commit()
    click.echo(f"search index: {documents} documents ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    initiatives = overlap.rebuild(session, with_pairs=not skip_pairs)
    session.commit()
    click.echo(f"overlap: {initiatives} initiatives ({time.perf_counter() - started:.1f} s)")
