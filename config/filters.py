"""The API's ordering filter: an unknown ``ordering`` field is a 400 naming the fields allowed
(DRF's own filter silently ignores it, which hides a caller's typo)."""
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        param = request.query_params.get(self.ordering_param)
        if param:
            fields = [term.strip() for term in param.split(",") if term.strip()]
            allowed = [name for name, _label in self.get_valid_fields(queryset, view, {"request": request})]
            unknown = [term for term in fields if term.lstrip("-") not in allowed]
            if unknown or not fields:
                raise ValidationError({self.ordering_param: [
                    _("不能按“%(fields)s”排序。可用的排序字段：%(allowed)s（前加 - 表示倒序）。") % {
                        "fields": "、".join(unknown or [param])[:200], "allowed": "、".join(allowed)}]})
        return super().get_ordering(request, queryset, view)
