"""DuckDB storage for tools, rejects and samples: transactional, idempotent writes.

``replace`` swaps a whole table (re-materialising never duplicates); ``append_new`` inserts only
rows whose key is not present yet (resumable generation commits batches through it).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

_IDENT_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def quote_ident(name: str) -> str:
    """A table or column name quoted for SQL; ValueError unless it is
    letters, digits and underscores."""
    if not name or not set(name) <= _IDENT_OK:
        raise ValueError(f"table/column name {name!r} must be letters, digits and underscores")
    return f'"{name}"'


class Store:
    """A DuckDB file. Each method opens a short-lived connection (retrying while another process
    holds the write lock), so Dagster steps and the CLI can share the file one writer at a time."""

    def __init__(self, path: str | Path, *, lock_timeout_s: float = 60.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock_timeout_s = lock_timeout_s

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only and self.path.exists())
                break
            except duckdb.IOException as e:  # file locked by another process
                if "lock" not in str(e).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        try:
            yield con
        finally:
            con.close()

    def tables(self) -> list[str]:
        if not self.path.exists():
            return []
        with self.connect(read_only=True) as con:
            return [
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema='main' "
                    "order by 1"
                ).fetchall()
            ]

    def exists(self, table: str) -> bool:
        return table in self.tables()

    def replace(self, table: str, df: pd.DataFrame) -> int:
        """Atomically replace ``table`` with ``df``; returns the row count."""
        with self.connect() as con:
            con.execute("begin transaction")
            try:
                con.register("_incoming", df)
                con.execute(
                    f"create or replace table {quote_ident(table)} as select * from _incoming"
                )
                con.unregister("_incoming")
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
        return len(df)

    def append_new(self, table: str, df: pd.DataFrame, key: Sequence[str]) -> int:
        """Insert rows of ``df`` whose ``key`` is not yet in ``table`` (created if missing), in one
        transaction; returns how many rows were inserted."""
        if df.empty:
            return 0
        df = df.drop_duplicates(subset=list(key))
        with self.connect() as con:
            con.execute("begin transaction")
            try:
                con.register("_incoming", df)
                t = quote_ident(table)
                con.execute(f"create table if not exists {t} as select * from _incoming limit 0")
                on = " and ".join(f"t.{quote_ident(k)} = i.{quote_ident(k)}" for k in key)
                n = con.execute(
                    f"insert into {t} by name select i.* from _incoming i where not exists "
                    f"(select 1 from {t} t where {on})"
                ).fetchone()[0]
                con.unregister("_incoming")
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
        return int(n)

    def delete_where(self, table: str, where: str, params: Sequence = ()) -> int:
        """Delete rows matching a parameterised condition; returns the count removed."""
        if not self.exists(table):
            return 0
        with self.connect() as con:
            return int(
                con.execute(
                    f"delete from {quote_ident(table)} where {where}", list(params)
                ).fetchone()[0]
            )

    def read(self, table: str, where: str | None = None, params: Sequence = ()) -> pd.DataFrame:
        """The table (optionally filtered) as a DataFrame; empty frame when it does not exist."""
        if not self.exists(table):
            return pd.DataFrame()
        with self.connect(read_only=True) as con:
            sql = f"select * from {quote_ident(table)}" + (f" where {where}" if where else "")
            return con.execute(sql, list(params)).df()

    def query(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        with self.connect(read_only=True) as con:
            return con.execute(sql, list(params)).df()

    def count(self, table: str) -> int:
        if not self.exists(table):
            return 0
        with self.connect(read_only=True) as con:
            return int(con.execute(f"select count(*) from {quote_ident(table)}").fetchone()[0])
