"""``core.widgets.QuickSelect`` writes the very HTML Django's ``Select`` writes, faster."""
import re

import pytest
from django import forms

from core.widgets import QuickSelect
from tests import factories as f
from units.models import Unit


def _same(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


CHOICES = [("", "---------"), ("a", 'A & "B" <c>'), ("汇总", [("1", "一"), ("2", "二<script>")]), ("3", "三")]


@pytest.mark.parametrize("value", [None, "", "a", "2", "nope"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "required": True, "aria-describedby": "x_help"}])
def test_quick_select_renders_what_django_renders(value, attrs):
    quick = QuickSelect(choices=CHOICES).render("x", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("x", value, attrs=attrs)
    assert _same(quick) == _same(django)
    assert "<script>" not in quick and "&lt;script&gt;" in quick


@pytest.mark.django_db
def test_a_unit_choice_renders_the_same_and_keeps_the_choice(world):
    f.UnitFactory(committee=world.committee, short_name='<b>"省&厅"</b>')

    class Quick(forms.Form):
        unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("pk"), widget=QuickSelect)

    class Plain(forms.Form):
        unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("pk"))

    data = {"unit": str(world.lead_unit.pk)}
    assert _same(Quick(data)["unit"]) == _same(Plain(data)["unit"])
    assert f'value="{world.lead_unit.pk}" selected' in str(Quick(data)["unit"])
    form = Quick(data)
    assert form.is_valid() and form.cleaned_data["unit"] == world.lead_unit
