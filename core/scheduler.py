"""The embedded run's scheduler: Celery beat's jobs (``CELERY_BEAT_SCHEDULE``) run inside the web
process when there is no beat and no worker (`make run`: Celery eager, SQLite).

One daemon thread, started by ``manage.py serve`` in the process that serves requests (never in
autoreload's watching parent). On start it runs every job once — the laptop was likely off at 01:00,
and every job is idempotent (rounds opened once, each reminder step sent once, the roll-up recomputed,
old log rows removed) — then each job again when its beat schedule comes round: the outbox drain
every minute, the daily jobs at their hours. A job that fails is logged and tried at its next time.
Jobs are found by their Celery name, so this module imports no app.
"""
import datetime
import logging
import threading

from celery import current_app
from celery.schedules import crontab, schedule
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

log = logging.getLogger(__name__)


def entries(beat_schedule=None) -> dict:
    """{name: (task name, schedule)} of the beat schedule (seconds become a fixed interval)."""
    beat_schedule = settings.CELERY_BEAT_SCHEDULE if beat_schedule is None else beat_schedule
    result = {}
    for name, entry in beat_schedule.items():
        every = entry["schedule"]
        if isinstance(every, int | float):
            every = schedule(datetime.timedelta(seconds=every))
        elif isinstance(every, datetime.timedelta):
            every = schedule(every)
        result[name] = (entry["task"], every)
    return result


def run_job(task_name: str):
    """Run one job here and now (synchronously, whatever the broker); returns its result."""
    current_app.loader.import_default_modules()  # every app's jobs.py (autodiscovered lazily); once
    return current_app.tasks[task_name].apply(throw=True).get()


def is_due(every, last_run: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Never run: due. A fixed interval: due once it has passed. A crontab: due when one of its times
    lies after the last run and not after now (in the site's time zone)."""
    if last_run is None:
        return True
    if isinstance(every, crontab):
        return next_time(every, timezone.localtime(last_run)) <= now
    return last_run + every.run_every <= now


def next_time(every: crontab, after: datetime.datetime) -> datetime.datetime:
    """The first time of the crontab strictly after ``after`` (to the minute; within four years)."""
    moment = after.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    limit = moment + datetime.timedelta(days=4 * 366)
    while moment < limit:
        if (moment.month not in every.month_of_year or moment.day not in every.day_of_month
                or moment.isoweekday() % 7 not in every.day_of_week):
            moment = (moment + datetime.timedelta(days=1)).replace(hour=0, minute=0)
        elif moment.hour not in every.hour:
            moment = (moment + datetime.timedelta(hours=1)).replace(minute=0)
        elif moment.minute not in every.minute:
            moment += datetime.timedelta(minutes=1)
        else:
            return moment
    return limit


class EmbeddedScheduler:
    """Runs the due beat jobs every ``tick`` seconds on a daemon thread (``start``/``stop``), or
    once when asked (``run_due``)."""

    def __init__(self, beat_schedule=None, tick: float = 20.0):
        self.entries = entries(beat_schedule)
        self.last_run: dict[str, datetime.datetime] = {}
        self.tick = tick
        self._stop = threading.Event()
        self._thread = None

    def run_due(self, now: datetime.datetime | None = None) -> list[str]:
        """Run every job due at ``now``; returns the names of those run (failed ones included)."""
        now = now or timezone.now()
        ran = []
        for name, (task_name, every) in self.entries.items():
            if not is_due(every, self.last_run.get(name), now):
                continue
            self.last_run[name] = now
            ran.append(name)
            try:
                result = run_job(task_name)
            except Exception:  # noqa: BLE001 — logged with its traceback; the other jobs still run
                log.exception("scheduled job %s failed", name)
            else:
                log.info("scheduled job %s: %s", name, result)
        return ran

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="luoshi-scheduler", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self):
        try:
            while not self._stop.is_set():
                self.run_due()
                close_old_connections()  # the thread's own connection, like a request's
                self._stop.wait(self.tick)
        finally:
            connections.close_all()
