"""The ``hub`` command: database, demo data, users and the worker process."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from hub.config import ROOT

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hub.auth.models import User


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


@click.group("db", help="Database schema (Alembic migrations).")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"database at {revision}")


@db_group.command("downgrade")
@click.argument("revision", default="base")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (default: an empty database)."""
    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"database at {revision}")


@click.group("demo", help="The demo registry drawn from the SER Overijssel advice.")
def demo_group() -> None:
    pass


@demo_group.command("load")
@with_appcontext
def demo_load() -> None:
    """Fill an empty registry with the demo initiatives, organisations, users and lobby cycle."""
    from hub.demo.loader import load_demo

    summary = load_demo()
    click.echo(", ".join(f"{count} {what}" for what, count in summary.items()))


@click.group("users", help="User accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--role", type=click.Choice(["admin", "manager", "partner"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--organisation", default=None, help="Organisation name (for partners).")
@with_appcontext
def users_create(email: str, name: str, role: str, password: str, organisation: str | None) -> None:
    """Create a user account."""
    from hub.auth.service import create_user
    from hub.db import get_session
    from hub.stakeholders.service import find_organisation

    org_id = None
    if organisation:
        org = find_organisation(get_session(), organisation)
        if org is None:
            raise click.ClickException(f"no organisation named {organisation!r}")
        org_id = org.id
    _apply(lambda session: create_user(session, email=email, name=name, password=password, role=role,
                                       organisation_id=org_id))
    click.echo(f"created {role} {email.strip()}")


def _user(email: str) -> User:
    from hub.auth.service import find_by_email
    from hub.db import get_session

    user = find_by_email(get_session(), email)
    if user is None:
        raise click.ClickException(f"no user with e-mail address {email!r}")
    return user


def _apply(change: Callable[[Session], object]) -> None:
    """Run a service change and commit, turning domain errors into a message and a non-zero exit."""
    from hub.db import get_session
    from hub.errors import DomainError, ValidationFailed

    session = get_session()
    try:
        change(session)
    except ValidationFailed as error:
        session.rollback()
        raise click.ClickException("; ".join(m for ms in error.errors.values() for m in ms)) from None
    except DomainError as error:
        session.rollback()
        raise click.ClickException(error.message) from None
    session.commit()


@users_group.command("list")
@with_appcontext
def users_list() -> None:
    """List the accounts: e-mail, role, status."""
    from hub.auth.service import has_password, list_users
    from hub.db import get_session

    for user in list_users(get_session()):
        status = "deactivated" if not user.active else "invited" if not has_password(user) else "active"
        click.echo(f"{user.email}\t{user.role.value}\t{status}\t{user.name}")


@users_group.command("password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def users_password(email: str, password: str) -> None:
    """Set a user's password; all their sessions end."""
    from hub.auth.service import set_password

    user = _user(email)
    _apply(lambda session: set_password(session, user, password, actor_id=None))
    click.echo(f"password of {user.email} set")


@users_group.command("deactivate")
@click.argument("email")
@with_appcontext
def users_deactivate(email: str) -> None:
    """Stop an account: no login, and its API tokens, feeds, calendars and alerts stop."""
    from hub.auth.service import set_active

    user = _user(email)
    _apply(lambda session: set_active(session, user, False, actor_id=None))
    click.echo(f"{user.email} deactivated")


@users_group.command("reactivate")
@click.argument("email")
@with_appcontext
def users_reactivate(email: str) -> None:
    """Let a deactivated account log in again."""
    from hub.auth.service import set_active

    user = _user(email)
    _apply(lambda session: set_active(session, user, True, actor_id=None))
    click.echo(f"{user.email} reactivated")


@users_group.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(["admin", "manager", "partner"]))
@with_appcontext
def users_role(email: str, role: str) -> None:
    """Give a user another role."""
    from hub.auth.service import change_role

    user = _user(email)
    _apply(lambda session: change_role(session, user, role, actor_id=None))
    click.echo(f"{user.email} is now {role}")


@click.group("i18n", help="Translation catalogues (nl, de).")
def i18n_group() -> None:
    pass


@i18n_group.command("update")
@click.argument("domains", nargs=-1)
def i18n_update(domains: tuple[str, ...]) -> None:
    """Add newly used messages to the Dutch and German catalogues of DOMAINS (default: all; "core" for the core)."""
    from hub.catalogues import update

    for path in update(set(domains) or None):
        click.echo(f"updated {path}")


@i18n_group.command("check")
def i18n_check() -> None:
    """List messages without a Dutch or German translation; fails when there are any."""
    from hub.catalogues import untranslated

    missing = untranslated()
    for locale, msgid, where in missing:
        click.echo(f"{locale}\t{where}\t{msgid}")
    if missing:
        raise click.ClickException(f"{len(missing)} untranslated messages")
    click.echo("all messages translated")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(demo_group)
    app.cli.add_command(users_group)
    app.cli.add_command(i18n_group)
    from hub.feeds.cli import feeds_group
    app.cli.add_command(feeds_group)
    from hub.worker import worker_command
    app.cli.add_command(worker_command)
    from hub.search.cli import discovery_group
    app.cli.add_command(discovery_group)
    from hub.transfer.cli import import_command
    app.cli.add_command(import_command)


def _create_app() -> Flask:
    from hub.app import create_app

    return create_app()


main = FlaskGroup(name="hub", create_app=_create_app, add_version_option=False, help="Grenshub command line.")
