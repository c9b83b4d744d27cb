from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("plans/import/", views.import_upload, name="plan-import"),
    path("plans/import/<int:pk>/", views.import_preview, name="plan-import-preview"),
]
