"""Starting the check of a large Excel template in a job (``reports.jobs.check_excel_upload``).

A filled template above ``LUOSHI_EXCEL_SYNC_MAX_BYTES`` (12 KB) is stored and checked by a job under
soft and hard time limits; the Excel page polls the record (``static/js/job-poll.js``; a reload link without JavaScript) until it
shows the result. A filled template is about 7 KB plus 0.3 KB a task, and saving costs about 16 ms a
report: a unit with up to about 15 tasks (well under half a second) is still checked in the request,
a unit with 60 tasks × 3 targets (26 KB, about a second) goes to the job.
"""
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from units.selectors import access_for

from . import jobs, uploads
from .models import ExcelUpload


def runs_as_job(upload) -> bool:
    return upload.size > settings.LUOSHI_EXCEL_SYNC_MAX_BYTES


def start_check(*, rnd, unit, user, upload) -> ExcelUpload:
    """Keep the upload and queue its check. Refuses at once what needs no reading: a closed round,
    someone not the unit's reporter, an empty or oversized file."""
    if not access_for(user).is_reporter_of(unit.pk):
        raise PermissionDenied(_("只有本单位的填报人可以上传填报模板。"))
    if rnd.closed or rnd.plan.status == rnd.plan.Status.CLOSED:
        raise ValidationError(_("该填报轮次已关闭，不能再上传。如需更正，请联系残工委办公室。"))
    uploads.check_size(upload)
    upload.seek(0)
    name = "".join(ch for ch in (upload.name or "") if ch.isprintable()).strip()[:200] or "upload.xlsx"
    record = ExcelUpload(round=rnd, unit=unit, uploaded_by=user, source_name=name)  # no NUL for PostgreSQL
    record.file.save("upload.xlsx", ContentFile(upload.read()), save=False)
    record.full_clean()
    record.save()
    jobs.check_excel_upload.delay(record.pk)
    record.refresh_from_db()  # embedded mode: the job has already run (Celery eager)
    return record
