"""Filter plumbing shared by every app's FilterSets (django-filter): safe id filters and a
FilterSet that is cheap to build per request, and the API's strict ordering filter (an unknown
``ordering`` field is a 400 naming the fields allowed; DRF's own silently ignores it). One FilterSet per list serves the web page and
the API list alike."""
import copy

import django_filters as df
from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(df.NumberFilter):
    """An object id: a positive whole number (anything else is a 400, never a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1949, "maximum": 2100})
class YearFilter(df.NumberFilter):
    """A year: a whole number from 1949 to 2100 (anything else is a 400, never a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1949)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class LeanFilterSet(df.FilterSet):
    """django-filter's FilterSet with its filters copied shallowly for each request.

    ``FilterSet.__init__`` deep-copies every declared filter (and so its form field) on every
    request — most of the cost of filtering a hot API list. A shallow copy per request is
    enough: each copy gets its own ``parent``/``model`` and its own method binding, and the
    form fields are still copied by the form itself.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        declared = type(self).base_filters
        self.base_filters = {}  # nothing for the base class to deep-copy
        try:
            super().__init__(data, queryset, request=request, prefix=prefix)
        finally:
            del self.base_filters
        model = self.queryset.model
        self.filters = {}
        for name, declared_filter in declared.items():
            own = copy.copy(declared_filter)
            own.model, own.parent = model, self
            own.method = declared_filter._method  # a FilterMethod bound to this copy, not the declared filter
            self.filters[name] = own


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
