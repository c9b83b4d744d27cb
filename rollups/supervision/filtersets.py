"""One FilterSet for 督办事项, used by the web list and by ``/api/v1/supervision-items/``. It only
narrows a queryset already limited to what the user may read (``selectors.visible_items``)."""
import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from core.widgets import QuickSelect
from tasks.filtersets import YearFilter
from tasks.models import WorkPlan
from tasks.selectors import visible_plans
from units.models import Unit
from units.selectors import units_for

from ..models import SupervisionItem
from ..models_supervision import Level


def _plans(request):
    user = getattr(request, "user", None)
    return visible_plans(user).order_by("-period_start", "title") if user is not None else WorkPlan.objects.none()


def _units(request):
    user = getattr(request, "user", None)
    return units_for(user).order_by("committee", "order", "short_name") if user is not None else Unit.objects.none()


class SupervisionItemFilterSet(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("工作计划"), queryset=_plans)
    unit = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=_units, widget=QuickSelect)
    task = IdFilter(label=_("任务"), field_name="task_id")
    year = YearFilter(label=_("年度"))
    reason = django_filters.ChoiceFilter(label=_("督办原因"), choices=SupervisionItem.Reason.choices,
                                         empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SupervisionItem.Status.choices,
                                         empty_label=_("全部"))
    level = django_filters.ChoiceFilter(label=_("当前级别"), choices=[(str(v), label) for v, label in Level.choices],
                                        empty_label=_("全部"))

    class Meta:
        model = SupervisionItem
        fields = ["plan", "unit", "task", "year", "reason", "status", "level"]
