"""``make load``: a deadline day against a production-like stack on this machine (loopback only).

1. PostgreSQL of ``DATABASE_URL``, in a database of its own (``LOAD_DB``, default
   ``luoshi_load``): migrated, and the world of ``LOAD_UNITS`` member units built once.
2. gunicorn (``config/gunicorn.py``, gthread) on 127.0.0.1 and a Celery worker on Redis
   (127.0.0.1:6379, databases 12–13), as in production.
3. locust, headless, for ``LOAD_SECONDS`` (``tests/load/locustfile.py``).
4. The checks: every submission the server confirmed is in the database with its text and its
   history; once the owed roll-ups have run, the stored roll-up equals an independent SQL sum.

``LOAD_FAULT`` adds one fault a third of the way in, cleared after ``LOAD_FAULT_SECONDS`` (60):
``worker-kill`` (the Celery worker killed with SIGKILL, restarted after 5 s), ``redis-stop``
(Redis stopped, then started again), ``redis-hang`` (Redis frozen with SIGSTOP, then SIGCONT),
``web-kill`` (one gunicorn worker process killed with SIGKILL mid-request; the master replaces
it), ``pg-stop`` (PostgreSQL stopped, then started again: a restart lasting ``LOAD_FAULT_SECONDS``).
The run gets its own Redis on a free loopback port, so a fault touches nothing else; ``pg-stop``
gets its own PostgreSQL cluster too (Debian's ``pg_createcluster``, trust on loopback, dropped at
the end), never the server of ``DATABASE_URL``.

Requests failing *during* a fault are counted apart (``errors_in_fault``: from the fault until
10 s after it cleared) from the others (``errors``). A run passes with no error outside the
fault, no lost write and an equal roll-up; and during the fault none at all for Redis and the
worker, only clean answers (503 pages, no dropped connection) for PostgreSQL, and the killed
requests for ``web-kill``.

Prints one JSON line per request type ``{name, requests, errors, p50, p95, p99}`` (seconds) and
``{name: "deadline_day", units, requests, errors, lost_writes, rollup_equal}`` (with ``retried_gets``: GETs sent
again, once, as a browser does when a kept-alive connection closes under it — tests/load/browser.py).
"""
import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
UNITS = int(os.environ.get("LOAD_UNITS", "300"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "600"))
LOAD_DB = os.environ.get("LOAD_DB", "luoshi_load")
FAULT = os.environ.get("LOAD_FAULT", "")
FAULT_SECONDS = int(os.environ.get("LOAD_FAULT_SECONDS", "60"))
# People arrive over the first fifth of the day (two minutes of the default ten), not all at once.
ARRIVAL_SECONDS = max(1, int(os.environ.get("LOAD_ARRIVAL_SECONDS", str(SECONDS // 5))))
FAULTS = ("", "worker-kill", "redis-stop", "redis-hang", "web-kill", "pg-stop")
RECOVERY_SECONDS = 10  # after a fault clears, failures still count as the fault's for this long
# What a fault may cost while it lasts: nothing (Redis, the worker), clean answers (PostgreSQL
# stopped: 503 pages), or the requests of the killed process (its connections drop).
EXCUSED = {"pg-stop": "clean", "web-kill": "any"}
ANSWERED = re.compile(r"HTTPError\('\d{3}|: \d{3}\b|\(\d{3}\)")


def load_database_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("make load 需要 PostgreSQL：请设置 DATABASE_URL=postgres://用户@127.0.0.1:5432/库名")
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("压测只针对本机（127.0.0.1）的数据库与服务。")
    return urlunsplit(parts._replace(path="/" + LOAD_DB))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    """A PostgreSQL cluster of this run only (for ``pg-stop``): created with Debian's cluster tools
    on a free loopback port with trust authentication, and dropped afterwards."""

    def __init__(self):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
        if not versions or not shutil.which("pg_createcluster"):
            sys.exit("LOAD_FAULT=pg-stop 需要 Debian 的 PostgreSQL 集群工具（pg_createcluster）。")
        self.version = versions[-1].parts[-3]
        self.name, self.port = f"luoshi_load_{os.getpid()}", free_port()

    def ctl(self, action, *extra):
        subprocess.run(["pg_ctlcluster", self.version, self.name, action, *extra], check=True,
                       capture_output=True, timeout=120)

    def create(self):
        subprocess.run(["pg_createcluster", self.version, self.name, "-p", str(self.port), "--",
                        "--auth=trust"], check=True, capture_output=True, timeout=120)
        self.ctl("start")
        return f"postgres://postgres@127.0.0.1:{self.port}/{LOAD_DB}"

    def stop(self):
        self.ctl("stop", "-m", "fast")

    def start(self):
        self.ctl("start")

    def drop(self):
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], capture_output=True, timeout=120)


def stack_env(database_url, redis_port):
    redis = f"redis://127.0.0.1:{redis_port}"
    return {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "LUOSHI_MODE": "embedded",
            "CELERY_BROKER_URL": f"{redis}/0", "CELERY_TASK_ALWAYS_EAGER": "false",
            "CACHE_URL": f"{redis}/1", "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING"}


class Stack:
    """The processes of one run: Redis, gunicorn, a Celery worker and beat (for the outbox drain)."""

    def __init__(self, env, tmp, web_port, redis_port, postgres=None):
        self.env, self.tmp, self.web_port, self.redis_port = env, tmp, web_port, redis_port
        self.postgres = postgres
        self.log = open(tmp / "stack.log", "w")
        self.redis = self.web = self.worker = self.beat = None
        self.fault_window = None  # (start, end) in seconds since the epoch

    def _start(self, args):
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)

    def start_redis(self):
        self.redis = self._start(["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port),
                                  "--save", "", "--appendonly", "no"])
        wait_for_port(self.redis_port)

    def start_worker(self):
        self.worker = self._start([PY, "-m", "celery", "-A", "config", "worker", "--concurrency=1",
                                   "--loglevel=WARNING"])

    def start(self):
        self.start_redis()
        self.web = self._start([PY, "-m", "gunicorn", "-c", "config/gunicorn.py", "--bind",
                                f"127.0.0.1:{self.web_port}", "config.wsgi:application"])
        self.start_worker()
        self.beat = self._start([PY, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
                                 "--schedule", str(self.tmp / "beat-schedule")])
        wait_for_port(self.web_port)

    def inject(self, fault):
        """Apply ``fault`` now; returns the function that clears it."""
        if fault == "worker-kill":
            self.worker.kill()
            self.worker.wait()
            time.sleep(5)
            self.start_worker()
            return lambda: None
        if fault == "redis-stop":
            self.redis.terminate()
            self.redis.wait()
            return self.start_redis
        if fault == "redis-hang":
            self.redis.send_signal(signal.SIGSTOP)
            return lambda: self.redis.send_signal(signal.SIGCONT)
        if fault == "pg-stop":
            self.postgres.stop()
            return self.postgres.start
        if fault == "web-kill":
            children = subprocess.run(["pgrep", "-P", str(self.web.pid)], capture_output=True, text=True).stdout.split()
            if children:
                os.kill(int(children[0]), signal.SIGKILL)
            return lambda: None
        raise SystemExit(f"unknown LOAD_FAULT {fault!r}: one of {', '.join(f for f in FAULTS if f)}")

    def stop(self):
        running = [p for p in (self.beat, self.worker, self.web, self.redis) if p is not None]
        if self.redis is not None:
            self.redis.send_signal(signal.SIGCONT)  # a frozen Redis cannot stop
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        for proc in running:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.log.close()


def fault_timeline(stack, started):
    """In a thread: wait a third of the run, apply the fault, clear it after FAULT_SECONDS."""
    import threading

    def run():
        time.sleep(max(0, started + SECONDS / 3 - time.monotonic()))
        began = time.time()
        clear = stack.inject(FAULT)
        time.sleep(FAULT_SECONDS)
        clear()
        stack.fault_window = (began, time.time() + RECOVERY_SECONDS)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def ensure_database(database_url):
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [LOAD_DB]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(LOAD_DB)))


def wait_for_port(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not start on port {port}")


def stats_lines(csv_path):
    lines = []
    with open(csv_path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lines.append({"name": row["Name"], "requests": int(row["Request Count"]),
                          "errors": int(row["Failure Count"]),
                          "p50": float(row["50%"] or 0) / 1000, "p95": float(row["95%"] or 0) / 1000,
                          "p99": float(row["99%"] or 0) / 1000})
    return lines


def failures_in(history_csv, window):
    """Failures per second from locust's history: (outside the fault window, inside it)."""
    outside = inside = 0
    previous = 0
    with open(history_csv, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Name"] != "Aggregated":
                continue
            total = int(row["Total Failure Count"])
            new, previous = total - previous, total
            if window and window[0] - 1 <= int(row["Timestamp"]) <= window[1]:
                inside += new
            else:
                outside += new
    return outside, inside


def failure_kinds(failures_csv):
    """{error text: occurrences}, with request URLs cut off (one kind per answer)."""
    kinds = {}
    with open(failures_csv, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kind = row["Error"].split(" for url")[0][:120]
            kinds[kind] = kinds.get(kind, 0) + int(row["Occurrences"])
    return kinds


def lost_writes(submitted):
    """How many of the confirmed submissions ``[(report id, marker)]`` the database has not kept.

    One is kept when the report's history holds the version it submitted (status 待单位审核, or
    待办公室审阅 for a unit without an approver) with that text: the report's current text may be a
    later one (returned, then written again), which loses nothing."""
    from reports.models import ProgressReport

    Status = ProgressReport.Status
    texts = defaultdict(list)
    for pk, text in ProgressReport.history.model.objects.filter(
            id__in={pk for pk, _marker in submitted}, status__in=[Status.SUBMITTED, Status.APPROVED],
    ).values_list("id", "progress"):
        texts[pk].append(text)
    return sum(1 for pk, marker in submitted if not any(marker in text for text in texts[pk]))


def check(world, submitted, settle_seconds=300):
    """No lost write, and the stored roll-up equal to an independent SQL sum (after the owed jobs ran)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from reports.models import WorkflowEvent

    lost = lost_writes(submitted)
    deadline = time.monotonic() + settle_seconds
    while WorkflowEvent.objects.filter(dispatched_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(2)
    time.sleep(5)  # the last dispatched roll-up jobs finish
    query = """
        SELECT t.id, COALESCE(SUM(v.value) FILTER (WHERE r.status = 'accepted'), 0), tr.reached
        FROM targets_target t
        JOIN tasks_task k ON k.id = t.task_id
        LEFT JOIN reports_targetvalue v ON v.target_id = t.id
        LEFT JOIN reports_progressreport r ON r.id = v.report_id AND r.round_id = %s
        LEFT JOIN reports_targetrollup tr ON tr.target_id = t.id AND tr.year = 2026
        WHERE k.plan_id = %s
        GROUP BY t.id, tr.reached"""
    for _attempt in range(30):
        with connection.cursor() as cursor:
            cursor.execute(query, [world["round"], world["plan"]])
            rows = cursor.fetchall()
        unequal = [r for r in rows if (r[2] or 0) != r[1]]
        if not unequal:
            return lost, True
        time.sleep(5)
    return lost, False


def main():
    if FAULT not in FAULTS:
        sys.exit(f"LOAD_FAULT 只能是：{', '.join(f for f in FAULTS if f)}")
    database_url = load_database_url()
    postgres = None
    if FAULT == "pg-stop":
        postgres = PrivatePostgres()
        database_url = postgres.create()
    ensure_database(database_url)
    env = stack_env(database_url, free_port())
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")})
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    world = json.loads(subprocess.run([PY, "-m", "tests.load.world", str(UNITS)], cwd=ROOT, env=env, check=True,
                                      capture_output=True, text=True).stdout.strip().splitlines()[-1])
    tmp = Path(tempfile.mkdtemp(prefix="luoshi-load-"))
    (tmp / "world.json").write_text(json.dumps(world), encoding="utf-8")
    stack = Stack(env, tmp, free_port(), int(env["CACHE_URL"].rsplit(":", 1)[1].split("/")[0]), postgres)
    try:
        stack.start()
        users = 2 * UNITS + 3 + 5  # reporters (burst ones included), approvers, offices, API clients
        started = time.monotonic()
        if FAULT:
            fault_timeline(stack, started)
        subprocess.run([PY, "-m", "locust", "-f", "tests/load/locustfile.py", "--headless", "-u", str(users),
                        "-r", f"{users / ARRIVAL_SECONDS:.2f}", "-t", f"{SECONDS}s", "--stop-timeout", "30",
                        "--host", f"http://127.0.0.1:{stack.web_port}", "--csv", str(tmp / "load"),
                        "--csv-full-history", "--only-summary", "--loglevel", "WARNING"],
                       cwd=ROOT, env={**env, "LOAD_WORLD": str(tmp / "world.json"),
                                      "LOAD_RESULTS": str(tmp / "submitted.json"), "LOAD_SECONDS": str(SECONDS)},
                       timeout=SECONDS + 300, check=False)
        lines = stats_lines(tmp / "load_stats.csv")
        errors, errors_in_fault = failures_in(tmp / "load_stats_history.csv", stack.fault_window)
        kinds = failure_kinds(tmp / "load_failures.csv")
        results = json.loads((tmp / "submitted.json").read_text(encoding="utf-8"))
        submitted, retried = results["submitted"], results["retried_gets"]
        lost, equal = check(world, submitted)
    finally:
        stack.stop()
        if postgres is not None:
            postgres.drop()
    total = next((x for x in lines if x["name"] == "Aggregated"), {"requests": 0, "errors": 0})
    for line in lines:
        if line["name"] != "Aggregated":
            print(json.dumps(line, ensure_ascii=False))
    # A clean failure is an answer (an HTTP status); a dropped connection or a time-out is not.
    unclean = {k: n for k, n in kinds.items() if not ANSWERED.search(k)}
    print(json.dumps({"name": "deadline_day", "fault": FAULT or None, "units": UNITS, "seconds": SECONDS,
                      "requests": total["requests"], "errors": errors, "errors_in_fault": errors_in_fault,
                      "failure_kinds": kinds, "retried_gets": retried, "submitted": len(submitted), "lost_writes": lost, "rollup_equal": equal,
                      "logs": str(tmp)}, ensure_ascii=False))
    passed = errors == 0 and lost == 0 and equal
    if EXCUSED.get(FAULT) is None:
        passed = passed and errors_in_fault == 0  # Redis or the worker away: nobody may notice
    elif EXCUSED[FAULT] == "clean":
        passed = passed and not unclean  # PostgreSQL away: every failure a Chinese 503, no hang
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
