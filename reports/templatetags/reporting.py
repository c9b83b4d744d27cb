"""Small display helpers of the reporting templates."""
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user):
    """A user's display name; "系统" when nobody (a job, or a deleted account)."""
    if user is None:
        return _("系统")
    return user.get_full_name() or user.username


@register.filter
def figure(value):
    """A Decimal without trailing zeros or exponent: 5600.0000 → 5600, 1.12E+5 → 112000."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value
