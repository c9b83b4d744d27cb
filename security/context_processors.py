"""Links of the security pages in the header, for the administrators whose duty they are."""
from units.selectors import access_for


class SecurityNav:
    def __init__(self, user):
        self.user = user

    @property
    def logins(self):
        return access_for(self.user).is_security_admin

    @property
    def audit(self):
        return access_for(self.user).is_audit_admin


def security_nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"security_nav": SecurityNav(user)}
