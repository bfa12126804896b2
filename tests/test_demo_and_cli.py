"""Issue 2: the demo registry drawn from the SER advice, loaded through the `hub` CLI."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.auth.models import Role, User
from hub.funding.horizon import funding_horizon
from hub.initiatives.models import Initiative
from hub.stakeholders.models import Organisation


def by_acronym_or_name(db: Session, name: str) -> Initiative:
    found = db.scalar(select(Initiative).where((Initiative.acronym == name) | (Initiative.name_nl == name)))
    assert found is not None, name
    return found


def test_demo_load_fills_the_registry_once(app: Flask, db: Session) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    initiatives = db.scalar(select(func.count(Initiative.id)))
    assert initiatives >= 20

    techland = by_acronym_or_name(db, "TECH.LAND")
    assert {s.funder.name for s in techland.funding_streams} == {"Regio Deal Twente"}
    assert funding_horizon(techland.funding_streams) is not None

    gip = db.scalar(select(Initiative).where(Initiative.acronym == "GIP Euregio"))
    szw_shares = [s.cofinancing_share for s in gip.funding_streams if s.funder.name == "Ministerie van Sociale Zaken en Werkgelegenheid" and s.end_date is None]
    assert szw_shares == [Decimal("50.00")]
    assert any(s.amount_estimated for i in db.scalars(select(Initiative)) for s in i.funding_streams)
    assert db.scalar(select(Organisation).where(Organisation.name.like("Saxion%"))) is not None
    assert {u.role for u in db.scalars(select(User))} == set(Role)

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    db.expire_all()
    assert db.scalar(select(func.count(Initiative.id))) == initiatives


def test_users_create_command(app: Flask, db: Session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "pm@overijssel.example", "--role", "manager",
                                 "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(User).where(User.email == "pm@overijssel.example")).role == Role.MANAGER

    short = runner.invoke(args=["users", "create", "--email", "x@overijssel.example", "--role", "partner", "--password", "short"])
    assert short.exit_code != 0
    assert "at least 12 characters" in short.output
