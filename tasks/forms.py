"""Forms of the plan pages: the import wizard's upload and confirmation."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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
            "title": meta.get("title") or "",
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
                choices=[("", _("请选择……")), ("new", _("新建单位：%(name)s") % {"name": name})]
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
                self.add_error(field_name, _("请为“%(name)s”选择已有单位或新建单位。") % {"name": name})
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
