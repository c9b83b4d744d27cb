"""Committees and member units (with their aliases) as the API shows them."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from units.models import Committee, Unit, UnitAlias
from units.selectors import committees_for


class CommitteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Committee
        fields = ["id", "code", "name", "short_name", "region", "level", "parent", "office_unit"]


class UnitSerializer(serializers.ModelSerializer):
    committee = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("所属残工委"))
    aliases = serializers.SerializerMethodField(help_text=_("文件中可能出现的其他名称"))
    display_name = serializers.CharField(read_only=True, help_text=_("名称；已更名的单位附现名"))

    class Meta:
        model = Unit
        fields = [
            "id", "committee", "code", "short_name", "full_name", "display_name", "kind", "member_since",
            "member_until", "is_active", "successor", "renamed_on", "order", "aliases",
        ]
        read_only_fields = fields

    def get_aliases(self, unit) -> list[str]:
        return [alias.name for alias in unit.aliases.all()]


class UnitCreateSerializer(serializers.Serializer):
    """A new member unit of a committee (the office of that committee only)."""

    committee = ScopedPrimaryKeyRelatedField(committees_for, Committee, help_text=_("所属残工委的编号"))
    code = serializers.SlugField(max_length=40, help_text=_("单位代码，同一残工委内不重复，如 rs"))
    short_name = serializers.CharField(max_length=60, help_text=_("文件中印出的名称，如 省人社厅"))
    full_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Unit.Kind.choices, default=Unit.Kind.GOVERNMENT)
    order = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, default=list, max_length=50,
        help_text=_("其他名称，如 省人力资源社会保障厅"),
    )


class AliasCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, help_text=_("文件中可能出现的另一个名称"))


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitAlias
        fields = ["id", "unit", "committee", "name", "created_at"]
