"""Benchmarks run on PostgreSQL (``DATABASE_URL``) in a dedicated database, ``luoshi_bench``
(or ``LUOSHI_BENCH_DB``), created, migrated and filled with the province-scale data once and
reused by later runs — never pytest's throw-away test database."""
import os

import pytest
from django.conf import settings
from django.core.management import call_command

BENCH_DB = os.environ.get("LUOSHI_BENCH_DB", "luoshi_bench")


def _ensure_database(db):
    import psycopg
    from psycopg import sql

    params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None,
              "password": db.get("PASSWORD") or None, "dbname": "postgres"}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    from django.db import connections

    from demo import scale

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql") or "DATABASE_URL" not in os.environ:
        pytest.fail("基准测试需要 PostgreSQL：请设置 DATABASE_URL=postgres://用户@主机:端口/库名 后运行 make bench")
    _ensure_database(db)
    for connection in connections.all():
        connection.close()
    db["NAME"] = BENCH_DB
    connections["default"].settings_dict["NAME"] = BENCH_DB
    with django_db_blocker.unblock():
        call_command("migrate", interactive=False, verbosity=0)
        if not scale.exists():
            print(f"\n在 {BENCH_DB} 中生成省级规模数据（只需一次）……")
            call_command("generate_scale", preset=os.environ.get("LUOSHI_BENCH_PRESET", "default"))
    yield


@pytest.fixture(scope="module")
def bench_db(django_db_setup, django_db_blocker):
    """Database access for a whole benchmark module, with real commits (no test transaction)."""
    with django_db_blocker.unblock():
        yield
