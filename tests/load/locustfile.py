"""Deadline day, as locust users (run by ``make load`` through ``tests/load/run.py``).

Each member unit has a reporter (logs in, opens 我的任务, opens each report, saves a draft with
its figure, then 保存并提交) and an approver (signs off what was submitted); the office accepts
what waits for it and returns about one in twenty; API clients read the task and report lists.
Some units are kept for a burst: their reports are all submitted within one minute halfway
through. Every loop is bounded: a user stops when its unit's reports are done, and the run
stops at ``LOAD_SECONDS`` (locust ``--run-time``).
"""
import itertools
import json
import os
import random
import re
import threading
import time

from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

from tests.load.browser import RETRIED, browser_adapter

WORLD = json.loads(open(os.environ["LOAD_WORLD"], encoding="utf-8").read())
CODE, UNITS = WORLD["code"], WORLD["units"]
BURST_UNITS = max(1, min(34, UNITS // 8))  # ≈ 100 reports (3 a unit) in the burst at the default size
BURST_SECONDS = 60
STARTED = time.monotonic()
RUN_SECONDS = float(os.environ.get("LOAD_SECONDS", "600"))
SUBMITTED = []  # (report id, marker) of every submission the server confirmed
_lock = threading.Lock()
_next_reporter = itertools.count()
_next_approver = itertools.count()
_next_burst = itertools.count()

REPORT_LINK = re.compile(r'href="/reports/(\d+)/"')
VERSION = re.compile(r'name="version" value="(\d+)"')
FIGURE = re.compile(r'name="(figure_\d+)"')
ACCEPT = re.compile(r'action="/reports/(\d+)/accept/"')
APPROVE = re.compile(r'action="/reports/(\d+)/approve/"')


class Browser(HttpUser):
    """A user whose client does what a browser does when the server closes a kept-alive connection
    just as the client reuses it (the race at the end of gunicorn's keep-alive, seen once in a
    600-second run): it sends a GET again, once, on a new connection. Forms (POST) are never sent
    twice. The run reports the count (``retried_gets``)."""

    abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client.mount("http://", browser_adapter())


class LoggedIn(Browser):
    abstract = True
    username = ""

    def log_in(self):
        self.client.get("/accounts/login/", name="log-in page")
        with self.client.post("/accounts/login/", name="log in", allow_redirects=False, catch_response=True, data={
                "username": self.username, "password": WORLD["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}) as response:
            if response.status_code != 302:
                response.failure(f"log-in refused ({response.status_code})")
                raise StopUser()

    def post(self, url, data, name):
        """A form post; anything but a redirect (the app's answer to a done action) is an error."""
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(url, data=data, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{name}: {response.status_code}")
        return response

    def my_reports(self):
        page = self.client.get("/reports/", name="我的任务").text
        return sorted(set(REPORT_LINK.findall(page)))


def claim(counter, limit):
    """The next person's index, or ``None`` once every one of them is taken: locust may start a
    user class again after its users stopped, and two people at one desk would (rightly) get 409s."""
    index = next(counter)
    return index if index < limit else None


class Reporter(LoggedIn):
    """A unit's reporter: reads and writes each report (20–60 s a report: reading the page and
    typing is the slow part of a real person's day), saves a draft, checks it, then 保存并提交;
    comes back to 我的任务 a few times for reports the office returned, then leaves."""

    fixed_count = UNITS - BURST_UNITS
    wait_time = between(20, 60)
    PAUSE = (5, 15)  # between saving the draft and submitting it
    REVISITS = 3

    def on_start(self):
        index = claim(_next_reporter, UNITS - BURST_UNITS)
        if index is None:
            raise StopUser()
        self.username = f"{CODE}-r{index}"
        self.log_in()
        self.todo = self.my_reports()
        self.revisits = 0

    @task
    def report_one(self):
        if not self.todo:
            if self.revisits >= self.REVISITS:
                raise StopUser()
            self.revisits += 1  # anything returned to us? (submitted reports are skipped: not editable)
            self.todo = self.my_reports()
            return
        submit_report(self, self.todo.pop(0), pause=self.PAUSE)


def submit_report(user, report_id, pause=None):
    page = user.client.get(f"/reports/{report_id}/", name="报告页").text
    version, figures = VERSION.search(page), FIGURE.findall(page)
    if version is None:  # already submitted (or not editable): nothing to do
        return
    marker = f"压测{report_id}-{random.randrange(10**9)}"
    fields = {"version": version.group(1), "progress": f"本季度工作进展：{marker}。", "problems": "无",
              "next_steps": "继续推进", **{name: str(random.randint(10, 90)) for name in figures}}
    saved = user.post(f"/reports/{report_id}/", fields, "保存草稿")
    if saved.status_code != 302:
        return
    if pause:
        time.sleep(random.uniform(*pause))
    page = user.client.get(f"/reports/{report_id}/", name="报告页").text
    version = VERSION.search(page)
    if version is None:
        return
    fields["version"] = version.group(1)
    done = user.post(f"/reports/{report_id}/", {**fields, "then": "submit"}, "保存并提交")
    if done.status_code == 302 and done.headers.get("Location", "").endswith("/reports/"):
        with _lock:
            SUBMITTED.append((int(report_id), marker))


class BurstReporter(LoggedIn):
    """Units that leave everything to the last minute: all their reports within 60 s, halfway in."""

    fixed_count = BURST_UNITS
    wait_time = constant(0.2)

    def on_start(self):
        index = claim(_next_burst, BURST_UNITS)
        if index is None:
            raise StopUser()
        self.username = f"{CODE}-r{UNITS - 1 - index}"
        # The burst's units start one after another across BURST_SECONDS, so that its ≈100
        # submissions fall within that minute (not all in its first seconds).
        self.burst_at = STARTED + RUN_SECONDS / 2 + index * BURST_SECONDS / BURST_UNITS
        self.todo = None

    @task
    def burst(self):
        if time.monotonic() < self.burst_at:
            time.sleep(1)
            return
        if self.todo is None:
            self.log_in()
            self.todo = self.my_reports()
        if not self.todo:
            raise StopUser()
        submit_report(self, self.todo.pop(0))


class Approver(LoggedIn):
    """A unit's approver: now and then opens the 工作台, where what waits for them is listed with its
    figures and an 审核通过 button, and signs off each of those."""

    fixed_count = UNITS
    wait_time = between(30, 90)

    def on_start(self):
        index = claim(_next_approver, UNITS)
        if index is None:
            raise StopUser()
        self.username = f"{CODE}-a{index}"
        self.log_in()
        self.rounds = 0

    @task
    def sign_off(self):
        self.rounds += 1
        if self.rounds > 20:
            raise StopUser()
        page = self.client.get("/", name="工作台（审核人）").text
        for report_id in APPROVE.findall(page):
            self.post(f"/reports/{report_id}/approve/", {"next": "/"}, "审核通过")


class Office(LoggedIn):
    """The committee office: works through the review queue, accepting most, returning a few."""

    fixed_count = 3
    wait_time = between(3, 8)

    def on_start(self):
        self.username = f"{CODE}-office"
        self.log_in()

    @task
    def review(self):
        page = self.client.get(f"/reports/rounds/{WORLD['round']}/", name="轮次页（审阅队列）").text
        for report_id in ACCEPT.findall(page)[:5]:
            if random.random() < 0.05:
                self.post(f"/reports/{report_id}/return/", {"comment": "请补充分项数据。"}, "退回")
            else:
                self.post(f"/reports/{report_id}/accept/", {}, "采纳")


class ApiClient(Browser):
    """Other government systems reading the plan's tasks and the round's reports."""

    fixed_count = 5
    wait_time = between(1, 3)

    @task(3)
    def task_list(self):
        self.client.get(f"/api/v1/tasks/?plan={WORLD['plan']}&page_size=100", name="API 任务列表",
                        headers={"Authorization": f"Token {WORLD['tokens']['read']}"})

    @task(1)
    def report_list(self):
        self.client.get(f"/api/v1/reports/?round={WORLD['round']}&page_size=100", name="API 报告列表",
                        headers={"Authorization": f"Token {WORLD['tokens']['read']}"})


@events.test_stop.add_listener
def _write_results(environment, **kwargs):
    with open(os.environ["LOAD_RESULTS"], "w", encoding="utf-8") as out:
        json.dump({"submitted": SUBMITTED, "retried_gets": len(RETRIED)}, out)
