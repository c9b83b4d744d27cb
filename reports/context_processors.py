"""Navigation links of the reporting pages, shown by role (used by templates/base.html)."""
from functools import cached_property

from units.models import UnitRole
from units.selectors import access_for

from .selectors import open_notification_count

Role = UnitRole.Role


class ReportingNav:
    """Computed on first use only, so pages that never render the nav pay nothing."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _access(self):
        return access_for(self.user)

    @cached_property
    def my_tasks(self):
        """Reporters and approvers: their units' slots."""
        return bool(self._access.units_with(Role.REPORTER, Role.APPROVER))

    @cached_property
    def rounds(self):
        """Office, admin and leaders: the rounds of their committees."""
        return self._access.is_superuser or bool(self._access.units_with(Role.OFFICE, Role.ADMIN, Role.LEADER))

    @cached_property
    def open(self):
        """Notices whose matter still needs action (not: unread ones)."""
        return open_notification_count(self.user)


def reporting_nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"reporting_nav": ReportingNav(user)}
