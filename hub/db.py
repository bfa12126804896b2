"""Database plumbing: the declarative base, engines and the per-app-context session.

Services take a ``Session`` argument and never open one themselves; views and CLI commands
get theirs from :func:`get_session`, which lives as long as the Flask app context.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
import enum

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Enum, Integer, MetaData, Numeric, Table, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT ids on PostgreSQL; SQLite only autoincrements a plain INTEGER primary key.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def str_enum(cls: type[enum.Enum], length: int = 32) -> Enum:
    """Store a StrEnum by value in a VARCHAR, so adding a member never needs a database type change."""
    return Enum(cls, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members])


def is_value_of(cls: type[enum.Enum], value: object) -> bool:
    """``value in cls`` for plain strings, which Python 3.11 refuses (a dict lookup: imports call it per cell)."""
    try:
        return value in cls._value2member_map_
    except TypeError:  # unhashable, so no member's value
        return False


# Tables the models cannot describe (full-text indexes: an SQLite FTS5 virtual table and its shadow tables,
# a PostgreSQL tsvector table). Their domain's migration creates them; schema comparisons leave them out.
UNMAPPED_TABLES: set[str] = set()


def include_in_comparison(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic ``include_name`` hook: compare everything but ``UNMAPPED_TABLES``."""
    return not (type_ == "table" and name in UNMAPPED_TABLES)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use hub.clock.now()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        date: Date(),
        Decimal: Numeric(14, 2),
        dict[str, Any]: JSON(),
    }


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout so the worker can share the file."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    if app.config["DATABASE_URL"].startswith("sqlite:///"):
        Path(app.config["DATABASE_URL"].removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["hub.engine"] = engine
    app.extensions["hub.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["hub.engine"]


def get_session() -> Session:
    """The session of the current app context (one per request, CLI command or job)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["hub.sessionmaker"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``session.execute(insert(table), rows)`` as one plain DBAPI executemany, each value through its column
    type's bind processor: imports write hundreds of thousands of rows, and SQLAlchemy's per-row statement
    machinery costs them more than the database does. Every row has the keys of the first."""
    if not rows:
        return
    session.flush()
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    processors = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys]
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(table.c[key].name) for key in keys)}) "
           f"VALUES ({', '.join([marker] * len(keys))})")
    # Column by column (map runs in C), then zipped into the rows the driver wants.
    columns = []
    for key, process in zip(keys, processors):
        values = list(map(itemgetter(key), rows))
        if process is not None:
            values = list(map(_remembering(process) if type(table.c[key].type) in _REPEATING else process, values))
        columns.append(values)
    connection.exec_driver_sql(sql, list(zip(*columns)))


# Column types whose values repeat across a bulk insert (timestamps, dates, enum members) and whose processed
# form depends only on the value: processing each distinct value once saves imports much of their time.
_REPEATING = frozenset({UTCDateTime, DateTime, Date, Enum, Boolean})


def _remembering(process: Any) -> Any:
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            result = seen[value] = process(value)
            return result
    return remembered


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """Primary keys for ``count`` rows about to be bulk-inserted, so the insert needs no RETURNING round trip.

    PostgreSQL draws them from the table's sequence. SQLite has one writer at a time: take the write lock
    first (a no-op UPDATE), then the ids after the highest one are ours until commit.
    """
    if count <= 0:
        return []
    if is_postgres(session):
        query = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
        return list(session.scalars(query, {"table": table.name, "n": count}))
    session.execute(text(f'UPDATE "{table.name}" SET id = id WHERE 1 = 0'))
    highest = session.scalar(text(f'SELECT coalesce(max(id), 0) FROM "{table.name}"')) or 0
    return list(range(highest + 1, highest + 1 + count))
