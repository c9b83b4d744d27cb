from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (the 吉林省 committee and its 2021 plan) and the province-scale generator."""

    name = "demo"
    verbose_name = _("演示数据")
