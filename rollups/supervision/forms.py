"""Forms of the 督办 pages. They shape input; the services validate and write."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import QuickSelect

from ..models_supervision import ANSWER_MAX, INSTRUCTION_MAX, NOTE_MAX, STEP_NAME_MAX, Level
from . import rules

AUDIENCE_CHOICES = [(rules.REPORTERS, _("单位填报人")), (rules.APPROVERS, _("单位审核人")),
                    (rules.OFFICE, _("残工委办公室")), (rules.LEADERS, _("委员会领导"))]


DAYS_ERRORS = {"required": _("请填写天数（0到365的整数）。"), "invalid": _("天数须是0到365的整数。"),
               "min_value": _("天数须是0到365的整数。"), "max_value": _("天数须是0到365的整数。")}


def _too_long(n):
    return {"max_length": _("不能超过%(n)s字。") % {"n": n}}


def _textarea(limit, rows=4):
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


class StepsForm(forms.Form):
    """The three steps of the ladder, one fieldset per level (fields ``<level>-name`` …)."""

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = []
        for step in steps:
            p = step.level
            initial_notify = sorted(step.notify)
            self.fields[f"{p}-name"] = forms.CharField(
                label=_("第%(n)s级名称") % {"n": p}, max_length=STEP_NAME_MAX, initial=step.name,
                error_messages={"required": _("请填写该级督办的名称，如“提示单”。")})
            self.fields[f"{p}-enabled"] = forms.BooleanField(label=_("启用第%(n)s级") % {"n": p}, required=False, initial=step.enabled)
            self.fields[f"{p}-overdue_days"] = forms.IntegerField(
                label=_("第%(n)s级报告逾期天数") % {"n": p}, min_value=0, max_value=rules.DAYS_MAX, initial=step.overdue_days,
                help_text=_("报告逾期达到此天数时发出"), error_messages=DAYS_ERRORS)
            self.fields[f"{p}-lagging_days"] = forms.IntegerField(
                label=_("第%(n)s级滞后持续天数") % {"n": p}, min_value=0, max_value=rules.DAYS_MAX, initial=step.lagging_days,
                help_text=_("任务低于序时进度持续达到此天数时发出"), error_messages=DAYS_ERRORS)
            self.fields[f"{p}-notify"] = forms.MultipleChoiceField(
                label=_("第%(n)s级通知对象") % {"n": p}, choices=AUDIENCE_CHOICES, required=False, initial=initial_notify,
                widget=forms.CheckboxSelectMultiple)
            self.levels.append((p, Level(p).label))

    def rows(self):
        """The fields grouped by level for the template: (level, label, [bound fields])."""
        return [(p, label, [self[f"{p}-{k}"] for k in ("name", "enabled", "overdue_days", "lagging_days", "notify")])
                for p, label in self.levels]

    def cleaned_rows(self):
        data = self.cleaned_data
        return [{"level": p, "name": data[f"{p}-name"], "enabled": data[f"{p}-enabled"],
                 "overdue_days": data[f"{p}-overdue_days"], "lagging_days": data[f"{p}-lagging_days"],
                 "notify": data[f"{p}-notify"]} for p, _label in self.levels]


class CloseForm(forms.Form):
    note = forms.CharField(label=_("办结说明"), max_length=NOTE_MAX, widget=_textarea(NOTE_MAX, 3),
                           help_text=_("写明整改或处理情况（最多1000字）；办结后不再升级督办"),
                           error_messages={"required": _("办结时请写明办结说明（如整改情况）。"), **_too_long(NOTE_MAX)})


class InstructionForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("工作计划"), queryset=None, error_messages={
        "required": _("请选择工作计划。"), "invalid_choice": _("请从列表中选择您可以批示的工作计划。")})
    task = forms.ModelChoiceField(label=_("任务"), queryset=None, required=False, widget=QuickSelect,
                                  help_text=_("批示针对的任务；不选则针对所选单位的全部任务"),
                                  error_messages={"invalid_choice": _("请从列表中选择任务。")})
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False, widget=QuickSelect,
                                  help_text=_("批示针对的单位；不选则针对承担该任务的全部单位"),
                                  error_messages={"invalid_choice": _("请从列表中选择单位。")})
    text = forms.CharField(label=_("批示内容"), max_length=INSTRUCTION_MAX, widget=_textarea(INSTRUCTION_MAX),
                           help_text=_("相关单位须在下一份报告中答复（最多2000字）"),
                           error_messages={"required": _("请填写批示内容。"), **_too_long(INSTRUCTION_MAX)})

    def __init__(self, *args, plans, tasks, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["task"].queryset = tasks
        self.fields["task"].label_from_instance = lambda t: f"{t.ref} {t.short_text}"
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: u.short_name


class AnswerForm(forms.Form):
    report = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(label=_("对批示的答复"), max_length=ANSWER_MAX, widget=_textarea(ANSWER_MAX, 3),
                           help_text=_("说明落实情况（最多2000字）；提交报告前须答复"),
                           error_messages={"required": _("请填写对批示的答复。"), **_too_long(ANSWER_MAX)})


class PaceForm(forms.Form):
    tolerance = forms.CharField(label=_("序时进度容差（百分点）"), max_length=10,
                                help_text=_("完成率低于序时进度超过此值才算滞后，如 5 表示5个百分点；0 到 50"),
                                error_messages={"required": _("请填写序时进度容差（百分点），不设容差填 0。")})

    def __init__(self, *args, targets, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for t in self.targets:
            self.fields[f"weights_{t.pk}"] = forms.CharField(
                label=_("%(ref)s %(indicator)s 的权重") % {"ref": t.task.ref, "indicator": t.indicator},
                required=False, max_length=200,
                help_text=_("%(n)s个数，逗号分隔，如“%(example)s”；留空为按时间均匀推进") % {
                    "n": periods, "example": ",".join(["1"] * (periods - 1) + ["3"]) if periods > 1 else "1"})

    def weight_fields(self):
        return [(t, self[f"weights_{t.pk}"]) for t in self.targets]

    def weights(self):
        return {t.pk: self.cleaned_data.get(f"weights_{t.pk}", "") for t in self.targets}
