"""Forms of the 考核 pages: they parse and check; ``rollups.scoring.services`` writes."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Committee, Unit

from ..models_scoring import ScoringItem

NOT_NEGATIVE = {"min_value": _("不能为负数。"), "invalid": _("请输入数字。"), "required": _("请填写。"),
                "max_digits": _("数字太大。"), "max_decimal_places": _("最多两位小数。"),
                "max_whole_digits": _("数字太大。")}


def points_field(label, required=True, initial=None, help_text=""):
    return forms.DecimalField(label=label, min_value=Decimal(0), max_digits=6, decimal_places=2, required=required,
                              initial=initial, help_text=help_text, error_messages=NOT_NEGATIVE)


class SchemeForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=120)
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    score_member_units = forms.BooleanField(label=_("考核成员单位"), required=False, initial=True)
    units = forms.ModelMultipleChoiceField(label=_("只考核以下成员单位（不选则考核全部承担任务的成员单位）"),
                                           queryset=Unit.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    lower_committees = forms.ModelMultipleChoiceField(label=_("考核的下级残工委"), queryset=Committee.objects.none(),
                                                      required=False, widget=forms.CheckboxSelectMultiple)
    excellent_from = points_field(_("优秀（不低于）"), initial=90)
    good_from = points_field(_("良好（不低于）"), initial=80)
    fair_from = points_field(_("一般（不低于，低于此分为较差）"), initial=60)

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(committee=committee, successor__isnull=True)
        self.fields["lower_committees"].queryset = Committee.objects.filter(parent=committee)

    def clean(self):
        data = super().clean()
        e, g, f = data.get("excellent_from"), data.get("good_from"), data.get("fair_from")
        if None not in (e, g, f) and not (e > g > f >= 0):
            raise forms.ValidationError(_("等次分数线须依次降低：优秀 > 良好 > 一般 ≥ 0（现为 %(e)s、%(g)s、%(f)s）。"),
                                        params={"e": e, "g": g, "f": f}, code="bands_order")
        if not data.get("score_member_units") and not data.get("lower_committees"):
            raise forms.ValidationError(_("请至少选择考核成员单位或一个下级残工委。"), code="no_subjects")
        return data


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[("", "—")] + list(ScoringItem.Kind.choices), required=False)
    label = forms.CharField(label=_("名称"), max_length=60, required=False)
    points = points_field(_("分值"), required=False)
    per_missing = points_field(_("缺报每次扣分"), required=False)
    per_late = points_field(_("迟报每次扣分"), required=False)
    per_return = points_field(_("退回每次扣分"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("points") is None and not self.errors:
            self.add_error("points", _("请填写本项分值。"))
        return data


class BaseItemFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for form in self.forms:
            kind = form.cleaned_data.get("kind")
            if not kind:
                continue
            if kind in seen:
                raise forms.ValidationError(
                    _("考核项目“%(kind)s”重复：同一类型只能有一项（第%(a)s行和第%(b)s行）。"),
                    params={"kind": ScoringItem.Kind(kind).label, "a": seen[kind] + 1, "b": self.forms.index(form) + 1},
                    code="duplicate_item")
            seen[kind] = self.forms.index(form)
        if not seen:
            raise forms.ValidationError(_("请至少设置一个考核项目。"), code="no_items")

    def items(self):
        rows = []
        for order, form in enumerate(f for f in self.forms if f.cleaned_data.get("kind")):
            d = form.cleaned_data
            rows.append({"kind": d["kind"], "label": d.get("label") or "", "points": d["points"], "order": order,
                         **{k: d.get(k) or Decimal(0) for k in ("per_missing", "per_late", "per_return")}})
        return rows


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=0, max_num=6, absolute_max=12,
                                    validate_max=True)


class AdjustmentForm(forms.Form):
    subject = forms.ChoiceField(label=_("单位或下级残工委"))
    points = forms.DecimalField(label=_("分数（加分为正，扣分为负）"), max_digits=6, decimal_places=2,
                                error_messages={"invalid": _("请输入数字。"), "required": _("请填写分数。")})
    reason = forms.CharField(label=_("事由"), max_length=200, error_messages={"required": _("请填写事由。")})
    evidence = forms.CharField(label=_("依据（文件、通报或材料名称）"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "—")] + list(subjects)

    def clean_points(self):
        value = self.cleaned_data["points"]
        if value == 0:
            raise forms.ValidationError(_("分数不能为0。"))
        return value
