"""Web pages of the reports app: reporting, review, reminders, dashboards, exports."""
from django.urls import path  # noqa: F401

urlpatterns = []
