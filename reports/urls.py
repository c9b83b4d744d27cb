"""Web pages of the reporting workflow: my tasks, reports, review, rounds, reminders, the Excel template."""
from django.urls import path

from . import home_views, views

urlpatterns = [
    path("", views.my_tasks, name="my-tasks"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/history/", views.report_history, name="report-history"),
    path("<int:pk>/attachments/", views.attachment_upload, name="report-attachments"),
    path("<int:pk>/autosave/", views.report_autosave, name="report-autosave"),
    path("<int:pk>/<slug:action>/", views.report_action, name="report-action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/extend/", views.round_extend, name="round-extend"),
    path("rounds/<int:pk>/chase/", views.round_chase, name="round-chase"),
    path("rounds/<int:pk>/chase-late/", home_views.round_chase_late, name="round-chase-late"),
    path("workbench/accept/", home_views.batch_accept, name="workbench-accept"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("rounds/<int:round_pk>/units/<int:unit_pk>/excel/", views.excel_page, name="unit-excel"),
    path("rounds/<int:round_pk>/units/<int:unit_pk>/excel/submit/", views.excel_submit, name="unit-excel-submit"),
    path("rounds/<int:round_pk>/units/<int:unit_pk>/excel/checks/<int:pk>/", views.excel_check, name="unit-excel-check"),
    path("rounds/<int:round_pk>/units/<int:unit_pk>/excel/template.xlsx", views.excel_template, name="unit-excel-template"),
    path("plans/<int:pk>/schedule/", views.plan_schedule, name="plan-schedule"),
    path("units/<int:pk>/", views.unit_overview, name="unit-overview"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
]

# Mounted at the site root (``/tasks/<id>/``): a task with the progress its units reported.
task_pages = [
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
]

# Mounted at the site root: every role's home page.
home_pages = [
    path("", home_views.home, name="home"),
]
