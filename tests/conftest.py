"""Shared fixtures: a small committee world with one person per role, and the browser harness."""
import os
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from reports import services as report_services
from tasks.models import Assignment
from units.models import UnitRole

from . import factories as f


@dataclass
class World:
    committee: object
    other_committee: object
    lead_unit: object
    part_unit: object
    plan: object
    task: object
    target: object
    round: object
    users: dict

    def report_of(self, unit):
        return self.round.reports.get(task=self.task, unit=unit)


@pytest.fixture
def world(db):
    """One committee, a lead and a participating unit, one task with a target, an open round,
    and a user for every role (plus the office of another committee)."""
    committee = f.CommitteeFactory(code="prov", name="某省残工委")
    other = f.CommitteeFactory(code="other", name="另一省残工委")
    office_unit = f.UnitFactory(committee=committee, short_name="省残联", code="cl")
    lead = f.UnitFactory(committee=committee, short_name="省人社厅", code="rs")
    part = f.UnitFactory(committee=committee, short_name="省民政厅", code="mz")
    other_office_unit = f.UnitFactory(committee=other, short_name="外省残联", code="wcl")
    plan = f.WorkPlanFactory(committee=committee, title="2021年重点工作任务")
    task = f.TaskFactory(plan=plan, ref="5", text="城镇新增就业5600人以上。")
    f.AssignmentFactory(task=task, unit=lead, role=Assignment.Role.LEAD, order=1)
    f.AssignmentFactory(task=task, unit=part, role=Assignment.Role.PARTICIPATING, order=2)
    target = f.TargetFactory(task=task, value=Decimal("5600"))
    rnd = report_services.create_round(
        plan=plan, period_kind="quarter", period_label="2021年第二季度",
        period_start="2021-04-01", period_end="2021-06-30", opens_on="2021-06-20", due_on="2021-07-10",
    )
    R = UnitRole.Role
    spec = {
        "lead_reporter": (lead, R.REPORTER), "lead_approver": (lead, R.APPROVER),
        "part_reporter": (part, R.REPORTER), "part_approver": (part, R.APPROVER),
        "office": (office_unit, R.OFFICE), "leader": (office_unit, R.LEADER),
        "other_office": (other_office_unit, R.OFFICE),
    }
    users = {}
    for name, (unit, role) in spec.items():
        users[name] = f.UserFactory(username=name)
        f.UnitRoleFactory(user=users[name], unit=unit, role=role)
    rnd.refresh_from_db()
    return World(committee, other, lead, part, plan, task, target, rnd, users)


# ---------------------------------------------------------------- browser harness

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = os.path.join(os.path.dirname(__file__), "..", "node_modules", "axe-core", "axe.min.js")
ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "test-artifacts")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (Playwright cannot download browsers here)."""
    if not os.path.exists(CHROMIUM) or not os.path.exists(AXE):
        pytest.fail("浏览器测试需要 /usr/bin/chromium 与 node_modules/axe-core：先运行 scripts/browser-deps.sh")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself are still synchronous, so Django's async guard is relaxed for them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page_as(browser, live_server, transactional_db):
    """``page_as(user)`` → a Playwright page logged in as ``user`` (``None``: anonymous)."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(user=None, language=None):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                  "url": live_server.url}])
        if language:
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        page = context.new_page()
        page.base_url = live_server.url
        return page

    yield open_page
    for context in contexts:
        context.close()


def run_axe(page, name=None):
    """Run axe-core (WCAG 2.1 A/AA and best practices) on the page; return its violations.

    A screenshot goes to test-artifacts/ so that a person can look at what was checked.
    """
    # Served from the page's own origin (a Playwright route), so the site's Content-Security-Policy
    # (script-src 'self') stays on while axe runs: an inline tag would be — rightly — refused.
    parts = urlsplit(page.url)
    url = f"{parts.scheme}://{parts.netloc}/__axe__.js"
    if not getattr(page, "_axe_routed", False):
        page.route(url, lambda route: route.fulfill(path=AXE, content_type="application/javascript"))
        page._axe_routed = True
    page.add_script_tag(url=url)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    if name:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.fixture
def axe():
    return run_axe


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 is slow by design; tests log in many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
