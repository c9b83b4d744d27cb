"""The embedded run's scheduler (core/scheduler.py), ``manage.py run_scheduled_jobs`` and ``manage.py serve``."""
import datetime
import io
import threading

import pytest
from celery import shared_task
from celery.schedules import crontab, schedule
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import scheduler as sched
from reports.models import ReminderLog

TZ = timezone.get_default_timezone()
PINGED = threading.Event()


@shared_task(name="tests.test_scheduler.ping")
def ping():
    PINGED.set()
    return "pong"


@shared_task(name="tests.test_scheduler.boom")
def boom():
    raise RuntimeError("坏了")


def local(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def test_a_job_never_run_is_due_then_at_its_interval():
    every = schedule(datetime.timedelta(seconds=60))
    start = local(2026, 3, 1, 10, 0)
    assert sched.is_due(every, None, start)
    assert not sched.is_due(every, start, start + datetime.timedelta(seconds=59))
    assert sched.is_due(every, start, start + datetime.timedelta(seconds=60))


def test_a_daily_job_is_due_once_its_hour_has_come_round():
    daily = crontab(hour=1, minute=0)
    assert sched.next_time(daily, local(2026, 3, 1, 0, 30)) == local(2026, 3, 1, 1, 0)
    assert sched.next_time(daily, local(2026, 3, 1, 1, 0)) == local(2026, 3, 2, 1, 0)
    assert sched.next_time(daily, local(2026, 12, 31, 23, 59)) == local(2027, 1, 1, 1, 0)
    assert not sched.is_due(daily, local(2026, 3, 1, 0, 30), local(2026, 3, 1, 0, 59))
    assert sched.is_due(daily, local(2026, 3, 1, 0, 30), local(2026, 3, 1, 1, 0))
    assert not sched.is_due(daily, local(2026, 3, 1, 1, 0), local(2026, 3, 1, 23, 0))
    assert sched.is_due(daily, local(2026, 3, 1, 1, 0), local(2026, 3, 5, 0, 0))  # the laptop was off


def test_the_beat_schedule_is_read_whole():
    names = set(sched.entries())
    assert names == {"reports-open-scheduled-rounds", "reports-send-due-reminders",
                     "reports-dispatch-workflow-events", "reports-rollup-nightly", "security-rotate-logs",
                     "rollups-escalate-supervision"}


def test_run_due_runs_every_job_at_start_then_each_at_its_time(world):
    scheduler = sched.EmbeddedScheduler()
    now = timezone.now()
    assert set(scheduler.run_due(now)) == set(sched.entries())
    # The world's round is past due: the reminder job, run at start, reminded its late units.
    logs = ReminderLog.objects.count()
    assert logs == 2
    assert scheduler.run_due(now + datetime.timedelta(seconds=30)) == []
    assert scheduler.run_due(now + datetime.timedelta(seconds=61)) == ["reports-dispatch-workflow-events"]
    assert set(scheduler.run_due(now + datetime.timedelta(days=1, minutes=1))) == set(sched.entries())
    assert ReminderLog.objects.count() == logs  # idempotent: each step is sent once


def test_a_failing_job_is_logged_and_the_others_still_run(monkeypatch):
    logged = []
    monkeypatch.setattr(sched.log, "exception", lambda msg, *args: logged.append(msg % args))
    PINGED.clear()
    scheduler = sched.EmbeddedScheduler({
        "boom": {"task": "tests.test_scheduler.boom", "schedule": 60.0},
        "ping": {"task": "tests.test_scheduler.ping", "schedule": 60.0},
    })
    assert scheduler.run_due() == ["boom", "ping"]
    assert PINGED.is_set() and logged == ["scheduled job boom failed"]


def test_the_scheduler_thread_runs_jobs_and_stops():
    PINGED.clear()
    scheduler = sched.EmbeddedScheduler({"ping": {"task": "tests.test_scheduler.ping", "schedule": 3600.0}},
                                        tick=0.05).start()
    try:
        assert PINGED.wait(30)
    finally:
        scheduler.stop()
    assert not scheduler._thread.is_alive() and scheduler._thread.daemon


def test_run_scheduled_jobs_by_hand(world):
    out = io.StringIO()
    call_command("run_scheduled_jobs", "--job", "reports-send-due-reminders", stdout=out)
    assert "reports-send-due-reminders：完成" in out.getvalue()
    assert ReminderLog.objects.filter(round=world.round).count() == 2
    call_command("run_scheduled_jobs", stdout=out)  # all of them, again: nothing sent twice
    assert ReminderLog.objects.filter(round=world.round).count() == 2
    listing = io.StringIO()
    call_command("run_scheduled_jobs", "--list", stdout=listing)
    assert "security-rotate-logs\tsecurity.jobs.rotate_security_logs" in listing.getvalue()


def test_run_scheduled_jobs_refuses_an_unknown_job(db):
    with pytest.raises(CommandError, match="没有这个定时任务：reports-nightly"):
        call_command("run_scheduled_jobs", "--job", "reports-nightly", stdout=io.StringIO())


# ---------------------------------------------------------------- manage.py serve

def _bound(monkeypatch, settings, scheduler_on):
    from demo.management.commands import serve

    started = []

    class FakeScheduler:
        entries = {"reports-send-due-reminders": None}

        def run_due(self):
            started.append("run_due")

        def start(self):
            started.append("start")

    monkeypatch.setattr(serve, "EmbeddedScheduler", FakeScheduler)
    settings.LUOSHI_EMBEDDED_SCHEDULER = scheduler_on
    settings.LUOSHI_DEMO = True
    out = io.StringIO()
    command = serve.Command(stdout=out)
    command.addr, command._raw_ipv6, command.protocol = "127.0.0.1", False, "http"
    command.on_bind(8123)
    return out.getvalue().rstrip("\n").splitlines(), started


def test_serve_ends_with_the_url_and_the_demo_log_ins(db, monkeypatch, settings):
    call_command("load_demo", stdout=io.StringIO())
    lines, started = _bound(monkeypatch, settings, scheduler_on=True)
    assert started == ["run_due", "start"]  # the jobs ran before the log-ins were printed
    text = "\n".join(lines)
    assert text.index("Starting development server") < text.index("落实已启动：http://127.0.0.1:8123/")
    tail = lines[-13:]  # URL, demo page, heading, header row, nine log-ins
    assert tail[0] == "落实已启动：http://127.0.0.1:8123/"
    assert tail[1] == "演示说明：http://127.0.0.1:8123/demo/（演示数据模拟 2022-01-18）"
    assert tail[2] == "演示账号："
    assert tail[3].split() == ["角色", "姓名", "登录名", "密码"]
    assert tail[4].split() == ["残工委办公室", "办公室", "王敏", "office", "luoshi-demo-2021"]
    assert tail[-1].split() == ["系统管理员（超级用户）", "系统管理员", "admin", "luoshi-demo-2021"]
    from demo.management.commands.serve import _width

    columns = {_width(line[:line.index("luoshi-demo-2021")]) for line in tail[4:]}
    assert len(columns) == 1  # one column, aligned on screen (Chinese characters are two columns wide)


def test_serve_without_the_demo_or_the_scheduler(db, monkeypatch, settings):
    lines, started = _bound(monkeypatch, settings, scheduler_on=False)
    assert started == []
    assert lines[-1] == "尚未载入演示数据（manage.py load_demo）。"
    assert "落实已启动：http://127.0.0.1:8123/" in lines
