"""Plans, sections and tasks (with their assignments and targets) as the API shows them."""
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from targets.models import FIGURE, Target
from tasks.models import Assignment, Section, Task, WorkPlan
from tasks.selectors import visible_plans
from units.models import Committee
from units.selectors import committees_for

T = gettext_lazy


class WorkPlanSerializer(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True, help_text=T("任务数"))
    period_label = serializers.CharField(read_only=True, help_text=T("计划期间，如 2021 或 2021—2025"))

    class Meta:
        model = WorkPlan
        fields = [
            "id", "committee", "title", "kind", "issuer", "doc_number", "issued_on", "period_start", "period_end",
            "period_label", "status", "parent", "source_name", "created_at", "task_count",
        ]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "plan", "parent", "number", "path", "title", "order"]
        read_only_fields = fields


# ---------------------------------------------------------------- a task as tasks/api/rows.py writes it
# These three describe the rows of ``TaskRows`` (list and detail) for the OpenAPI schema: the
# fields named and typed as in the row dicts (a task's are read-only, and so are its lists of
# units and targets). They never build a response.

class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(help_text=T("单位名称；已更名的单位附现名"))

    class Meta:
        model = Assignment
        fields = ["unit", "unit_name", "role", "order"]


class TaskTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "indicator", "value", "measure_unit", "comparator", "per_unit", "ambiguous", "baseline",
                  "quote", "order"]


class TaskSerializer(serializers.ModelSerializer):
    """A task with its lead/participating units (by role, then order) and its targets (by order).

    Documents the rows that ``tasks.api.rows.TaskRows`` builds for the list and the detail.
    """

    assignments = AssignmentSerializer(many=True, read_only=True, help_text=T("牵头和参加单位"))
    targets = TaskTargetSerializer(many=True, read_only=True, help_text=T("量化目标"))

    class Meta:
        model = Task
        fields = ["id", "plan", "section", "ref", "text", "order", "deadline", "all_member_units", "parent",
                  "assignments", "targets"]
        read_only_fields = fields


# ---------------------------------------------------------------- creating a plan with its tasks

class NewTargetSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=200, help_text=T("指标，如 城镇新增残疾人就业"))
    value = serializers.DecimalField(min_value=Decimal(0), max_value=Decimal("1e12"), **FIGURE,
                                     help_text=T("目标值"))
    unit = serializers.CharField(max_length=20, help_text=T("计量单位：人、户、个、%……"))
    comparator = serializers.ChoiceField(choices=Target.Comparator.choices, default=Target.Comparator.AT_LEAST)
    per_unit = serializers.BooleanField(default=False)
    ambiguous = serializers.BooleanField(default=False)
    quote = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class NewSectionSerializer(serializers.Serializer):
    path = serializers.RegexField(
        r"^[^/]{1,20}(/[^/]{1,20}){0,3}$", max_length=80,
        help_text=T("从顶层起的序号，以 / 分隔，如 三/（一）；每级不超过20字"),
    )
    title = serializers.CharField(max_length=300)


class NewTaskSerializer(serializers.Serializer):
    ref = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                help_text=T("文件中印出的编号；留空按顺序编号"))
    text = serializers.CharField(max_length=10000, help_text=T("任务内容"))
    section = serializers.CharField(max_length=80, required=False, allow_blank=True, default="",
                                    help_text=T("所属章节的 path；留空表示不属于任何章节"))
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    lead_units = serializers.ListField(child=serializers.CharField(max_length=120), max_length=100, default=list,
                                       help_text=T("牵头单位名称（简称、全称或别名）"))
    participating_units = serializers.ListField(child=serializers.CharField(max_length=120), max_length=200,
                                                default=list, help_text=T("参加单位名称"))
    targets = NewTargetSerializer(many=True, required=False, default=list, max_length=50)


class PlanCreateSerializer(serializers.Serializer):
    """A whole plan in one request, as the importer would read it from a document."""

    committee = ScopedPrimaryKeyRelatedField(committees_for, Committee, help_text=T("制定计划的残工委"))
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=WorkPlan.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=WorkPlan.Status.choices, default=WorkPlan.Status.DRAFT)
    issuer = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    doc_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    period_start = serializers.IntegerField(min_value=1949, max_value=2100)
    period_end = serializers.IntegerField(min_value=1949, max_value=2100, required=False)
    parent = ScopedPrimaryKeyRelatedField(visible_plans, WorkPlan, required=False, allow_null=True, default=None,
                                          help_text=T("本计划据以制定的上级计划"))
    sections = NewSectionSerializer(many=True, required=False, default=list, max_length=500)
    tasks = NewTaskSerializer(many=True, max_length=2000)

    def validate(self, attrs):
        errors = {}
        paths = [s["path"] for s in attrs["sections"]]
        dupes = sorted({p for p in paths if paths.count(p) > 1})
        if dupes:
            errors["sections"] = [_("章节序号重复：%(p)s") % {"p": "、".join(dupes)}]
        known = set(paths)
        seen, task_errors = set(), []
        for order, task in enumerate(attrs["tasks"], start=1):
            ref = task["ref"] or str(order)
            if task["section"] and task["section"] not in known:
                task_errors.append(_("第%(n)s项任务的章节“%(s)s”不在 sections 中。") % {"n": order, "s": task["section"]})
            key = (task["section"], ref)
            if key in seen:
                task_errors.append(_("第%(n)s项任务的编号“%(r)s”在同一章节中重复。") % {"n": order, "r": ref})
            seen.add(key)
        if task_errors:
            errors["tasks"] = task_errors
        if attrs.get("period_end") is not None and attrs["period_end"] < attrs["period_start"]:
            errors["period_end"] = [_("截止年度不能早于起始年度。")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def structure(self):
        data = self.validated_data
        return {
            "plan": {
                "title": data["title"], "issuer": data["issuer"], "doc_number": data["doc_number"],
                "issued_on": data["issued_on"], "period_start": data["period_start"],
                "period_end": data.get("period_end") or data["period_start"],
            },
            "sections": [{"path": s["path"], "title": s["title"]} for s in data["sections"]],
            "tasks": [
                {
                    "ref": t["ref"] or str(order), "text": t["text"], "section": t["section"], "deadline": t["deadline"],
                    "lead_units": t["lead_units"], "participating_units": t["participating_units"],
                    "targets": [
                        {"indicator": g["indicator"], "value": g["value"], "unit": g["unit"],
                         "comparator": g["comparator"], "per_unit": g["per_unit"], "ambiguous": g["ambiguous"],
                         "quote": g["quote"]}
                        for g in t["targets"]
                    ],
                }
                for order, t in enumerate(data["tasks"], start=1)
            ],
        }
