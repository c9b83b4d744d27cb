"""Forms of the five-year plan pages: they parse and check; ``targets.services`` writes."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import QuickSelect
from targets.models import PlanIndicator
from units.models import Unit

FIGURE_ERRORS = {"invalid": _("请输入数字。"), "required": _("请填写。"), "max_digits": _("数字太大。"),
                 "max_decimal_places": _("最多四位小数。"), "max_whole_digits": _("数字太大。")}


def figure(label, required=True, help_text=""):
    return forms.DecimalField(label=label, max_digits=18, decimal_places=4, required=required, help_text=help_text,
                              error_messages=FIGURE_ERRORS)


class IndicatorForm(forms.Form):
    number = forms.IntegerField(label=_("序号"), min_value=1, max_value=999)
    name = forms.CharField(label=_("指标"), max_length=200)
    measure_unit = forms.CharField(label=_("单位"), max_length=20, required=False, help_text=_("%、万人、人次……"))
    baseline = figure(_("基期值"), required=False, help_text=_("规划基期（如2020年）的值，累计类指标可不填"))
    target_value = figure(_("目标值"), help_text=_("规划期末（如2025年）的值"))
    kind = forms.ChoiceField(label=_("属性"), choices=PlanIndicator.Kind.choices)
    direction = forms.ChoiceField(label=_("方向"), choices=PlanIndicator.Direction.choices)
    cumulative = forms.BooleanField(label=_("规划期累计"), required=False,
                                    help_text=_("目标为五年累计数；不勾选则为期末水平"))
    responsible_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), required=False,
                                              widget=QuickSelect)
    weight = figure(_("权重"), required=False, help_text=_("填写后计算加权综合指数"))

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.filter(committee=committee, successor__isnull=True)

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is not None and weight < 0:
            raise forms.ValidationError(_("权重不能为负数。"))
        return weight


class ValueForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    value = figure(_("数值"))
    source = forms.CharField(label=_("数据来源"), max_length=200, help_text=_("如 2022年吉林省残疾人事业发展统计公报"))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in range(plan.period_start, plan.period_end + 1)]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("指标表文件"), help_text=_("文本（.txt）或 Excel（.xlsx）：表头含 指标、单位、基期、目标、属性、责任单位"))
    replace = forms.BooleanField(label=_("替换已有的全部指标"), required=False,
                                 help_text=_("不勾选则按序号更新或新增"))
