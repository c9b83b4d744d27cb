"""Log-in: remember in the session that the person must change the password the office set."""
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import SESSION_KEY
from .people import must_change_password


@receiver(user_logged_in, dispatch_uid="units.must_change_password")
def flag_password_change(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and must_change_password(user):
        request.session[SESSION_KEY] = True
