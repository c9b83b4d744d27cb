from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    """Everything derived from accepted reports: roll-ups, dashboards, the year-end summary."""

    name = "rollups"
    verbose_name = _("汇总与年度总结")

    def ready(self):
        from reports import extensions
        from reports import services as report_services

        from . import pace, receivers  # noqa: F401 — queue roll-ups when reports change
        from .supervision import services as supervision
        if pace.explanation_messages not in report_services.EXPLANATION_CHECKS:
            report_services.EXPLANATION_CHECKS.append(pace.explanation_messages)
        if supervision.unanswered_messages not in extensions.SUBMIT_CHECKS:  # 批示 answered before submitting
            extensions.SUBMIT_CHECKS.append(supervision.unanswered_messages)
        if supervision.report_panel not in extensions.REPORT_PANELS:
            extensions.REPORT_PANELS.append(supervision.report_panel)
