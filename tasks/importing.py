"""Importing a plan document: read → preview (units resolved, doubtful targets flagged) → confirm.

One service underneath the three ways in: ``manage.py import_plan``, the web wizard
and the API. Reading is done by ``tasks.importer`` (no Django); this module resolves
unit names against the committee, keeps the upload with its preview, and saves the
plan all-or-nothing on confirmation. A mapping chosen for an unknown name is
remembered as an alias, so the next plan that prints it resolves by itself.
"""
import copy
import os
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from targets.extraction import extract_targets
from units.models import Unit
from units.selectors import access_for, is_all_members_name, suggest_units, unit_name_index
from units.services import add_alias, create_unit

from . import jobs, reading
from .importer import PlanImportError, ocr, parse_file
from .importer.errors import import_error
from .importer.readers import OCR_CODES
from .models import PlanImport, WorkPlan
from .services import create_plan_from_structure, infer_plan_kind, infer_plan_title


def read_plan_file(*, data: bytes, filename: str, ocr: bool = False) -> dict:
    """The SCHEMA.md structure of an uploaded document, or a ValidationError saying what is wrong.

    ``ocr``: read scans too, here and now (the command does; the web and the API use a job).
    """
    try:
        return parse_file(data, filename, max_bytes=settings.LUOSHI_MAX_UPLOAD_BYTES, extract_targets=extract_targets,
                          ocr=ocr)
    except PlanImportError as exc:
        raise ValidationError(exc.message_zh, code=exc.code) from None


def _check_office(user, committee):
    if user is not None and not access_for(user).is_office_of(committee.pk):
        raise PermissionDenied(_("只有该残工委办公室可以导入工作计划。"))


def unit_names(structure: dict) -> list[str]:
    names = []
    for task in structure.get("tasks", []):
        for name in [*task.get("lead_units", []), *task.get("participating_units", [])]:
            if name not in names:
                names.append(name)
    return names


def resolve_units(*, committee, structure: dict) -> dict:
    """For every unit name printed in the plan: the unit it means, or the closest candidates."""
    index = unit_name_index(committee)
    result = {}
    for name in unit_names(structure):
        if is_all_members_name(name):
            result[name] = {"status": "all_members"}
        elif name in index:
            unit = index[name]
            result[name] = {"status": "resolved", "unit_id": unit.pk, "unit_name": unit.display_name}
        else:
            result[name] = {
                "status": "unknown",
                "suggestions": [
                    {"name": match, "unit_id": unit.pk, "unit_name": unit.short_name, "score": score}
                    for match, unit, score in suggest_units(name, index)
                ],
            }
    return result


# Originals are stored under a random name with an extension from this list (else ".bin"):
# the uploader's name (``evil.html``) must never decide how a served /media/ file is read.
STORED_EXTENSIONS = {".txt", ".docx", ".xlsx", ".pdf", ".csv", ".doc", ".xls", ".wps", ".et", ".rtf",
                     ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


def printable_name(filename: str) -> str:
    """The uploader's file name without control characters (a NUL cannot be stored in PostgreSQL)."""
    return "".join(ch for ch in (filename or "") if ch.isprintable()).strip()[:200] or "upload"


def stored_name(filename: str) -> str:
    ext = os.path.splitext(filename or "")[1].lower()
    return f"{uuid.uuid4().hex}{ext if ext in STORED_EXTENSIONS else '.bin'}"


def start_import(*, committee, user, data: bytes, filename: str, structure: dict | None = None) -> PlanImport:
    """Read an uploaded plan and keep it, with what was read, for the office to check.

    A scan (image-only PDF, page images) is checked against the OCR limits here, kept with
    status ``reading`` and read by a job (``tasks.jobs.ocr_plan_import``); the record shows
    its progress until the preview is ready. ``structure``: already read (the command reads scans itself).
    """
    _check_office(user, committee)
    filename = printable_name(filename)
    if structure is None and reading.runs_as_job(data):
        return _start_reading(committee=committee, user=user, data=data, filename=filename)
    try:
        structure = structure if structure is not None else read_plan_file(data=data, filename=filename)
    except ValidationError as exc:
        if getattr(exc, "code", None) not in OCR_CODES:
            raise
        return _start_ocr(committee=committee, user=user, data=data, filename=filename)
    record = PlanImport(committee=committee, source_name=filename[:200], structure=structure, created_by=user)
    record.source_file.save(stored_name(filename), ContentFile(data), save=False)
    record.save()
    return record


def _start_reading(*, committee, user, data: bytes, filename: str) -> PlanImport:
    """A large file: kept with status ``reading`` and parsed by a job (``tasks.reading``)."""
    if len(data) > settings.LUOSHI_MAX_UPLOAD_BYTES:  # the cheap bound first, before anything is stored
        read_plan_file(data=data, filename=filename)
    record = PlanImport(committee=committee, source_name=filename[:200], structure={}, created_by=user,
                        status=PlanImport.Status.READING)
    record.source_file.save(stored_name(filename), ContentFile(data), save=False)
    record.save()
    jobs.read_plan_import.delay(record.pk)
    record.refresh_from_db()  # embedded mode: the job has already run (Celery eager)
    return record


def _start_ocr(*, committee, user, data: bytes, filename: str) -> PlanImport:
    if not ocr.engine_available():
        raise ValidationError(import_error("ocr_missing").message_zh, code="ocr_missing")
    try:
        total = ocr.page_count(data)  # limits checked before anything is decoded or stored
    except PlanImportError as exc:
        raise ValidationError(exc.message_zh, code=exc.code) from None
    record = PlanImport(committee=committee, source_name=filename[:200], structure={}, created_by=user,
                        status=PlanImport.Status.READING, pages_total=total)
    record.source_file.save(stored_name(filename), ContentFile(data), save=False)
    record.save()
    jobs.ocr_plan_import.delay(record.pk)
    return record


def _task_pages(structure: dict, pages: list[dict]) -> list[int | None]:
    """The scan page each task was read from (where its text begins), for the preview."""
    flat = [(p["number"], "".join(p["text"].split())) for p in pages]
    out = []
    for task in structure.get("tasks", []):
        head = "".join((task.get("text") or "").split())[:12]
        out.append(next((number for number, text in flat if head and head in text), None))
    return out


def preview(record: PlanImport) -> dict:
    """What the office checks before confirming: the structure, each name's resolution, and counts."""
    units = resolve_units(committee=record.committee, structure=record.structure)
    tasks = record.structure.get("tasks", [])
    return {
        "id": record.pk,
        "status": record.status,
        "source_name": record.source_name,
        "committee": record.committee.code,
        "kind": infer_plan_kind(record.structure),
        "title": infer_plan_title(committee=record.committee, structure=record.structure, source_name=record.source_name),
        "structure": record.structure,
        "units": units,
        "unknown_units": [name for name, r in units.items() if r["status"] == "unknown"],
        "task_count": len(tasks),
        "target_count": sum(len(t.get("targets", [])) for t in tasks),
        "doubtful_targets": [
            f"{i}:{j}" for i, t in enumerate(tasks) for j, target in enumerate(t.get("targets", [])) if target.get("ambiguous")
        ],
        "plan_id": record.plan_id,
        "progress": {"pages_done": record.pages_done, "pages_total": record.pages_total},
        "error": record.error,
        "ocr": {
            "pages": [{k: p[k] for k in ("number", "low_confidence", "seconds")} for p in record.ocr_pages],
            "task_pages": _task_pages(record.structure, record.ocr_pages),
        } if record.ocr_pages else None,
    }


def _new_unit_code(committee):
    taken = set(Unit.objects.filter(committee=committee).values_list("code", flat=True))
    n = len(taken) + 1
    while f"u{n}" in taken:
        n += 1
    return f"u{n}"


def _unit_mapping(committee, unknown, unit_choices):
    """Turn the office's choices into units: an existing unit (remembered as an alias) or a new one."""
    mapping, errors = {}, []
    for name in unknown:
        choice = str(unit_choices.get(name) or "").strip()
        if not choice:
            errors.append(_("单位“%(name)s”尚未对应：请选择已有单位、新建，或忽略（不是成员单位）。") % {"name": name})
        elif choice == "ignore":
            mapping[name] = None  # not a member unit (地方各级政府 …): left out of the plan
        elif choice == "new":
            mapping[name] = create_unit(committee=committee, code=_new_unit_code(committee), short_name=name[:60])
        else:
            unit = Unit.objects.filter(committee=committee, pk=int(choice) if choice.isdigit() else None).first()
            if unit is None:
                errors.append(_("为“%(name)s”选择的单位不属于本残工委。") % {"name": name})
                continue
            add_alias(unit=unit, name=name)
            mapping[name] = unit
    if errors:
        raise ValidationError(errors)
    return mapping


def _apply_edits(structure, plan_overrides, keep_targets):
    structure = copy.deepcopy(structure)
    meta = structure.setdefault("plan", {})
    for field, value in (plan_overrides or {}).items():
        if value not in (None, ""):
            meta[field] = value
    for i, task in enumerate(structure.get("tasks", [])):
        targets = task.get("targets", [])
        if keep_targets is None:  # default: keep the clear targets, drop the doubtful ones
            task["targets"] = [t for t in targets if not t.get("ambiguous")]
        else:
            task["targets"] = [t for j, t in enumerate(targets) if f"{i}:{j}" in keep_targets]
    return structure


@transaction.atomic
def confirm_import(*, record: PlanImport, user, unit_choices: dict | None = None, plan_overrides: dict | None = None,
                   keep_targets=None, kind: str | None = None, status: str = WorkPlan.Status.DRAFT) -> WorkPlan:
    """Save the previewed plan with all its parts, or nothing.

    ``unit_choices`` maps each unknown printed name to a unit id of the committee, ``"new"`` or
    ``"ignore"`` (not a member unit: the name is left out); ``keep_targets`` lists ``"task_index:target_index"`` keys to keep (``None``:
    every target not flagged doubtful); ``plan_overrides`` corrects title, doc number, years…
    """
    record = PlanImport.objects.select_for_update(of=("self",)).select_related("committee").get(pk=record.pk)
    _check_office(user, record.committee)
    if record.status != PlanImport.Status.PREVIEW:
        raise ValidationError(_("该导入已处理（%(status)s），不能重复确认。") % {"status": record.get_status_display()})
    unknown = [name for name, r in resolve_units(committee=record.committee, structure=record.structure).items()
               if r["status"] == "unknown"]
    mapping = _unit_mapping(record.committee, unknown, unit_choices or {})
    structure = _apply_edits(record.structure, plan_overrides, None if keep_targets is None else set(keep_targets))
    if not structure.get("tasks"):
        raise ValidationError(_("没有可导入的任务。"))
    kind = kind or infer_plan_kind(structure)
    meta = structure.setdefault("plan", {})
    meta["title"] = infer_plan_title(committee=record.committee, structure=structure, source_name=record.source_name,
                                     kind=kind)
    plan = create_plan_from_structure(
        committee=record.committee, structure=structure, kind=kind, status=status, unit_mapping=mapping,
        source_name=record.source_name, created_by=user,
    )
    plan.source_file.name = record.source_file.name  # the uploaded original, kept once, not copied
    plan.save(update_fields=["source_file"])
    record.status, record.plan = PlanImport.Status.CONFIRMED, plan
    record.save(update_fields=["status", "plan"])
    return plan


@transaction.atomic
def discard_import(*, record: PlanImport, user) -> PlanImport:
    _check_office(user, record.committee)
    if record.status in (PlanImport.Status.PREVIEW, PlanImport.Status.READING, PlanImport.Status.FAILED):
        record.status = PlanImport.Status.DISCARDED  # a running OCR job sees this and stops
        record.save(update_fields=["status"])
    return record
