"""Serializer fields shared by the apps' APIs."""
from rest_framework import serializers

from core.filters import MAX_ID


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id chosen among what the caller may see: ``scope(user)`` gives the queryset.

    An id outside it reads "does not exist" (400), exactly like an unknown id, so nothing
    about other committees leaks.
    """

    def __init__(self, scope, model, **kwargs):
        self.scope = scope
        kwargs["queryset"] = model.objects.all()  # the type, for the schema; the choices come from scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none()
        return self.scope(request.user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, int) and not 0 < data <= MAX_ID):
            self.fail("does_not_exist", pk_value=data)
        if isinstance(data, str) and data.isdigit() and not 0 < int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class CodeRelatedField(serializers.SlugRelatedField):
    """An object named by a code (``slug_field``): a code with a NUL or another control character is
    "does not exist" (400), never a database error (PostgreSQL text cannot hold a NUL)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isprintable():
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.encode("unicode_escape").decode())
        return super().to_internal_value(data)
