"""The backup script dumps a database and a dump restores into a new one with every row.

Runs against the PostgreSQL server on 127.0.0.1 (which `make test` and CI have) whatever
database the rest of the suite uses: it builds its own small source database."""
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVER = {"host": os.environ.get("PGHOST", "127.0.0.1"), "user": os.environ.get("PGUSER", "postgres")}


def _run(*args, env=None):
    # The script prefers DATABASE_URL (the suite's own database when it runs on PostgreSQL):
    # this test names its databases through the libpq variables only.
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**base, "PGHOST": SERVER["host"], "PGUSER": SERVER["user"], **(env or {})})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def databases():
    if shutil.which("pg_dump") is None:
        pytest.fail("备份测试需要 PostgreSQL 客户端（pg_dump、pg_restore）：apt-get install postgresql-client")
    names = [f"luoshi_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "restored")]
    yield names
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_dump_and_restore_keep_every_row(databases, tmp_path):
    source, restored = databases
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as conn:
        conn.execute(f'CREATE DATABASE "{source}"')
    with psycopg.connect(dbname=source, autocommit=True, **SERVER) as conn:
        conn.execute("CREATE TABLE report (id serial PRIMARY KEY, unit text, progress text, figure numeric(20, 4))")
        conn.execute("INSERT INTO report (unit, progress, figure) SELECT '省人社厅', '新增就业' || g, g * 1.5 "
                     "FROM generate_series(1, 500) g")
    dump = Path(_run("scripts/backup.sh", str(tmp_path / "backups"), env={"PGDATABASE": source}).strip().splitlines()[-1])
    assert dump.is_file() and dump.suffix == ".dump" and not list(tmp_path.rglob("*.part"))
    _run("scripts/backup.sh", "--restore", str(dump), restored)
    with psycopg.connect(dbname=restored, **SERVER) as conn:
        count, total, text = conn.execute(
            "SELECT count(*), sum(figure), max(progress) FROM report WHERE unit = '省人社厅'").fetchone()
    assert (count, str(total), text) == (500, "187875.0000", "新增就业99")
