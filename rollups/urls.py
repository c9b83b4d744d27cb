"""Web pages of the rollups app (mounted under /reports/ with the reporting pages): dashboards
and the year-end summary."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard_index, name="dashboard-index"),
    path("dashboard/plans/<int:pk>/", views.plan_dashboard, name="plan-dashboard"),
    path("dashboard/plans/<int:pk>/refresh/", views.plan_rollup_refresh, name="plan-rollup-refresh"),
    path("summary/plans/<int:pk>/", views.summary_page, name="plan-summary"),
    path("summary/plans/<int:pk>/generate/", views.summary_generate, name="plan-summary-generate"),
    path("summary/files/<int:pk>/download/", views.summary_download, name="summary-download"),
    path("rounds/<int:round_pk>/bulletin/", views.bulletin_page, name="round-bulletin"),
    path("rounds/<int:round_pk>/bulletin/docx/", views.bulletin_docx, name="round-bulletin-docx"),
    path("scoring/", include("rollups.scoring.urls")),  # 考核
    path("fyp/", include("rollups.evaluation.urls")),  # 五年规划主要指标与评估
    path("supervision/", include("rollups.supervision.urls")),  # 督办、领导批示、序时进度设置
]
