"""Forms of the plan pages: the import wizard's upload and confirmation."""
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from targets.models import Target
from units.models import Unit

from .models import WorkPlan


class ImportUploadForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=None, label=_("残工委"), empty_label=None)
    file = forms.FileField(
        label=_("计划文件"),
        help_text=_("支持 .txt（UTF-8 或 GB18030）、.docx、.xlsx 任务分工表和带文字层的 PDF，最大 %(mb)s MB。")
        % {"mb": settings.LUOSHI_MAX_UPLOAD_BYTES // (1024 * 1024)},
    )

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LUOSHI_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件过大（%(size)s MB），请上传不超过 %(mb)s MB 的文件。")
                % {"size": round(upload.size / 1024 / 1024, 1), "mb": settings.LUOSHI_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    """The office's corrections: plan metadata, a unit for every unknown name, which targets to keep."""

    title = forms.CharField(label=_("标题"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=WorkPlan.Kind.choices)
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("印发日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period_start = forms.IntegerField(label=_("起始年度"), min_value=1949, max_value=2100)
    period_end = forms.IntegerField(label=_("截止年度"), min_value=1949, max_value=2100)
    keep_targets = forms.MultipleChoiceField(label=_("保留的量化目标"), required=False, widget=forms.CheckboxSelectMultiple)
    create_missing = forms.BooleanField(label=_("未选择对应单位的名称，全部新建为单位"), required=False)

    def __init__(self, *args, preview, **kwargs):
        structure, meta = preview["structure"], preview["structure"].get("plan") or {}
        initial = {
            "title": meta.get("title") or preview.get("title") or "",
            "kind": preview["kind"],
            "doc_number": meta.get("doc_number") or "",
            "issued_on": meta.get("issued_on"),
            "period_start": meta.get("period_start"),
            "period_end": meta.get("period_end"),
            "keep_targets": [
                f"{i}:{j}" for i, t in enumerate(structure.get("tasks", []))
                for j, target in enumerate(t.get("targets", [])) if not target.get("ambiguous")
            ],
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["keep_targets"].choices = [
            (f"{i}:{j}", f"{t.get('ref')} · {target.get('quote') or target.get('indicator')}")
            for i, t in enumerate(structure.get("tasks", [])) for j, target in enumerate(t.get("targets", []))
        ]
        units = list(Unit.objects.filter(committee__code=preview["committee"]).order_by("order", "short_name"))
        self.unit_fields = []
        for index, name in enumerate(preview["unknown_units"]):
            suggested = [s["unit_id"] for s in preview["units"][name]["suggestions"]]
            ranked = sorted(units, key=lambda u: (u.pk not in suggested, suggested.index(u.pk) if u.pk in suggested else 0))
            field_name = f"unit_{index}"
            self.fields[field_name] = forms.ChoiceField(
                label=_("“%(name)s”对应的单位") % {"name": name},
                choices=[("", _("请选择……")), ("new", _("新建单位：%(name)s") % {"name": name}),
                         ("ignore", _("忽略：不是成员单位（不计入任务分工）"))]
                + [(str(u.pk), u.display_name) for u in ranked],
                initial=str(suggested[0]) if suggested and preview["units"][name]["suggestions"][0]["score"] >= 90 else "",
                required=False,
            )
            self.unit_fields.append((name, field_name))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("截止年度不能早于起始年度。"))
        for name, field_name in self.unit_fields:
            if not data.get(field_name) and data.get("create_missing"):
                data[field_name] = "new"
            elif not data.get(field_name):
                self.add_error(field_name, _("请为“%(name)s”选择已有单位、新建单位或忽略。") % {"name": name})
        return data

    def unit_choices(self):
        return {name: self.cleaned_data[field_name] for name, field_name in self.unit_fields}

    def plan_overrides(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "doc_number": data["doc_number"],
            "issued_on": data["issued_on"].isoformat() if data.get("issued_on") else None,
            "period_start": data["period_start"],
            "period_end": data["period_end"],
        }


# ---------------------------------------------------------------- the plan editor
#
# The forms only parse what was typed (numbers, dates, unit names); every rule about what
# may change, and when, lives in tasks.services. On a published plan every form asks for
# the reason of the change (调整原因).

UNIT_SEPARATORS = re.compile(r"[、，,；;\n\r]+")


class EditForm(forms.Form):
    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan.status == WorkPlan.Status.PUBLISHED:
            self.fields["reason"] = forms.CharField(
                label=_("调整原因"), max_length=500,
                help_text=_("计划已发布，每项调整都要写明原因，会记入修改记录。"),
                error_messages={"required": _("请填写调整原因。")},
            )

    @property
    def reason(self):
        return self.cleaned_data.get("reason", "")


class PlanEditForm(EditForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=WorkPlan.Kind.choices)
    issuer = forms.CharField(label=_("发文机关"), max_length=120, required=False)
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("印发日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period_start = forms.IntegerField(label=_("起始年度"), min_value=1949, max_value=2100)
    period_end = forms.IntegerField(label=_("截止年度"), min_value=1949, max_value=2100)


class SectionForm(EditForm):
    number = forms.CharField(label=_("序号"), max_length=20, help_text=_("如 一 或 （一）"))
    title = forms.CharField(label=_("标题"), max_length=300)


class NewSectionForm(SectionForm):
    parent = forms.TypedChoiceField(label=_("上级章节"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("（无，作为一级标题）"))] + [(s.pk, str(s)) for s in sections]


class TaskEditForm(EditForm):
    ref = forms.CharField(label=_("序号"), max_length=20)
    section = forms.TypedChoiceField(label=_("章节"), required=False, coerce=int, empty_value=None)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("任务内容"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("（不属于任何章节）"))] + [(s.pk, str(s)) for s in sections]


class TaskUnitsForm(EditForm):
    """Units typed by name (short name, full name or alias), in order: fast from the keyboard."""

    lead = forms.CharField(
        label=_("牵头单位"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("按顺序填写单位名称，用顿号“、”、逗号或换行分隔；简称、全称和别名都可以。"),
    )
    participating = forms.CharField(label=_("参加单位"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    all_member_units = forms.BooleanField(label=_("各成员单位参加"), required=False)

    def __init__(self, *args, name_index, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_index = name_index

    def _units(self, field):
        names = [n.strip() for n in UNIT_SEPARATORS.split(self.cleaned_data.get(field) or "") if n.strip()]
        unknown = [n for n in names if n not in self.name_index]
        if unknown:
            raise forms.ValidationError(
                _("本残工委没有名为“%(names)s”的成员单位，请检查名称。") % {"names": "”“".join(unknown)}
            )
        return [self.name_index[n] for n in names]

    def clean_lead(self):
        return self._units("lead")

    def clean_participating(self):
        return self._units("participating")


class TargetForm(EditForm):
    indicator = forms.CharField(label=_("指标"), max_length=200)
    comparator = forms.ChoiceField(label=_("比较方式"), choices=Target.Comparator.choices)
    value = forms.DecimalField(label=_("目标值"), min_value=0, max_digits=18, decimal_places=4,
                               error_messages={"min_value": _("目标值不能为负数。")})
    measure_unit = forms.CharField(label=_("计量单位"), max_length=20)
    baseline = forms.DecimalField(label=_("基数"), required=False, min_value=0, max_digits=18, decimal_places=4,
                                  error_messages={"min_value": _("基数不能为负数。")})
    per_unit = forms.BooleanField(label=_("各地分别达到"), required=False)
    ambiguous = forms.BooleanField(label=_("待确认"), required=False)

    def values(self):
        return {k: self.cleaned_data[k] for k in
                ("indicator", "comparator", "value", "measure_unit", "baseline", "per_unit", "ambiguous")}


class ReasonForm(EditForm):
    """Actions with nothing to type but, on a published plan, a reason."""


class NewPlanForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=None, label=_("残工委"), empty_label=None)
    title = forms.CharField(label=_("标题"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=WorkPlan.Kind.choices)
    period_start = forms.IntegerField(label=_("起始年度"), min_value=1949, max_value=2100)
    period_end = forms.IntegerField(label=_("截止年度"), min_value=1949, max_value=2100, required=False,
                                    help_text=_("一年的计划可不填"))
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
