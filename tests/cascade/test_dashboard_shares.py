"""The province dashboard shows each city's share and figure and which cities have not derived the plan."""
from django.urls import reverse

from rollups.engine import recompute_year
from targets.models import Target
from targets.services import set_allocations
from tasks import cascade as cascade_services
from tasks.models import WorkPlan

from .test_derive import accept_with_figure


def test_dashboard_shows_shares_figures_and_missing_cities(client, cascade, django_assert_max_num_queries):
    from reports import services as report_services

    c = cascade
    set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "3000"), (c.city_b, "2600")])
    city_plan, _ = cascade_services.derive_plan(parent_plan=c.plan, committee=c.city_a, user=c.users["a_office"],
                                                task_ids=[c.task.pk])
    city_plan.status = WorkPlan.Status.PUBLISHED
    city_plan.save()
    rnd = report_services.create_round(
        plan=city_plan, period_kind="quarter", period_label="2021年第二季度", period_start="2021-04-01",
        period_end="2021-06-30", opens_on="2021-06-20", due_on="2021-07-10")
    accept_with_figure(rnd.reports.get(unit=c.units["a_mz"]), Target.objects.get(task__plan=city_plan), "1200", c.users)
    recompute_year(2021)
    client.force_login(c.users["p_office"])
    page = client.get(reverse("plan-dashboard", args=[c.plan.pk]) + "?year=2021").content.decode()
    section = page[page.index('id="shares-heading"'):]
    assert "长春市残工委</th><td class=\"num\">3000</td>" in section
    assert "1200" in section and "40.0%" in section
    assert "尚未承接本计划的下级残工委：吉林市残工委" in section
    # the city's own office reads its own dashboard, not the province's
    client.force_login(c.users["a_office"])
    assert client.get(reverse("plan-dashboard", args=[c.plan.pk]) + "?year=2021").status_code == 404
