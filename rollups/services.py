"""What people ask of the rollups app: a fresh roll-up, the year-end summary files.

Each function checks the caller's permission itself (web views and API views only parse and
call), validates, writes in one transaction and queues the Celery job after the commit.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import WorkPlan
from units.selectors import access_for

from . import jobs
from .models import SummaryFile


def _require_office(user, plan, message):
    if not access_for(user).is_office_of(plan.committee_id):
        raise PermissionDenied(message)


def _check_year(plan, year):
    if not isinstance(year, int) or not plan.period_start <= year <= plan.period_end:
        raise ValidationError({"year": [_("年度应在计划的期间 %(period)s 之内。") % {"period": plan.period_label}]})


def request_refresh(*, plan, year, user) -> None:
    """The office asks for a full roll-up of one plan-year now (instead of waiting for the night)."""
    _require_office(user, plan, _("只有本级残工委办公室可以重新汇总。"))
    _check_year(plan, year)
    jobs.rollup_plan.delay(plan.pk, year)  # writes nothing itself: queue at once


@transaction.atomic
def request_summary(*, plan, year, user, include_lower=False) -> list[SummaryFile]:
    """The office asks for the year-end summary: mark both files pending and queue the job after commit."""
    _require_office(user, plan, _("只有本级残工委办公室可以生成年度总结。"))
    _check_year(plan, year)
    if plan.status == WorkPlan.Status.DRAFT:
        raise ValidationError(_("草稿状态的计划不能生成年度总结，请先发布计划。"))
    files = []
    now = timezone.now()
    for kind in SummaryFile.Kind.values:
        sf, _created = SummaryFile.objects.select_for_update().get_or_create(plan=plan, year=year, kind=kind)
        sf.status, sf.requested_at, sf.requested_by, sf.error = SummaryFile.Status.PENDING, now, user, ""
        sf.include_lower = include_lower
        sf.full_clean()
        sf.save()
        files.append(sf)
    transaction.on_commit(lambda: jobs.generate_summary.delay(plan.pk, year, None, include_lower, user.pk))
    return files
