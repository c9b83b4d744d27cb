"""Web pages of plans: the plan list (/plans/; the site root is each role's home, in ``reports``), a plan, the import wizard. A task's page, which
shows its reports, belongs to ``reports`` (``reports.urls.task_pages``)."""
from django.urls import path

from . import cascade_views, edit_views, exports, views

urlpatterns = [
    path("plans/", views.home, name="plan-list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/new/", edit_views.plan_new, name="plan-new"),
    path("plans/<int:pk>/edit/", edit_views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/history/", edit_views.plan_history, name="plan-history"),
    path("plans/<int:pk>/division.xlsx", exports.division_xlsx, name="plan-export-xlsx"),
    path("plans/<int:pk>/division.docx", exports.division_docx, name="plan-export-docx"),
    path("tasks/<int:pk>/edit/", edit_views.task_edit, name="task-edit"),
    path("targets/<int:pk>/allocate/", cascade_views.target_allocate, name="target-allocate"),
    path("plans/handed-down/", cascade_views.handed_down, name="handed-down"),
    path("plans/<int:pk>/derive/<int:committee_pk>/", cascade_views.plan_derive, name="plan-derive"),
    path("plans/import/", views.import_upload, name="plan-import"),
    path("plans/import/<int:pk>/", views.import_preview, name="plan-import-preview"),
]
