"""Large plan files are read by a job, never inside a web worker.

An upload above ``LUOSHI_IMPORT_SYNC_MAX_BYTES`` (200 KB: a typical yearly plan of 50–80 tasks is
20–80 KB as text or Word, so only long plans, PDFs with embedded fonts and scans pass it) is kept
with status ``reading`` and parsed by ``tasks.jobs.read_plan_import`` under Celery's soft and hard
time limits; the wizard's progress page follows it (``static/js/job-poll.js``; a reload link without JavaScript)
until the preview is ready or says why
it failed. The importer's own bounds (bytes, paragraphs, tables, unpacked size) still apply.
"""
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from targets.extraction import extract_targets

from .importer import PlanImportError, ocr, parse_file
from .importer.readers import OCR_CODES
from .models import PlanImport

OCR = "ocr"


def runs_as_job(data: bytes) -> bool:
    return len(data) > settings.LUOSHI_IMPORT_SYNC_MAX_BYTES


def timeout_message(seconds) -> str:
    return _("读取文件超过%(n)s秒仍未完成，已停止，没有保存任何内容。请确认文件没有损坏；如计划确实很长，请拆分为几个文件分别导入。") % {
        "n": seconds}


def run_read(import_id: int) -> str:
    """The job's work: parse the stored upload into the preview structure.

    Returns the new status, or ``OCR`` when the file is a scan (the caller queues the OCR job).
    A file the importer refuses, or a read over the soft time limit, fails the import with the
    Chinese message; nothing else is written.
    """
    record = PlanImport.objects.filter(pk=import_id, status=PlanImport.Status.READING).first()
    if record is None:
        return "gone"
    live = PlanImport.objects.filter(pk=import_id, status=PlanImport.Status.READING)
    with record.source_file.open("rb") as handle:
        data = handle.read()
    try:
        structure = parse_file(data, record.source_name, max_bytes=settings.LUOSHI_MAX_UPLOAD_BYTES,
                               extract_targets=extract_targets)
    except PlanImportError as exc:
        if exc.code in OCR_CODES and ocr.engine_available():
            try:
                total = ocr.page_count(data)
            except PlanImportError as limit:
                live.update(status=PlanImport.Status.FAILED, error=limit.message_zh)
                return PlanImport.Status.FAILED
            live.update(pages_total=total)
            return OCR
        live.update(status=PlanImport.Status.FAILED, error=exc.message_zh)
        return PlanImport.Status.FAILED
    except SoftTimeLimitExceeded:
        live.update(status=PlanImport.Status.FAILED, error=timeout_message(settings.LUOSHI_IMPORT_SOFT_SECONDS))
        return PlanImport.Status.FAILED
    live.update(status=PlanImport.Status.PREVIEW, structure=structure)
    return PlanImport.Status.PREVIEW
