from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("残工委与成员单位")

    def ready(self):
        from .api import tokencache  # noqa: F401 — connects the API token cache's signal receivers
