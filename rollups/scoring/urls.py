"""考核 pages (mounted under /reports/scoring/)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.scoring_index, name="scoring-index"),
    path("new/", views.scheme_new, name="scoring-scheme-new"),
    path("<int:pk>/", views.scheme_results, name="scoring-scheme"),
    path("<int:pk>/edit/", views.scheme_edit, name="scoring-scheme-edit"),
    path("<int:pk>/weights/", views.target_weights, name="scoring-target-weights"),
    path("<int:pk>/adjustments/", views.adjustment_add, name="scoring-adjustment-add"),
    path("<int:pk>/adjustments/<int:adjustment_pk>/remove/", views.adjustment_remove, name="scoring-adjustment-remove"),
    path("<int:pk>/annex.xlsx", views.export_xlsx, name="scoring-export-xlsx"),
    path("<int:pk>/annex.docx", views.export_docx, name="scoring-export-docx"),
    path("<int:pk>/<str:key>/", views.subject_detail, name="scoring-subject"),
]
