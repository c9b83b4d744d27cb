"""Five-year plan pages (mounted under /reports/fyp/)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.fyp_index, name="fyp-index"),
    path("plans/<int:pk>/", views.plan_page, name="fyp-plan"),
    path("plans/<int:pk>/indicators/new/", views.indicator_new, name="fyp-indicator-new"),
    path("plans/<int:pk>/import/", views.import_page, name="fyp-import"),
    path("plans/<int:pk>/import/preview/", views.import_preview, name="fyp-import-preview"),
    path("plans/<int:pk>/link/<int:annual_pk>/", views.link_page, name="fyp-link"),
    path("plans/<int:pk>/evaluation/<int:year>/", views.evaluation_page, name="fyp-evaluation"),
    path("plans/<int:pk>/evaluation/<int:year>.xlsx", views.evaluation_xlsx, name="fyp-evaluation-xlsx"),
    path("plans/<int:pk>/evaluation/<int:year>.docx", views.evaluation_docx, name="fyp-evaluation-docx"),
    path("indicators/<int:pk>/", views.indicator_detail, name="fyp-indicator"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="fyp-indicator-edit"),
    path("indicators/<int:pk>/values/", views.value_set, name="fyp-value-set"),
]
