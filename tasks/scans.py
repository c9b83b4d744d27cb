"""Scanned plans: the OCR job's work, kept apart from ``tasks.importing`` (which queues the job).

A scan is read page by page (``tasks.importer.ocr``); progress is written to the
``PlanImport`` after every page, so the wizard and the API can show "page N of M";
discarding the import meanwhile cancels the reading at the next page.
"""
from targets.extraction import extract_targets

from .importer import PlanImportError, ocr, parse_plan
from .importer.errors import import_error
from .models import PlanImport


def run_ocr(import_id: int) -> str:
    """The OCR job's work: read the scan page by page (progress kept on the record), then parse it.

    Stops quietly when the import was discarded meanwhile (that is how it is cancelled).
    Returns the final status.
    """
    record = PlanImport.objects.filter(pk=import_id, status=PlanImport.Status.READING).first()
    if record is None:
        return "gone"
    live = PlanImport.objects.filter(pk=import_id, status=PlanImport.Status.READING)

    def progress(done, total):
        if not live.update(pages_done=done, pages_total=total):
            raise import_error("ocr_cancelled")

    with record.source_file.open("rb") as handle:
        data = handle.read()
    try:
        result = ocr.ocr_document(data, progress=progress)
        structure = parse_plan(result.document, extract_targets=extract_targets)
    except PlanImportError as exc:
        if exc.code == "ocr_cancelled":
            return PlanImport.Status.DISCARDED
        live.update(status=PlanImport.Status.FAILED, error=exc.message_zh)
        return PlanImport.Status.FAILED
    pages = [{"number": p.number, "text": p.text, "low_confidence": p.low_confidence, "seconds": round(p.seconds, 2)}
             for p in result.pages]
    live.update(status=PlanImport.Status.PREVIEW, structure=structure, ocr_pages=pages)
    return PlanImport.Status.PREVIEW
