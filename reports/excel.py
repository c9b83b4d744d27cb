"""The offline Excel template of one unit for one round: download, fill, upload.

One row per task and target (a task without targets has one row). Grey columns are the
protected header and identifiers; the white cells are the unit's to fill: the cumulative
figure (checked by Excel's data validation), a note, and — on a task's first row — the
narrative. Uploading checks every row first and either saves every changed report (through
``services.save_draft``, so versions, history and locking apply) or saves nothing and
lists every problem with its row number.
"""
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.xlsx import FORMULA_TRIGGERS, safe_cell
from targets.models import Target
from tasks.models import Assignment
from units.selectors import access_for

from . import services, uploads
from .models import ProgressReport, TargetValue
from .selectors import report_targets_bulk, visible_reports

SHEET = "填报"
META_SHEET = "_luoshi"
FORMAT_VERSION = 1
HEADER_ROW = 3
FIRST_DATA_ROW = 4
TEXT_LIMITS = {"progress": 5000, "problems": 3000, "next_steps": 3000}
COLUMNS = [
    # key, header, width, editable
    ("report", "报告编号", 10, False),
    ("version", "版本", 6, False),
    ("task_ref", "任务序号", 8, False),
    ("task_text", "任务内容", 40, False),
    ("role", "职责", 9, False),
    ("status", "状态", 12, False),
    ("target", "目标编号", 9, False),
    ("indicator", "指标", 24, False),
    ("target_value", "目标值", 12, False),
    ("measure_unit", "计量单位", 8, False),
    ("last", "上期采纳值", 12, False),
    ("figure", "本期累计完成", 14, True),
    ("note", "数据说明", 24, True),
    ("progress", "进展情况", 48, True),
    ("problems", "存在问题", 36, True),
    ("next_steps", "下步打算", 36, True),
]
COL = {key: index for index, (key, *_rest) in enumerate(COLUMNS, start=1)}
HEADERS = [header for _key, header, *_rest in COLUMNS]
LABELS = {key: header for key, header, *_rest in COLUMNS}
EDITABLE_KEYS = {key for key, _header, _width, editable in COLUMNS if editable}
# Bounds on what an upload may make the server do (a unit with 60 tasks × 3 targets has
# 180 rows): rows read, the workbook's unpacked size, and problems listed.
MAX_DATA_ROWS = 2000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 50
GREY = PatternFill("solid", fgColor="E7EAEE")
HEAD = PatternFill("solid", fgColor="0B4F8A")


def template_reports(rnd, unit):
    return (
        ProgressReport.objects.filter(round=rnd, unit=unit)
        .select_related("task", "round")
        .order_by("task__order", "task_id")
    )


def _number(value):
    if value is None:
        return None
    value = value.normalize() if isinstance(value, Decimal) else value
    return int(value) if value == value.to_integral_value() else float(value)


def build_template(*, rnd, unit, user) -> bytes:
    """The unit's template for the round as .xlsx bytes; readable by whoever may read the unit's reports."""
    reports = list(template_reports(rnd, unit))
    visible = set(visible_reports(user).filter(round=rnd, unit=unit).values_list("pk", flat=True))
    if not reports or len(visible) != len(reports):
        raise PermissionDenied(_("您无权下载该单位在该轮次的填报模板。"))
    can_edit = access_for(user).is_reporter_of(unit.pk) and not rnd.closed
    targets_by_report = report_targets_bulk(reports)
    roles = dict(Assignment.objects.filter(unit=unit, task__plan_id=rnd.plan_id).values_list("task_id", "role"))
    role_labels = {"lead": _("牵头"), "participating": _("参加")}

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    last_col = get_column_letter(len(COLUMNS))
    ws["A1"] = safe_cell(_("%(plan)s %(round)s 进展填报：%(unit)s") % {
        "plan": rnd.plan.title, "round": rnd.period_label, "unit": unit.short_name})
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last_col}1")
    due = services.due_date_for(reports[0]) if reports else rnd.due_on
    ws["A2"] = safe_cell(_(
        "截止日期 %(due)s。只填写白色单元格（本期累计完成、数据说明，以及每项任务第一行的进展情况、存在问题、下步打算）；"
        "不要增删行列或修改灰色单元格。填好后在“落实”系统同一页面上传。"
    ) % {"due": due.isoformat()})
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{last_col}2")
    ws.row_dimensions[2].height = 36
    for index, (_key, header, width, _editable) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = width

    validations = {}
    text_validations = {}
    row = FIRST_DATA_ROW
    for report in reports:
        editable = can_edit and report.status in services.EDITABLE
        targets = targets_by_report[report.pk] or [None]
        for position, target in enumerate(targets):
            first = position == 0
            values = {
                "report": report.pk,
                "version": report.version,
                "task_ref": safe_cell(report.task.ref),
                "task_text": safe_cell(report.task.text),
                "role": role_labels.get(roles.get(report.task_id), ""),
                "status": str(report.get_status_display()),
            }
            if target is not None:
                values |= {
                    "target": target.pk,
                    "indicator": safe_cell(target.indicator),
                    "target_value": _number(target.value),
                    "measure_unit": safe_cell(target.measure_unit),
                    "last": _number(target.last.value) if target.last else None,
                    "figure": _number(target.current.value) if target.current else None,
                    "note": safe_cell(target.current.note) if target.current and target.current.note else None,
                }
            if first:
                values |= {
                    "progress": safe_cell(report.progress) or None,
                    "problems": safe_cell(report.problems) or None,
                    "next_steps": safe_cell(report.next_steps) or None,
                }
            for key, column in COL.items():
                cell = ws.cell(row=row, column=column, value=values.get(key))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                open_cell = editable and key in EDITABLE_KEYS and (
                    (key in ("figure", "note") and target is not None) or (key in TEXT_LIMITS and first)
                )
                if open_cell:
                    cell.protection = Protection(locked=False)
                else:
                    cell.fill = GREY
            if editable and target is not None:
                bound = services.figure_bound(target)
                dv = validations.get(bound)
                if dv is None:
                    dv = DataValidation(
                        type="decimal", operator="between", formula1="0", formula2=f"{bound:f}", allow_blank=True,
                        showErrorMessage=True, errorTitle=_("完成值有误"),
                        error=_("请填写 0 到 %(bound)s 之间的数字（累计完成值，不带单位）。") % {"bound": f"{bound:f}"},
                        showInputMessage=True, promptTitle=_("本期累计完成"),
                        prompt=_("填写截至本期末的累计数，只填数字"),
                    )
                    validations[bound] = dv
                    ws.add_data_validation(dv)
                dv.add(ws.cell(row=row, column=COL["figure"]).coordinate)
            if editable and first:
                for key, limit in TEXT_LIMITS.items():
                    dv = text_validations.get(key)
                    if dv is None:
                        dv = DataValidation(
                            type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True,
                            showErrorMessage=True, errorTitle=_("文字过长"),
                            error=_("最多 %(n)s 字。") % {"n": limit},
                        )
                        text_validations[key] = dv
                        ws.add_data_validation(dv)
                    dv.add(ws.cell(row=row, column=COL[key]).coordinate)
            row += 1
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=COL["indicator"])
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False

    meta = wb.create_sheet(META_SHEET)
    for index, (key, value) in enumerate(
        [("format", FORMAT_VERSION), ("round", rnd.pk), ("unit", unit.pk), ("generated", timezone.now().isoformat())],
        start=1,
    ):
        meta.cell(row=index, column=1, value=key)
        meta.cell(row=index, column=2, value=value)
    meta.protection.sheet = True
    meta.sheet_state = "veryHidden"

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_filename(rnd, unit) -> str:
    return f"{rnd.period_label}-{unit.short_name}-填报模板.xlsx"


# ---------------------------------------------------------------- upload

@dataclass
class RowProblem:
    row: int | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        return _("第%(row)s行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass
class UploadResult:
    saved: list = field(default_factory=list)  # reports saved
    unchanged: int = 0
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def _text(value):
    """A cell's text as the unit typed it: numbers as written, the quote ``safe_cell`` added removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.startswith("'") and text[1:].lstrip(" ").startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text.replace("\r\n", "\n").strip()


def _int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _open_workbook(upload):
    uploads.check_size(upload)
    if uploads.sniff(upload) is not uploads.XLSX:
        raise ValidationError(_("“%(name)s”不是 Excel 工作簿（.xlsx）。请上传从本系统下载并填写的模板。") % {"name": upload.name})
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        unpacked = 0
    upload.seek(0)
    if unpacked > MAX_UNZIPPED_BYTES:
        raise ValidationError(_("“%(name)s”解压后体积异常巨大，出于安全原因拒绝读取。请在本页重新下载模板填写。") % {"name": upload.name})
    try:
        return load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a damaged file
        raise ValidationError(_("无法读取“%(name)s”，文件可能已损坏。请重新下载模板填写。") % {"name": upload.name}) from None


def _check_meta(wb, rnd, unit):
    if META_SHEET not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise ValidationError(_("这不是本系统的填报模板（缺少“填报”工作表或模板信息）。请在本页下载模板后填写。"))
    meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True) if r[0]}
    if _int(meta.get("format")) != FORMAT_VERSION:
        raise ValidationError(_("模板格式已更新，请重新下载模板填写。"))
    if _int(meta.get("round")) != rnd.pk or _int(meta.get("unit")) != unit.pk:
        raise ValidationError(_("这是其他轮次或其他单位的模板，请上传%(unit)s %(round)s的模板。") % {
            "unit": unit.short_name, "round": rnd.period_label})


def read_upload(*, rnd, unit, user, upload) -> UploadResult:
    """Check every row of an uploaded template and save all of it, or nothing (see the module docstring).

    At most ``MAX_PROBLEMS`` problems are listed, then one line says how many more there are.
    """
    result = _read_upload(rnd=rnd, unit=unit, user=user, upload=upload)
    if len(result.problems) > MAX_PROBLEMS:
        more = len(result.problems) - MAX_PROBLEMS
        result.problems = result.problems[:MAX_PROBLEMS] + [
            RowProblem(None, _("以及另外%(n)s个问题（请先改正以上问题后重新上传）。") % {"n": more})]
    return result


def _read_upload(*, rnd, unit, user, upload) -> UploadResult:
    if not access_for(user).is_reporter_of(unit.pk):
        raise PermissionDenied(_("只有本单位的填报人可以上传填报模板。"))
    result = UploadResult()
    if rnd.closed or rnd.plan.status == rnd.plan.Status.CLOSED:
        result.problems.append(RowProblem(None, _("该填报轮次已关闭，不能再上传。如需更正，请联系残工委办公室。")))
        return result
    try:
        wb = _open_workbook(upload)
        _check_meta(wb, rnd, unit)
    except ValidationError as exc:
        result.problems.extend(RowProblem(None, m) for m in exc.messages)
        return result
    try:
        # One row more than the cap is read, to tell a full template from an overlong one.
        rows = list(wb[SHEET].iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW + MAX_DATA_ROWS + 1,
                                        max_col=len(COLUMNS), values_only=True))
    finally:
        wb.close()
    if len(rows) > MAX_DATA_ROWS + 1 and any(v not in (None, "") for v in rows[-1]):
        result.problems.append(RowProblem(None, _(
            "模板中的行数超过%(max)s行的上限，本次没有读取。请使用本页下载的模板，不要添加多余的行。") % {"max": MAX_DATA_ROWS}))
        return result
    header = [_text(v) for v in (rows[0] if rows else [])]
    if header[: len(HEADERS)] != HEADERS:
        result.problems.append(RowProblem(HEADER_ROW, _("表头被修改过，请使用原模板，不要增删或移动列。")))
        return result

    reports = {r.pk: r for r in template_reports(rnd, unit).select_related("task__plan", "round")}
    targets = {}
    for target in Target.objects.filter(task_id__in={r.task_id for r in reports.values()}):
        targets[target.pk] = target
    current_values = {(v.report_id, v.target_id): v for v in TargetValue.objects.filter(report_id__in=reports)}
    parsed = {}  # report id → {"row", "version", "texts", "figures": {target: (value, note)}}
    seen_targets = set()
    for offset, values in enumerate(rows[1:], start=FIRST_DATA_ROW):
        values = list(values) + [None] * (len(COLUMNS) - len(values))
        cell = {key: values[index - 1] for key, index in COL.items()}
        if all(v in (None, "") for v in values):
            continue
        report_id = _int(cell["report"])
        report = reports.get(report_id)
        if report is None:
            result.problems.append(RowProblem(offset, _("报告编号“%(id)s”不属于%(unit)s本轮次的任务，请不要修改A列。") % {
                "id": cell["report"] if cell["report"] is not None else "", "unit": unit.short_name}))
            continue
        label = _("任务%(ref)s") % {"ref": report.task.ref}
        entry = parsed.get(report.pk)
        if entry is None:
            entry = parsed[report.pk] = {"row": offset, "version": _int(cell["version"]), "texts": None, "figures": {}}
            texts = {key: _text(cell[key]) for key in TEXT_LIMITS}
            for key, limit in TEXT_LIMITS.items():
                if len(texts[key]) > limit:
                    result.problems.append(RowProblem(offset, _("%(label)s的“%(field)s”有%(n)s字，超过%(limit)s字的上限。") % {
                        "label": label, "field": LABELS[key],
                        "n": len(texts[key]), "limit": limit}))
            entry["texts"] = texts
        elif any(_text(cell[key]) for key in TEXT_LIMITS):
            result.problems.append(RowProblem(offset, _("%(label)s的进展情况、存在问题、下步打算只填在该任务的第一行（第%(first)s行）。") % {
                "label": label, "first": entry["row"]}))
        target_id = _int(cell["target"])
        if cell["target"] in (None, ""):
            if _text(cell["figure"]):
                result.problems.append(RowProblem(offset, _("%(label)s没有量化目标，本行不填完成值。") % {"label": label}))
            continue
        target = targets.get(target_id)
        if target is None or target.task_id != report.task_id:
            result.problems.append(RowProblem(offset, _("目标编号“%(id)s”不属于%(label)s，请不要修改G列。") % {
                "id": cell["target"], "label": label}))
            continue
        if (report.pk, target.pk) in seen_targets:
            result.problems.append(RowProblem(offset, _("%(label)s的目标“%(indicator)s”重复出现，请删除重复的行。") % {
                "label": label, "indicator": target.indicator}))
            continue
        seen_targets.add((report.pk, target.pk))
        raw = _text(cell["figure"])
        note = _text(cell["note"])
        if len(note) > 500:
            result.problems.append(RowProblem(offset, _("数据说明不能超过500字。")))
            continue
        if raw:
            try:
                entry["figures"][target.pk] = (services.clean_figure(raw, target), note)
            except ValidationError as exc:
                result.problems.extend(RowProblem(offset, m) for m in exc.messages)

    # What would change, and may it?
    to_save = []
    for report_id, entry in parsed.items():
        report = reports[report_id]
        texts = entry["texts"]
        changed = any(texts[key] != _text(getattr(report, key)) for key in TEXT_LIMITS)
        for target_id, (value, note) in entry["figures"].items():
            old = current_values.get((report_id, target_id))
            if old is None or old.value != value or _text(old.note) != note:
                changed = True
        if not changed:
            result.unchanged += 1
            continue
        label = _("任务%(ref)s") % {"ref": report.task.ref}
        if report.status not in services.EDITABLE:
            result.problems.append(RowProblem(entry["row"], _("%(label)s的报告状态为“%(status)s”，不能修改；如需更正请在网页上申请更正。") % {
                "label": label, "status": report.get_status_display()}))
        elif entry["version"] != report.version:
            result.problems.append(RowProblem(entry["row"], _(
                "%(label)s的报告在您下载模板后已被修改（模板中为第%(old)s版，现为第%(new)s版）。为免覆盖他人的修改，"
                "请重新下载模板，把您的内容填入后再上传。") % {"label": label, "old": entry["version"], "new": report.version}))
        else:
            to_save.append((report, entry))
    if result.problems:
        return result

    try:
        with transaction.atomic():
            for report, entry in to_save:
                saved = services.save_draft(
                    report=report, user=user, version=entry["version"], **entry["texts"],
                    figures={t: (f"{v:f}", n) for t, (v, n) in entry["figures"].items()}, reason=_("Excel 模板导入"),
                )
                result.saved.append(saved)
    except services.StaleVersion as exc:  # someone saved between the check and the save: nothing is kept
        result.saved = []
        result.problems.append(RowProblem(None, str(exc)))
    except ValidationError as exc:
        result.saved = []
        result.problems.extend(RowProblem(None, m) for m in exc.messages)
    return result


# ---------------------------------------------------------------- large uploads, checked by a job

def check_timeout_message(seconds) -> str:
    return _("检查超过%(n)s秒仍未完成，已停止，没有保存任何内容。请确认上传的是本页下载的模板；如问题持续，请联系残工委办公室。") % {
        "n": seconds}


def run_check(upload_id: int) -> str:
    """The job's work for an ``ExcelUpload``: ``read_upload`` on the stored file, its result kept on the record.

    Safe to run again: a finished record is left alone, and ``read_upload`` saves every row or none.
    """
    from celery.exceptions import SoftTimeLimitExceeded
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import ExcelUpload

    S = ExcelUpload.Status
    if not ExcelUpload.objects.filter(pk=upload_id, status__in=[S.QUEUED, S.CHECKING]).update(status=S.CHECKING):
        return "gone"
    record = ExcelUpload.objects.select_related("round__plan", "unit", "uploaded_by").get(pk=upload_id)
    with record.file.open("rb") as handle:
        upload = SimpleUploadedFile(record.source_name, handle.read())
    fields = {"status": S.DONE, "finished_at": timezone.now()}
    try:
        result = read_upload(rnd=record.round, unit=record.unit, user=record.uploaded_by, upload=upload)
    except SoftTimeLimitExceeded:
        fields.update(status=S.FAILED, problems=[check_timeout_message(settings.LUOSHI_EXCEL_SOFT_SECONDS)])
    except PermissionDenied as exc:
        fields.update(status=S.FAILED, problems=[str(exc)])
    else:
        fields.update(problems=[str(p) for p in result.problems], unchanged=result.unchanged,
                      saved_report_ids=[r.pk for r in result.saved])
    record.file.delete(save=False)  # the reports keep what was saved, with their history
    ExcelUpload.objects.filter(pk=upload_id).update(file="", **fields)
    return fields["status"]
