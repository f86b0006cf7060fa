"""Database targets: where one measurement runs, and its fresh schema and data.

Every measurement gets a database of its own: a new SQLite file (on tmpfs or on
disk) or a new PostgreSQL database created from the server in
``QUICKSILVER_PG_URL`` (else ``/tmp/qs_pg_url``) and dropped afterwards.  The
schema is created and seeded with the raw driver, identically for every
implementation, so the timed section of a workload never pays for DDL and no
implementation's DDL quirks change what is measured.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent

BACKENDS = ("sqlite-tmpfs", "sqlite-disk", "postgresql")

CHILDREN_PER_PARENT = 10

_SQLITE_DDL = (
    "CREATE TABLE customer (id INTEGER NOT NULL PRIMARY KEY, "
    "name VARCHAR(100) NOT NULL, description VARCHAR(255), score INTEGER NOT NULL)",
    "CREATE TABLE parent (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL)",
    "CREATE TABLE child (id INTEGER NOT NULL PRIMARY KEY, "
    "parent_id INTEGER NOT NULL REFERENCES parent (id), "
    "name VARCHAR(100) NOT NULL, position INTEGER NOT NULL)",
    "CREATE INDEX ix_child_parent_id ON child (parent_id)",
)

_PG_DDL = (
    "CREATE TABLE customer (id SERIAL PRIMARY KEY, "
    "name VARCHAR(100) NOT NULL, description VARCHAR(255), score INTEGER NOT NULL)",
    "CREATE TABLE parent (id SERIAL PRIMARY KEY, name VARCHAR(100) NOT NULL)",
    "CREATE TABLE child (id SERIAL PRIMARY KEY, "
    "parent_id INTEGER NOT NULL REFERENCES parent (id), "
    "name VARCHAR(100) NOT NULL, position INTEGER NOT NULL)",
    "CREATE INDEX ix_child_parent_id ON child (parent_id)",
)


def customer_values(i: int) -> tuple[str, str, int]:
    """The (name, description, score) of customer number ``i`` (score == i)."""
    return f"customer {i}", f"description of customer {i}", i


def tmpfs_dir() -> Path:
    """A directory on tmpfs: ``/dev/shm`` if present, else the temp dir."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


def disk_dir() -> Path:
    """A directory on disk for the ``sqlite-disk`` backend (``bench/.data``)."""
    d = Path(os.environ.get("QUICKSILVER_BENCH_DISK_DIR", BENCH_DIR / ".data"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def postgres_server_url() -> str | None:
    """The PostgreSQL server to create measurement databases on, or None."""
    url = os.environ.get("QUICKSILVER_PG_URL", "").strip()
    if not url:
        try:
            url = Path("/tmp/qs_pg_url").read_text().strip()
        except OSError:
            return None
    return url or None


@dataclass(frozen=True)
class Target:
    """One measurement's database: the URL forms each implementation needs."""

    backend: str
    sqlite_path: str = ""
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.backend.startswith("sqlite")

    def sa_url(self, is_async: bool = False) -> str:
        """A SQLAlchemy-style URL (also quicksilver's)."""
        if self.is_sqlite:
            driver = "sqlite+aiosqlite" if is_async else "sqlite"
            return f"{driver}:///{self.sqlite_path}"
        driver = "postgresql+asyncpg" if is_async else "postgresql+psycopg"
        return f"{driver}://{self._netloc()}/{self.dbname}"

    def libpq_url(self) -> str:
        """A ``postgresql://`` URL for psycopg and asyncpg."""
        return f"postgresql://{self._netloc()}/{self.dbname}"

    def pg_params(self) -> dict[str, Any]:
        """Keyword connection parameters (peewee, Pony)."""
        params: dict[str, Any] = {"host": self.host, "port": self.port}
        if self.user:
            params["user"] = self.user
        if self.password:
            params["password"] = self.password
        return params

    def _netloc(self) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"{auth}@{self.host}:{self.port}" if auth else f"{self.host}:{self.port}"


def _server_target(url: str) -> Target:
    parts = urlsplit(url)
    return Target(
        backend="postgresql",
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        dbname=parts.path.lstrip("/") or "postgres",
    )


def postgres_reachable() -> tuple[bool, str]:
    """Whether the PostgreSQL backend can run, and why not."""
    url = postgres_server_url()
    if url is None:
        return False, "no QUICKSILVER_PG_URL and no /tmp/qs_pg_url"
    try:
        import psycopg

        with psycopg.connect(_server_target(url).libpq_url(), connect_timeout=5):
            pass
    except Exception as e:  # noqa: BLE001 - any failure means "skip, with the reason"
        return False, f"{url}: {type(e).__name__}: {e}".strip()
    return True, url


class FreshDatabase:
    """Create (on enter) and remove (on exit) one measurement's database."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.target: Target | None = None
        self._server: Target | None = None

    def __enter__(self) -> Target:
        token = f"qsbench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        if self.backend == "postgresql":
            url = postgres_server_url()
            if url is None:
                raise RuntimeError("PostgreSQL backend requested but not configured")
            self._server = _server_target(url)
            self._admin(f'CREATE DATABASE "{token}"')
            self.target = Target(**{**self._server.__dict__, "dbname": token})
        else:
            base = tmpfs_dir() if self.backend == "sqlite-tmpfs" else disk_dir()
            self.target = Target(backend=self.backend, sqlite_path=str(base / token))
        _create_schema(self.target)
        return self.target

    def __exit__(self, *exc: object) -> None:
        t = self.target
        if t is None:
            return
        if t.is_sqlite:
            for suffix in ("", "-journal", "-wal", "-shm"):
                try:
                    os.unlink(t.sqlite_path + suffix)
                except FileNotFoundError:
                    pass
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{t.dbname}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        assert self._server is not None
        with psycopg.connect(self._server.libpq_url(), autocommit=True) as conn:
            conn.execute(sql)


def _connect(target: Target) -> Any:
    if target.is_sqlite:
        import sqlite3

        return sqlite3.connect(target.sqlite_path)
    import psycopg

    return psycopg.connect(target.libpq_url())


def _create_schema(target: Target) -> None:
    conn = _connect(target)
    try:
        for stmt in _SQLITE_DDL if target.is_sqlite else _PG_DDL:
            conn.execute(stmt)
        conn.commit()
    finally:
        conn.close()


def _chunks(rows: list[tuple[Any, ...]], size: int = 5000) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def seed(target: Target, customers: int = 0, parents: int = 0) -> None:
    """Insert ``customers`` customers (ids 1..n) and ``parents`` parents with
    ``CHILDREN_PER_PARENT`` children each, with the raw driver, then ANALYZE."""
    conn = _connect(target)
    mark = "?" if target.is_sqlite else "%s"
    try:
        cur = conn.cursor()
        rows: list[tuple[Any, ...]] = [
            (i, *customer_values(i)) for i in range(1, customers + 1)
        ]
        sql = f"INSERT INTO customer (id, name, description, score) VALUES ({mark}, {mark}, {mark}, {mark})"  # noqa: E501
        for chunk in _chunks(rows):
            cur.executemany(sql, chunk)
        rows = [(i, f"parent {i}") for i in range(1, parents + 1)]
        sql = f"INSERT INTO parent (id, name) VALUES ({mark}, {mark})"
        for chunk in _chunks(rows):
            cur.executemany(sql, chunk)
        rows = [
            (p, f"child {p}.{k}", k)
            for p in range(1, parents + 1)
            for k in range(CHILDREN_PER_PARENT)
        ]
        sql = f"INSERT INTO child (parent_id, name, position) VALUES ({mark}, {mark}, {mark})"  # noqa: E501
        for chunk in _chunks(rows):
            cur.executemany(sql, chunk)
        if not target.is_sqlite:
            for table in ("customer", "parent", "child"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
        conn.commit()
        cur.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def scalar(target: Target, sql: str) -> Any:
    """One value from the database, read with the raw driver (verification)."""
    conn = _connect(target)
    try:
        row = conn.execute(sql).fetchone()
        return row[0] if row else None
    finally:
        conn.close()
