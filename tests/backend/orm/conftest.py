"""Fixtures for ORM backend tests: models made once per module, a Session per test.

Tables are created with ``metadata.create_all``; while Core's DDL compiler is
still landing, a minimal CREATE TABLE writer stands in for it (test-only).
"""

from typing import Any, Iterator

import pytest


def _type_sql(col: Any) -> str:
    name = type(col.type).__name__.upper()
    mapping = {
        "INTEGER": "INTEGER",
        "BIGINTEGER": "BIGINT",
        "SMALLINTEGER": "SMALLINT",
        "STRING": "VARCHAR(%s)" % (getattr(col.type, "length", None) or 255),
        "TEXT": "TEXT",
        "BOOLEAN": "BOOLEAN",
        "FLOAT": "FLOAT",
        "DOUBLE": "DOUBLE PRECISION",
        "NUMERIC": "NUMERIC",
        "DATETIME": "TIMESTAMP",
        "DATE": "DATE",
        "TIME": "TIME",
        "LARGEBINARY": "BYTEA",
        "ENUM": "VARCHAR(64)",
    }
    return mapping.get(name, "VARCHAR(255)")


def _fallback_create(engine: Any, metadata: Any) -> None:
    is_pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        for table in (
            metadata.sorted_tables
            if hasattr(metadata, "sorted_tables")
            else metadata.tables.values()
        ):
            parts = []
            pks = [c for c in table.c if c.primary_key]
            for col in table.c:
                typ = _type_sql(col)
                if typ == "BYTEA" and not is_pg:
                    typ = "BLOB"
                if (
                    col.primary_key
                    and len(pks) == 1
                    and typ == "INTEGER"
                    and not list(col.foreign_keys)
                ):
                    typ = "SERIAL" if is_pg else "INTEGER"
                spec = f"{col.name} {typ}"
                if not col.nullable:
                    spec += " NOT NULL"
                sd = getattr(col, "server_default", None)
                if sd is not None and hasattr(sd, "arg"):
                    arg = sd.arg if isinstance(sd.arg, str) else str(sd.arg)
                    spec += (
                        f" DEFAULT '{arg}'"
                        if isinstance(sd.arg, str)
                        else f" DEFAULT {arg}"
                    )
                if col.unique:
                    spec += " UNIQUE"
                parts.append(spec)
            if pks:
                parts.append("PRIMARY KEY (%s)" % ", ".join(c.name for c in pks))
            for col in table.c:
                for fk in col.foreign_keys:
                    parts.append(
                        "FOREIGN KEY (%s) REFERENCES %s (%s)"
                        % (col.name, fk.column.table.name, fk.column.name)
                    )
            conn.exec_driver_sql(f"CREATE TABLE {table.name} ({', '.join(parts)})")


def create_tables(engine: Any, metadata: Any) -> None:
    try:
        metadata.create_all(engine)
    except Exception:
        _fallback_create(engine, metadata)


def drop_tables(engine: Any, metadata: Any) -> None:
    try:
        metadata.drop_all(engine)
        return
    except Exception:
        pass
    tables = list(metadata.tables.values())
    with engine.begin() as conn:
        for table in reversed(tables):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")


def clear_tables(engine: Any, metadata: Any) -> None:
    tables = list(
        metadata.sorted_tables
        if hasattr(metadata, "sorted_tables")
        else metadata.tables.values()
    )
    with engine.begin() as conn:
        for table in reversed(tables):
            conn.exec_driver_sql(f"DELETE FROM {table.name}")


@pytest.fixture(scope="module")
def models(engine: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The test module's ``Base`` with its tables created on the backend."""
    base = request.module.Base
    create_tables(engine, base.metadata)
    yield request.module
    drop_tables(engine, base.metadata)


@pytest.fixture
def session(engine: Any, models: Any) -> Iterator[Any]:
    """A Session on the backend; tables are emptied afterwards."""
    from quicksilver.orm import Session

    sess = Session(engine)
    yield sess
    sess.close()
    clear_tables(engine, models.Base.metadata)
