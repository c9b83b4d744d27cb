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


# ---------------------------------------------------------------- 季度调度通报

def _require_round_office(user, rnd, message):
    if not access_for(user).is_office_of(rnd.plan.committee_id):
        raise PermissionDenied(message)


@transaction.atomic
def draft_bulletin(*, round, user):
    """Draft (or, while unpublished, redraft) the 调度通报 of ``round`` from the stored roll-up."""
    from .bulletins import draft_text
    from .models import Bulletin

    rnd = round
    _require_round_office(user, rnd, _("只有本级残工委办公室可以起草调度通报。"))
    existing = Bulletin.objects.select_for_update().filter(round=rnd).first()
    if existing is not None and existing.is_published:
        raise ValidationError(_("该通报已发布，不能重新起草。"), code="published")
    title, body = draft_text(rnd)
    if existing is None:
        return Bulletin.objects.create(round=rnd, title=title, body=body, updated_by=user)
    existing.title, existing.body, existing.updated_by = title, body, user
    existing.save()
    return existing


@transaction.atomic
def update_bulletin(*, bulletin, user, title, body):
    """The office's edits of a draft 通报: title and body required, within their limits."""
    from .models import Bulletin
    from .models_bulletin import BULLETIN_BODY_MAX, BULLETIN_TITLE_MAX

    _require_round_office(user, bulletin.round, _("只有本级残工委办公室可以修改调度通报。"))
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.is_published:
        raise ValidationError(_("该通报已发布，不能再修改。"), code="published")
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("请填写通报标题。")]
    elif len(title) > BULLETIN_TITLE_MAX:
        errors["title"] = [_("通报标题不能超过%(n)s字。") % {"n": BULLETIN_TITLE_MAX}]
    if not body:
        errors["body"] = [_("请填写通报正文。")]
    elif len(body) > BULLETIN_BODY_MAX:
        errors["body"] = [_("通报正文不能超过%(n)s字。") % {"n": BULLETIN_BODY_MAX}]
    if errors:
        raise ValidationError(errors)
    bulletin.title, bulletin.body, bulletin.updated_by = title, body, user
    bulletin.save()
    return bulletin


@transaction.atomic
def publish_bulletin(*, bulletin, user, link=""):
    """Publish a draft 通报: every reporter and approver of the plan's member units is notified (once)."""
    from reports.models import Notification
    from units.models import UnitRole

    from .models import Bulletin

    _require_round_office(user, bulletin.round, _("只有本级残工委办公室可以发布调度通报。"))
    bulletin = Bulletin.objects.select_for_update(of=("self",)).select_related("round__plan").get(pk=bulletin.pk)
    if bulletin.is_published:
        raise ValidationError(_("该通报已发布。"), code="published")
    plan = bulletin.round.plan
    bulletin.status, bulletin.published_at, bulletin.published_by = Bulletin.Status.PUBLISHED, timezone.now(), user
    bulletin.save()
    users = set(UnitRole.objects.filter(unit__committee_id=plan.committee_id, unit__is_active=True,
                                        role__in=[UnitRole.Role.REPORTER, UnitRole.Role.APPROVER])
                .values_list("user_id", flat=True))
    Notification.objects.bulk_create([
        Notification(user_id=uid, kind=Notification.Kind.BULLETIN, title=bulletin.title[:200],
                     body=_("残工委办公室发布了%(label)s调度通报，请查阅。") % {"label": bulletin.round.period_label},
                     link=link, round=bulletin.round)
        for uid in sorted(users)])
    return bulletin
