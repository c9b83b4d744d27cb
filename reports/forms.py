"""Forms of the reporting pages. They only shape input; the services validate and write."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.widgets import QuickSelect

from .models import ProgressReport, ReportingSchedule
from .models.schedule import default_offsets_text
from .services import clean_figure

TEXT_LIMITS = {"progress": 5000, "problems": 3000, "next_steps": 3000}


def _textarea(limit, rows=5):
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    """Narrative, and one figure (with an optional note) per target of the task."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    progress = forms.CharField(label=_("进展情况"), required=False, max_length=TEXT_LIMITS["progress"],
                               widget=_textarea(TEXT_LIMITS["progress"], 8),
                               help_text=_("本期主要工作、采取的措施和取得的成效（最多5000字）"))
    problems = forms.CharField(label=_("存在问题"), required=False, max_length=TEXT_LIMITS["problems"],
                               widget=_textarea(TEXT_LIMITS["problems"]), help_text=_("最多3000字"))
    next_steps = forms.CharField(label=_("下步打算"), required=False, max_length=TEXT_LIMITS["next_steps"],
                                 widget=_textarea(TEXT_LIMITS["next_steps"]), help_text=_("最多3000字"))

    def __init__(self, *args, report: ProgressReport, targets, **kwargs):
        initial = kwargs.pop("initial", None) or {
            "version": report.version, "progress": report.progress, "problems": report.problems,
            "next_steps": report.next_steps, "reply": report.comment_reply,
        }
        for target in targets:
            if target.current is not None:
                initial[f"figure_{target.pk}"] = f"{target.current.value.normalize():f}"
                initial[f"note_{target.pk}"] = target.current.note
                initial[f"below_{target.pk}"] = target.current.below_last
            elif (report.empty_reasons or {}).get(str(target.pk)):
                initial[f"note_{target.pk}"] = report.empty_reasons[str(target.pk)]
        super().__init__(*args, initial=initial, **kwargs)
        self.report, self.targets = report, list(targets)
        if report.return_pending:  # the reporter may answer the return comment
            self.fields["reply"] = forms.CharField(
                label=_("对退回意见的答复"), required=False, max_length=2000, widget=_textarea(2000, 3),
                help_text=_("说明按退回意见做了哪些修改（可选，最多2000字）；审核人和办公室可见"),
            )
        for target in self.targets:
            self.fields[f"figure_{target.pk}"] = forms.CharField(
                label=_("%(indicator)s 累计完成（%(unit)s）") % {"indicator": target.indicator, "unit": target.measure_unit},
                required=False, max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "figure"}),
            )
            self.fields[f"note_{target.pk}"] = forms.CharField(
                label=_("%(indicator)s 数据说明") % {"indicator": target.indicator}, required=False, max_length=500,
            )
            self.fields[f"below_{target.pk}"] = forms.BooleanField(
                label=_("确认累计数低于上期采纳值（原因写在数据说明中）"), required=False,
            )

    def figure_fields(self):
        """(target, figure field, note field) for the template."""
        return [(t, self[f"figure_{t.pk}"], self[f"note_{t.pk}"], self[f"below_{t.pk}"]) for t in self.targets]

    def clean(self):
        data = super().clean()
        for target in self.targets:
            name = f"figure_{target.pk}"
            raw = (data.get(name) or "").strip()
            if raw:
                try:
                    clean_figure(raw, target)
                except ValidationError as exc:
                    self.add_error(name, exc.messages)
        return data

    def reply(self):
        """The answer to the return comment, or ``None`` when there is nothing to answer."""
        return self.cleaned_data.get("reply", "") if "reply" in self.fields else None

    def figures(self):
        data = self.cleaned_data
        return {  # an empty figure with a note: the reason it is left empty
            t.pk: ((data.get(f"figure_{t.pk}") or "").strip(), data.get(f"note_{t.pk}") or "",
                   bool(data.get(f"below_{t.pk}")))
            for t in self.targets
            if (data.get(f"figure_{t.pk}") or "").strip() or (data.get(f"note_{t.pk}") or "").strip()
        }


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("退回原因"), max_length=2000, widget=_textarea(2000, 3),
                              help_text=_("写明需要修改或补充的内容，单位会看到这段话（最多2000字）"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("更正原因"), max_length=500, widget=_textarea(500, 2),
                             help_text=_("已采纳的报告更正后会重新走审核流程，原版本保留在历史中"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("证明材料"), help_text=_("PDF、JPG/PNG 图片、Word（.docx）、Excel（.xlsx）或纯文本（.txt）"))


class ExcelUploadForm(forms.Form):
    file = forms.FileField(label=_("填好的Excel文件"), help_text=_("请上传从本页下载并填写的模板（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class ExtraRoundForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("工作计划"), queryset=None)
    period_label = forms.CharField(label=_("名称"), max_length=40, help_text=_("如 2021年年中专项调度"))
    period_start = forms.DateField(label=_("期间开始"), widget=_date())
    period_end = forms.DateField(label=_("期间结束"), widget=_date())
    opens_on = forms.DateField(label=_("开始填报"), widget=_date())
    due_on = forms.DateField(label=_("截止日期"), widget=_date())

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class UnitChoiceForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, widget=QuickSelect)  # every unit of the round

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ExtensionForm(UnitChoiceForm):
    due_on = forms.DateField(label=_("延期至"), widget=_date())
    reason = forms.CharField(label=_("延期原因"), max_length=300, required=False)


class ChaseForm(UnitChoiceForm):
    message = forms.CharField(label=_("催办内容"), max_length=1000, widget=_textarea(1000, 3),
                              help_text=_("单位的填报人和审核人会在站内通知和电子邮件中收到（最多1000字）"))


class ScheduleEditForm(forms.Form):
    """An existing schedule's settings (its frequency stays)."""

    due_days = forms.IntegerField(label=_("期末后截止天数"), min_value=0, max_value=120, initial=10)
    reminder_offsets = forms.CharField(label=_("提醒时间（相对截止日期的天数）"), max_length=60, required=False,
                                       initial=default_offsets_text,
                                       help_text=_("逗号分隔：负数为截止前提醒，正数为逾期后催报，如“-3,1,7”"))
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class ScheduleForm(ScheduleEditForm):
    """A new schedule: nothing is preselected, and a frequency the plan has already is not offered."""

    frequency = forms.ChoiceField(label=_("填报周期"), choices=ReportingSchedule.Frequency.choices,
                                  error_messages={"required": _("请选择填报周期。")})
    field_order = ["frequency", "due_days", "reminder_offsets", "active"]

    def __init__(self, *args, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frequency"].choices = [("", _("请选择……"))] + [
            (value, label) for value, label in ReportingSchedule.Frequency.choices if value not in set(taken)
        ]
