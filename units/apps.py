from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("残工委与成员单位")

    def ready(self):
        # Connect signal receivers: the API token cache's invalidation and the API write log.
        from .api import tokencache, write_log  # noqa: F401
