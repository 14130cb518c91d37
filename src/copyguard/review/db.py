"""Engines for the review store: SQLite files (WAL, serialized writers) and PostgreSQL
(psycopg 3), plus running the Alembic migrations when a store is opened.

URLs: ``sqlite:///path/queue.sqlite3`` or ``postgresql+psycopg://user@host:5432/db``
(``postgresql://`` and ``postgres://`` mean psycopg 3 too). ``?schema=name`` keeps the store in
its own PostgreSQL schema (created when missing).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from copyguard.review.errors import StoreUnavailable

URL_ENV = "COPYGUARD_REVIEW_URL"
DEFAULT_FILE = "copyguard-review.sqlite3"
MIGRATIONS = Path(__file__).with_name("migrations")
WRITE = "copyguard_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIGRATION_LOCK = 0x636F7079  # pg_advisory_xact_lock key: one migrator at a time


def resolve_url(url: str | None) -> str:
    """``url``, else ``$COPYGUARD_REVIEW_URL``, else ``./copyguard-review.sqlite3``."""
    return url or os.environ.get(URL_ENV) or f"sqlite:///{Path.cwd() / DEFAULT_FILE}"


def parse_url(url: str) -> tuple[URL, str | None]:
    """The SQLAlchemy URL (psycopg 3 for PostgreSQL) and the schema named in ``?schema=``."""
    try:
        parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    except ArgumentError as exc:
        raise StoreUnavailable(f"review store URL {url!r} is not a database URL") from exc
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise StoreUnavailable(f"review store URL {url!r}: use sqlite:/// or postgresql://")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    schema = parsed.query.get("schema")
    if isinstance(schema, tuple):
        raise StoreUnavailable(f"review store URL {url!r} names more than one schema")
    if schema is not None:
        if parsed.get_backend_name() != "postgresql" or not SCHEMA_RE.match(schema):
            raise StoreUnavailable(f"review store URL {url!r}: ?schema= takes a lower-case "
                                   "PostgreSQL identifier")
        parsed = parsed.difference_update_query(["schema"])
    return parsed, schema


def create_store_engine(url: str) -> Engine:
    parsed, schema = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    engine = create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    if schema is not None:
        @event.listens_for(engine, "connect")
        def _search_path(dbapi_conn: Any, _record: Any) -> None:
            with dbapi_conn.cursor() as cursor:
                cursor.execute(f'SET search_path TO "{schema}"')
            dbapi_conn.commit()

    return engine


def _sqlite_engine(parsed: URL) -> Engine:
    memory = parsed.database in (None, "", ":memory:")
    if not memory:
        Path(parsed.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": 30, "check_same_thread": False},
                           **({"poolclass": StaticPool} if memory else {}))

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
        for pragma in ("busy_timeout = 30000", "foreign_keys = ON", "synchronous = NORMAL",
                       *(() if memory else ("journal_mode = WAL",))):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the write lock up front, so read-then-write never deadlocks.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE)
                             else "BEGIN")

    return engine


def _alembic_config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head", *, schema: str | None = None) -> None:
    """Migrate the store to ``revision`` in one transaction (concurrent openers wait)."""
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            if schema is not None:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        if MigrationContext.configure(conn).get_current_revision() != head_revision() or (
                revision != "head"):
            command.upgrade(_alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        command.downgrade(_alembic_config(conn), revision)


def open_engine(url: str) -> Engine:
    """An engine with the schema at the latest migration, or :class:`StoreUnavailable`."""
    engine = create_store_engine(url)
    try:
        upgrade(engine, schema=parse_url(url)[1])
    except (SQLAlchemyError, CommandError) as exc:
        engine.dispose()
        raise StoreUnavailable(f"cannot open review store {safe_url(url)}: {describe(exc)}"
                               ) from exc
    return engine


def describe(exc: BaseException) -> str:
    """A one-line description of a database error (the driver's message, not SQL)."""
    cause = getattr(exc, "orig", None) or exc
    return f"{type(cause).__name__}: {str(cause).strip().splitlines()[0] if str(cause) else ''}"


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"
