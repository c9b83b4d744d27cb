"""Celery jobs of the tasks app. Each takes ids, is idempotent and safe to retry."""
from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import reading, scans
from .importer import ocr

RETRY_ON = (ConnectionError, OperationalError)


@shared_task(bind=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=3, acks_late=True,
             time_limit=int(ocr.PAGE_SECONDS * ocr.MAX_PAGES) + 60)
def ocr_plan_import(self, import_id: int) -> str:
    """Read an uploaded scan by OCR, page by page (progress on the PlanImport), then parse it for the preview."""
    return scans.run_ocr(import_id)


@shared_task(bind=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=3, acks_late=True,
             soft_time_limit=settings.LUOSHI_IMPORT_SOFT_SECONDS, time_limit=settings.LUOSHI_IMPORT_SOFT_SECONDS + 30)
def read_plan_import(self, import_id: int) -> str:
    """Parse a large uploaded plan for the preview (``tasks.reading``); a scan goes on to the OCR job."""
    status = reading.run_read(import_id)
    if status == reading.OCR:
        ocr_plan_import.delay(import_id)
    return status
