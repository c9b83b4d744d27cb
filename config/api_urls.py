"""The REST API under /api/v1/: each app contributes its routes from ``<app>/api/urls.py``."""
from django.urls import include, path, re_path

from core.api.base import api_not_found

urlpatterns = [
    path("", include("units.api.urls")),
    path("", include("tasks.api.urls")),
    path("", include("targets.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("rollups.api.urls")),
    # Last: every other address under /api/v1/ answers the JSON error body, not an HTML page.
    re_path(r"^", api_not_found),
]
