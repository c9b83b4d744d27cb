"""Web pages of plans: the plan list (home), a plan, the import wizard. A task's page, which
shows its reports, belongs to ``reports`` (``reports.urls.task_pages``)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/import/", views.import_upload, name="plan-import"),
    path("plans/import/<int:pk>/", views.import_preview, name="plan-import-preview"),
]
