from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("进展填报")

    def ready(self):
        from . import receivers  # noqa: F401 — move open slots after 机构改革
