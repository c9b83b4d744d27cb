from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    """Everything derived from accepted reports: roll-ups, dashboards, the year-end summary."""

    name = "rollups"
    verbose_name = _("汇总与年度总结")

    def ready(self):
        from reports import services as report_services

        from . import pace, receivers  # noqa: F401 — queue roll-ups when reports change
        if pace.explanation_messages not in report_services.EXPLANATION_CHECKS:
            report_services.EXPLANATION_CHECKS.append(pace.explanation_messages)
