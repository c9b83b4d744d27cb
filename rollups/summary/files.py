"""Generating the year-end summary files of a plan-year (the ``generate_summary`` job's body).

Each file is written to storage under a new name and then the ``SummaryFile`` row points at
it in one transaction; the previous file is deleted only after that commit, so a download
always gets a whole file. The stored roll-up must exist (``rollups.services`` makes sure).
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import uuid

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from rollups.models import SummaryFile

from .draft import write_draft
from .sheets import WorkbookData
from .workbook import write_workbook

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- requests and generation

KIND_SUFFIX = {SummaryFile.Kind.WORKBOOK: ".xlsx", SummaryFile.Kind.DRAFT: ".docx"}


def _filename(plan, year, kind):
    base = re.sub(r'[\\/:*?"<>|\s]+', "", f"{plan.committee.short_name or plan.committee.name}{year}年度工作总结")
    return f"{base}{'汇总表' if kind == SummaryFile.Kind.WORKBOOK else '草稿'}{KIND_SUFFIX[kind]}"


def generate(*, plan, year, kinds=None, include_lower=False, user_id=None) -> list[int]:
    """Write the summary files of a plan-year and swap them in; returns the SummaryFile ids written.

    Reads the stored roll-up only. Idempotent: running it again writes fresh files and replaces
    the previous ones.
    """
    return [_generate_one(plan, year, kind, include_lower, user_id) for kind in kinds or SummaryFile.Kind.values]


def _generate_one(plan, year, kind, include_lower, user_id):
    suffix = KIND_SUFFIX[kind]
    stored = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"summary{suffix}")
            if kind == SummaryFile.Kind.WORKBOOK:
                write_workbook(path, WorkbookData(plan, year, include_lower).sheets())
            else:
                write_draft(path, plan, year, include_lower)
            with open(path, "rb") as fh:
                stored = default_storage.save(f"summaries/{year}/{uuid.uuid4().hex}{suffix}", File(fh))
            size = os.path.getsize(path)
        with transaction.atomic():
            sf, _created = SummaryFile.objects.select_for_update().get_or_create(plan=plan, year=year, kind=kind)
            old = sf.file.name if sf.file else ""
            sf.file.name = stored
            sf.filename = _filename(plan, year, kind)
            sf.size, sf.status, sf.error = size, SummaryFile.Status.READY, ""
            sf.include_lower = include_lower
            sf.generated_at = timezone.now()
            sf.generation += 1
            if user_id and not sf.requested_by_id:
                sf.requested_by_id = user_id
            sf.save()
            if old and old != stored:
                transaction.on_commit(lambda: default_storage.delete(old))
        return sf.pk
    except Exception as exc:
        logger.exception("year-end summary %s of plan %s (%s) failed", kind, plan.pk, year)
        if stored:
            default_storage.delete(stored)
        SummaryFile.objects.update_or_create(
            plan=plan, year=year, kind=kind,
            defaults={"status": SummaryFile.Status.FAILED, "error": str(exc)[:500]},
        )
        raise

