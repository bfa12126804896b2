"""The schema comes only from Alembic: the migrations must build exactly what the models describe."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import hub.models  # noqa: F401
from hub.cli import alembic_config
from hub.db import Base, include_in_comparison


def test_migrated_schema_matches_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False,
                                                              "include_name": include_in_comparison})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


@pytest.fixture
def scratch_database(database_url: str, tmp_path) -> Iterator[str]:
    """An empty database of the same kind, apart from the one the other tests share."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    scratch = f"{make_url(database_url).database}_migration_scratch"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {scratch}"))
        conn.execute(text(f"CREATE DATABASE {scratch}"))
    yield make_url(database_url).set(database=scratch).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_downgrade_upgrade_round_trip(scratch_database: str) -> None:
    config = alembic_config(scratch_database)
    command.upgrade(config, "heads")
    engine = create_engine(scratch_database)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables

    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    command.upgrade(config, "heads")
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_initiative_name_keys_are_recomputed_without_merging_lookalikes(scratch_database: str) -> None:
    """Rows saved before the lookalike-aware key get it; two old lookalikes keep apart (one keeps its old key)."""
    from hub.text import name_key

    config = alembic_config(scratch_database)
    command.upgrade(config, "0010_feeds")
    engine = create_engine(scratch_database)
    old_rows = [(1, "grens\u200binfo", "Grens\u200bInfo"), (2, "grensinfo", "GrensInfo"), (3, "ｅｄｌ", "ＥＤＬ")]
    with engine.begin() as conn:
        for ident, key, name in old_rows:
            conn.execute(text(
                "INSERT INTO initiatives (id, slug, kind, name_nl, name_key, aliases, description, status,"
                " dates_estimated, source, created_at, updated_at) VALUES (:id, :slug, 'other', :name, :key, '', '',"
                " 'active', false, '', '2025-01-01 00:00:00+00', '2025-01-01 00:00:00+00')"
            ), {"id": ident, "slug": f"i{ident}", "name": name, "key": key})
    command.upgrade(config, "heads")
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT id, name_key FROM initiatives")).all())
    engine.dispose()
    assert keys[3] == name_key("ＥＤＬ") == name_key("EDL")
    assert {keys[1], keys[2]} == {"grens\u200binfo", name_key("GrensInfo")}
