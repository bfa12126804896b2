"""``hub feeds poll``: poll feed sources by hand (the worker does it on schedule)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from hub.db import get_session
from hub.feeds import jobs, service
from hub.feeds.models import FeedSource


@click.group("feeds", help="News feeds: poll the registered sources.")
def feeds_group() -> None:
    pass


@feeds_group.command("poll")
@click.option("--all", "poll_all", is_flag=True, help="Poll every active source, whether due or not.")
@click.option("--source", "source_ids", type=int, multiple=True, help="Poll this source id (repeatable).")
@with_appcontext
def poll(poll_all: bool, source_ids: tuple[int, ...]) -> None:
    """Poll the sources that are due (or the ones chosen), each in its own transaction."""
    session = get_session()
    ids = list(source_ids) or service.due_source_ids(session, include_not_due=poll_all)
    names = dict(session.execute(select(FeedSource.id, FeedSource.name).where(FeedSource.id.in_(ids))).all())
    unknown = sorted(set(ids) - set(names))
    if unknown:
        raise click.ClickException(f"no feed source with id {', '.join(map(str, unknown))}")
    outcomes = jobs.poll_sources(session, ids)
    for outcome in outcomes:
        name = names[outcome.source_id]
        if outcome.problem is None:
            click.echo(f"{name}: {outcome.status.value}, {outcome.new} new, {outcome.updated} updated, "
                       f"{outcome.links} suggested links")
        else:
            click.echo(f"{name}: failed ({outcome.problem.value}) {outcome.detail}")
    click.echo(f"polled {len(outcomes)} sources, {sum(o.problem is not None for o in outcomes)} failed")
