"""``hub import FILE``: the same import as the upload page, for files on the server."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from hub.db import get_session
from hub.errors import ValidationFailed
from hub.transfer.reading import FileRejected
from hub.transfer.service import FORMATS, run_import


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="csv or xlsx (the hub's template) or keepeu (a keep.eu project export); default: recognised.")
@with_appcontext
def import_command(file: Path, dry_run: bool, fmt: str | None) -> None:
    """Import initiatives from FILE: all rows or, when any row has a problem, none."""
    session = get_session()
    try:
        plan = run_import(session, file.read_bytes(), filename=file.name, fmt=fmt, dry_run=dry_run, actor_id=None)
    except (FileRejected, ValidationFailed) as error:
        session.rollback()
        raise click.ClickException(error.message) from None
    for error in plan.errors:
        click.echo(f"line {error.line}\t{error.column}\t{error.message}", err=True)
    for warning in plan.warnings:
        click.echo(f"line {warning.line}\t{warning.column}\twarning: {warning.message}", err=True)
    if plan.ignored_columns:
        click.echo(f"ignored columns: {', '.join(plan.ignored_columns)}", err=True)
    if not plan.ok:
        session.rollback()
        raise click.ClickException(f"{len(plan.errors)} problems in {file.name}; nothing was imported")
    for change in plan.changes:
        details = [*(f"changed {name}" for name in change.fields),
                   *(f"new funding from {funder}" for funder in change.new_funding),
                   *(f"changed funding from {funder}" for funder in change.changed_funding),
                   *(f"{role}: {org}" for role, org in change.new_roles)]
        click.echo(f"line {change.line}\t{change.action}\t{change.name}\t{'; '.join(details)}")
    summary = (f"{plan.rows} rows: {plan.created} new, {plan.updated} updated, {plan.unchanged} unchanged; "
               f"{len(plan.new_organisations)} new organisations, {plan.streams_added} new funding streams, "
               f"{plan.roles_added} new roles")
    if dry_run:
        session.rollback()
        click.echo(f"dry run, nothing written: {summary}")
    else:
        session.commit()
        click.echo(f"imported {summary}")
