"""The landing pages at province scale, each against its bare query (``home_floor.py``).

* ``home_workbench_county`` — the 工作台 of a county office (its committee's 40 member units);
* ``home_workbench_province`` — the 工作台 of the province office;
* ``home_reporter_county`` / ``home_reporter_province`` — a reporter's "现在要做" (the member unit with
  the most reports of the committee).

The benchmark database's rounds are all closed (``generate_scale`` fills five finished years), so for
the run the 2025 monthly rounds of the two committees are opened — twelve open rounds with their
waiting, returned and late reports, a busy office's December — and closed again afterwards.

Both requests go through the full middleware stack with Django's test client, logged in; the floor
runs one hand-written SQL statement per list the page shows and writes the rows as bare HTML. Values
and floors are medians of interleaved runs. Goals — what the page does beyond its floor is resolve the
person's roles, count their notifications for the menu and render a template (the site's navigation,
and a link, a status and translated labels for every row), which the floor skips:

* 工作台 ≤ 3× its floor: its floor is itself substantial (two statements: the 100 oldest waiting reports
  with their figures, the late units with their 催办 counts), so the page's own work stays under twice it;
* reporter home ≤ 4× its floor: its floor is one indexed statement of ~70 rows (about 2 ms), while
  the page renders every slot of the open rounds with a link and a status — in Django's templates
  about 0.1 ms a row, more than the floor's query on its own.
"""
import statistics
import time

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client

from demo import scale
from reports import selectors
from reports.models import ProgressReport, ReportingRound
from tests.bench.test_rollup_bench import Peak, emit
from units.models import Committee, UnitRole

pytestmark = pytest.mark.bench

YEAR = 2025
WARMUP, RUNS = 3, 25
WORKBENCH_MAX_RATIO, REPORTER_MAX_RATIO = 3.0, 4.0


@pytest.fixture(scope="module")
def people(bench_db):
    root = Committee.objects.get(code=scale.ROOT_CODE)
    county = Committee.objects.filter(parent__parent=root).order_by("pk").first()
    rounds = list(ReportingRound.objects.filter(plan__committee__in=[root, county], plan__period_start=YEAR,
                                                closed=True).values_list("pk", flat=True))
    ReportingRound.objects.filter(pk__in=rounds).update(closed=False)
    User = get_user_model()
    stamp = time.time_ns()
    users = {}
    try:
        for label, committee in (("county", county), ("province", root)):
            office = User.objects.create_user(username=f"bench-office-{label}-{stamp}", first_name=f"{label}办公室")
            UnitRole.objects.create(user=office, unit=committee.office_unit, role=UnitRole.Role.OFFICE)
            busiest = (ProgressReport.objects.filter(round_id__in=rounds, round__plan__committee=committee)
                       .values("unit_id").annotate(n=Count("id")).order_by("-n", "unit_id").first())
            reporter = User.objects.create_user(username=f"bench-reporter-{label}-{stamp}", first_name=f"{label}填报")
            UnitRole.objects.create(user=reporter, unit_id=busiest["unit_id"], role=UnitRole.Role.REPORTER)
            users[label] = (office, reporter)
        yield users
    finally:
        ReportingRound.objects.filter(pk__in=rounds).update(closed=True)
        User.objects.filter(username__endswith=f"-{stamp}").delete()


def _measure(client, url, floor_url):
    for _ in range(WARMUP):
        client.get(url)
        client.get(floor_url)
    values, floors = [], []
    for _ in range(RUNS):  # interleaved, so that drift of the machine hits both alike
        start = time.perf_counter()
        client.get(url)
        values.append(time.perf_counter() - start)
        start = time.perf_counter()
        client.get(floor_url)
        floors.append(time.perf_counter() - start)
    peak = Peak()
    peak.reset()
    client.get(url)
    return statistics.median(values), statistics.median(floors), peak.mb()


@pytest.mark.parametrize("label", ["county", "province"])
def test_office_workbench_against_its_bare_query(people, settings, label):
    settings.ROOT_URLCONF = "tests.bench.home_floor"
    office = people[label][0]
    client = Client()
    client.force_login(office)
    page = client.get("/")
    floor = client.get("/bench/floor/workbench/")
    assert page.status_code == 200 and floor.status_code == 200
    bench = selectors.office_workbench(office)
    waiting = list(bench["waiting"][:100])
    assert waiting and bench["late"], "the opened rounds have reports waiting and units late"
    html = page.content.decode()
    assert all(f'value="{r.pk}:{r.version}"' in html for r in waiting)  # the page lists what the floor reads
    assert all(f"<td>{r.pk}</td><td>{r.version}</td>" in floor.content.decode() for r in waiting)
    value, floor_s, peak = _measure(client, "/", "/bench/floor/workbench/")
    emit(f"home_workbench_{label}", value, floor_s, WORKBENCH_MAX_RATIO, peak)
    assert value / floor_s <= WORKBENCH_MAX_RATIO, \
        f"工作台耗时是裸查询的 {value / floor_s:.2f} 倍，应不超过 {WORKBENCH_MAX_RATIO} 倍"


@pytest.mark.parametrize("label", ["county", "province"])
def test_reporter_home_against_its_bare_query(people, settings, label):
    settings.ROOT_URLCONF = "tests.bench.home_floor"
    reporter = people[label][1]
    client = Client()
    client.force_login(reporter)
    page = client.get("/")
    floor = client.get("/bench/floor/reporter/")
    assert page.status_code == 200 and floor.status_code == 200
    todo, done, slots = selectors.reporter_home(reporter)
    assert slots and floor.content.decode().count("<tr>") == len(slots)
    value, floor_s, peak = _measure(client, "/", "/bench/floor/reporter/")
    emit(f"home_reporter_{label}", value, floor_s, REPORTER_MAX_RATIO, peak)
    assert value / floor_s <= REPORTER_MAX_RATIO, \
        f"填报人首页耗时是裸查询的 {value / floor_s:.2f} 倍，应不超过 {REPORTER_MAX_RATIO} 倍"
