from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "security"
    verbose_name = _("安全与审计")

    def ready(self):
        from . import signals  # noqa: F401 — log-in, lock-out and role-change events go to the audit trail
