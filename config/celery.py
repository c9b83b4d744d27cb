"""The Celery app. Jobs live in each app's ``jobs.py`` (not ``tasks.py``, so that the
``tasks`` app and Celery's tasks never share a name)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("luoshi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")

from core import jobmetrics  # noqa: E402  (after the settings module is named)

jobmetrics.connect()
