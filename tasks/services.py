"""Writes for plans and tasks: each function does the whole change in one transaction."""
import datetime
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.models import Target
from units.selectors import can_manage_plan, is_all_members_name, unit_name_index

from .models import Assignment, PlanChange, Section, Task, WorkPlan


def guess_plan_kind(title: str | None) -> str:
    """A plan's kind from its title: 督办事项 (纪要, 批示), 工作要点, 分工, 规划 or (by default) 重点工作任务."""
    title = title or ""
    if "纪要" in title or "批示" in title or "督办" in title:
        return WorkPlan.Kind.SUPERVISION
    if "要点" in title:
        return WorkPlan.Kind.WORK_POINTS
    if "分工" in title:
        return WorkPlan.Kind.DIVISION_TABLE
    if "规划" in title or "纲要" in title:
        return WorkPlan.Kind.FIVE_YEAR
    return WorkPlan.Kind.KEY_TASKS


def infer_plan_kind(structure: dict) -> str:
    """A plan's kind from what was read: its title if it says, else its shape.

    A multi-year document whose tasks name units is a division table of a five-year plan
    (任务分工表), without units a five-year plan (规划); a one-year document without any unit
    is 工作要点; otherwise 重点工作任务.
    """
    meta = structure.get("plan") or {}
    if meta.get("title"):
        return guess_plan_kind(meta["title"])
    tasks = structure.get("tasks") or []
    has_units = any(t.get("lead_units") or t.get("participating_units") for t in tasks)
    start, end = meta.get("period_start"), meta.get("period_end")
    if start and end and end > start:
        return WorkPlan.Kind.DIVISION_TABLE if has_units else WorkPlan.Kind.FIVE_YEAR
    if tasks and not has_units:
        return WorkPlan.Kind.WORK_POINTS
    return WorkPlan.Kind.KEY_TASKS


def infer_plan_title(*, committee, structure: dict, source_name: str = "", kind: str | None = None) -> str:
    """The title printed in the document; else the uploaded file's name if it reads like a title
    (吉林省“十三五”残疾人事业发展规划任务分工.pdf); else committee, years and kind."""
    meta = structure.get("plan") or {}
    if meta.get("title"):
        return meta["title"][:200]
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", (source_name or "").rsplit("/", 1)[-1]).strip()
    if len(re.findall(r"[\u4e00-\u9fff]", stem)) >= 4:
        return stem[:200]
    start, end = meta.get("period_start"), meta.get("period_end")
    years = f"{start}—{end}年" if start and end and end != start else (f"{start or end}年" if start or end else "")
    label = WorkPlan.Kind(kind or infer_plan_kind(structure)).label
    return f"{committee.name}{years}{label}"[:200]


def _section_number(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def unresolved_unit_names(*, committee, structure: dict, unit_mapping: dict | None = None) -> list[str]:
    """Unit names in ``structure`` that match no unit, alias or mapping of ``committee``."""
    index = unit_name_index(committee)
    mapping = unit_mapping or {}
    missing = []
    for task in structure.get("tasks", []):
        for name in [*task.get("lead_units", []), *task.get("participating_units", [])]:
            if name in index or name in mapping or is_all_members_name(name) or name in missing:
                continue
            missing.append(name)
    return missing


@transaction.atomic
def create_plan_from_structure(
    *,
    committee,
    structure: dict,
    kind: str | None = None,
    status: str = WorkPlan.Status.DRAFT,
    unit_mapping: dict | None = None,
    source_name: str = "",
    created_by=None,
    parent=None,
) -> WorkPlan:
    """Save a plan read out of a document (the SCHEMA.md structure) with all its parts.

    ``unit_mapping`` maps printed unit names to ``Unit`` objects for names the committee
    does not know yet. Any unknown name left over is an error: nothing is written.
    """
    missing = unresolved_unit_names(committee=committee, structure=structure, unit_mapping=unit_mapping)
    if missing:
        raise ValidationError(
            _("以下单位名称无法识别，请先对应到已有单位或新建单位：%(names)s") % {"names": "、".join(missing)},
            code="unknown_units",
        )
    index = unit_name_index(committee)
    index.update(unit_mapping or {})
    meta = structure.get("plan") or {}
    start, end = meta.get("period_start"), meta.get("period_end")
    issued_on = meta.get("issued_on")
    if isinstance(issued_on, str):
        try:
            issued_on = datetime.date.fromisoformat(issued_on)
        except ValueError:
            raise ValidationError({"issued_on": [_("印发日期“%(value)s”不是有效日期，请写成 2021-03-15 的形式。")
                                                 % {"value": issued_on[:20]}]}) from None
    if start is None:
        start = end or (issued_on.year if issued_on else datetime.date.today().year)
    end = end or start
    title = meta.get("title") or _("%(committee)s%(year)s年工作计划") % {"committee": committee.name, "year": start}

    plan = WorkPlan(
        committee=committee,
        title=title[:200],
        kind=kind or guess_plan_kind(title),
        issuer=meta.get("issuer") or "",
        doc_number=meta.get("doc_number") or "",
        issued_on=issued_on,
        period_start=start,
        period_end=end,
        status=status,
        source_name=source_name[:200],
        created_by=created_by,
        parent=parent,
    )
    plan.full_clean(exclude=["source_file"])
    plan.save()

    sections = {}
    for order, item in enumerate(structure.get("sections", []), start=1):
        path = item["path"]
        parent_path = path.rsplit("/", 1)[0] if "/" in path else None
        sections[path] = Section.objects.create(
            plan=plan,
            parent=sections.get(parent_path),
            number=_section_number(path),
            path=path,
            title=(item.get("title") or "")[:300],
            order=order,
        )

    for order, item in enumerate(structure.get("tasks", []), start=1):
        deadline = item.get("deadline")
        task = Task(
            plan=plan,
            section=sections.get(item.get("section") or ""),
            ref=str(item.get("ref") or order)[:20],
            text=item.get("text") or "",
            order=order,
            deadline=datetime.date.fromisoformat(deadline) if isinstance(deadline, str) else deadline,
        )
        task.full_clean(exclude=["plan", "section", "parent"], validate_unique=False)
        task.save()
        _assign_units(task, item, index)
        for t_order, target in enumerate(item.get("targets", []), start=1):
            obj = Target(
                task=task,
                indicator=(target.get("indicator") or target.get("quote") or "")[:200],
                value=Decimal(str(target["value"])),
                measure_unit=(target.get("unit") or "")[:20],
                comparator=target.get("comparator") or ">=",
                per_unit=bool(target.get("per_unit")),
                ambiguous=bool(target.get("ambiguous")),
                quote=(target.get("quote") or "")[:300],
                order=t_order,
            )
            obj.full_clean(exclude=["task"])
            obj.save()
    return plan


def _assign_units(task, item, index):
    seen = set()
    rows = [(name, Assignment.Role.LEAD) for name in item.get("lead_units", [])] + [
        (name, Assignment.Role.PARTICIPATING) for name in item.get("participating_units", [])
    ]
    for order, (name, role) in enumerate(rows, start=1):
        if is_all_members_name(name):
            task.all_member_units = True
            task.save(update_fields=["all_member_units"])
            continue
        unit = index[name]
        if unit is None:  # "not a member unit": the office chose to ignore the name
            continue
        if unit.pk in seen:  # the same unit printed twice (e.g. under two names): keep the first role
            continue
        seen.add(unit.pk)
        Assignment.objects.create(task=task, unit=unit, role=role, order=order)


# ================================================================ plan lifecycle
#
# draft ──publish──▶ published ──close──▶ closed ──archive──▶ archived
#   │ (edit freely)      │ (revise: every change needs a reason, 调整)
#   └─ delete (no reports)
#
# Every change is recorded as a ``PlanChange`` (who, when, why, each field before and after).
# Each service checks the user's right through ``units.selectors.can_manage_plan``, locks the
# plan row, validates everything and writes in one transaction: refused input writes nothing.

PLAN_FIELDS = ("title", "kind", "issuer", "doc_number", "issued_on", "period_start", "period_end")
TASK_FIELDS = ("ref", "text", "deadline", "section")
TARGET_FIELDS = ("indicator", "value", "measure_unit", "comparator", "per_unit", "baseline", "ambiguous")


def _check_manage(user, plan):
    if not can_manage_plan(user, plan):
        raise PermissionDenied(_("只有该残工委办公室可以修改工作计划。"))


def _lock(plan):
    return WorkPlan.objects.select_for_update().get(pk=plan.pk)


def _editable(user, plan, reason) -> tuple[WorkPlan, str]:
    """Lock the plan and check it may be edited now: a draft freely, a published plan with a reason."""
    _check_manage(user, plan)
    plan = _lock(plan)
    reason = (reason or "").strip()
    if plan.status not in (WorkPlan.Status.DRAFT, WorkPlan.Status.PUBLISHED):
        raise ValidationError(
            _("计划“%(title)s”%(status)s，不能再修改。") % {"title": plan.title, "status": plan.get_status_display()},
            code="not_editable",
        )
    if plan.status == WorkPlan.Status.PUBLISHED and not reason:
        raise ValidationError(_("计划已发布，调整须填写调整原因。"), code="reason_required")
    if len(reason) > 500:
        raise ValidationError(_("调整原因请控制在500字以内。"), code="reason_too_long")
    return plan, reason


def _plain(obj, name, value):
    """A field value as it is shown and kept in the history (text, not objects)."""
    if value is None or value == "":
        return ""
    field = obj._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _set_fields(obj, values: dict, allowed) -> list[dict]:
    """Set ``values`` on ``obj``; return the differences as history entries."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    diff = []
    for name, new in values.items():
        if isinstance(new, str):
            new = new.strip()
        old = getattr(obj, name)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        diff.append({
            "field": name, "label": str(obj._meta.get_field(name).verbose_name),
            "before": _plain(obj, name, old), "after": _plain(obj, name, new),
        })
        setattr(obj, name, new)
    return diff


def _user_or_none(user):
    return user if isinstance(user, get_user_model()) and user.pk else None


def _record(*, plan, user, action, kind, obj=None, label="", changes=(), reason="", revision=None):
    return PlanChange.objects.create(
        plan=plan, user=_user_or_none(user), action=action, object_kind=kind,
        object_id=getattr(obj, "pk", None), object_label=(label or (str(obj) if obj is not None else ""))[:200],
        changes=list(changes), reason=reason,
        is_revision=(plan.status == WorkPlan.Status.PUBLISHED) if revision is None else revision,
    )


def _clean(obj, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(
            [f"{obj._meta.get_field(f).verbose_name if f != '__all__' else ''}：{m}".lstrip("：")
             for f, ms in exc.message_dict.items() for m in ms]
        ) from None


# ---------------------------------------------------------------- the plan itself

@transaction.atomic
def create_plan(*, committee, user, title: str, kind: str = WorkPlan.Kind.KEY_TASKS, period_start: int,
                period_end: int | None = None, issuer: str = "", doc_number: str = "", issued_on=None) -> WorkPlan:
    """A new, empty draft plan typed on the web (the office then adds sections and tasks)."""
    from units.selectors import access_for

    if not access_for(user).is_office_of(committee.pk):
        raise PermissionDenied(_("只有该残工委办公室可以新建工作计划。"))
    plan = WorkPlan(committee=committee, created_by=_user_or_none(user), status=WorkPlan.Status.DRAFT)
    _set_fields(plan, {"title": title, "kind": kind, "issuer": issuer, "doc_number": doc_number,
                       "issued_on": issued_on, "period_start": period_start,
                       "period_end": period_end or period_start}, PLAN_FIELDS)
    if not plan.title:
        raise ValidationError(_("请填写计划标题。"))
    if plan.period_end < plan.period_start:
        raise ValidationError(_("截止年度不能早于起始年度。"))
    if plan.doc_number and WorkPlan.objects.filter(committee=committee, doc_number=plan.doc_number).exists():
        raise ValidationError(_("本残工委已有文号为“%(n)s”的工作计划。") % {"n": plan.doc_number})
    _clean(plan, exclude=["source_file", "parent", "created_by"])
    plan.save()
    _record(plan=plan, user=user, action=_("新建计划"), kind=PlanChange.Kind.PLAN, obj=plan,
            changes=[{"field": "title", "label": str(_("标题")), "before": "", "after": plan.title}])
    return plan


@transaction.atomic
def update_plan(*, plan, user, reason: str = "", **fields) -> WorkPlan:
    """Change the plan's title, kind, issuer, doc number, issue date or years."""
    plan, reason = _editable(user, plan, reason)
    diff = _set_fields(plan, fields, PLAN_FIELDS)
    if not diff:
        return plan
    if plan.period_start and plan.period_end and plan.period_end < plan.period_start:
        raise ValidationError(_("截止年度不能早于起始年度。"))
    if plan.doc_number and WorkPlan.objects.filter(committee=plan.committee_id, doc_number=plan.doc_number).exclude(
        pk=plan.pk
    ).exists():
        raise ValidationError(_("本残工委已有文号为“%(n)s”的工作计划。") % {"n": plan.doc_number})
    _clean(plan, exclude=["source_file", "parent", "created_by"])
    plan.save()
    _record(plan=plan, user=user, action=_("修改计划信息"), kind=PlanChange.Kind.PLAN, obj=plan, changes=diff, reason=reason)
    return plan


def _status_change(plan, user, new_status, action, reason="", revision=False):
    before = plan.get_status_display()
    plan.status = new_status
    plan.save(update_fields=["status"])
    _record(plan=plan, user=user, action=action, kind=PlanChange.Kind.PLAN, obj=plan, reason=reason, revision=revision,
            changes=[{"field": "status", "label": str(_("状态")), "before": before, "after": plan.get_status_display()}])
    return plan


def publish_problems(plan, checks=None) -> list[str]:
    """What stops ``plan`` from being published, in Chinese, one line per problem (empty: ready).

    ``checks``: the plan's tasks, the ids of tasks with a lead unit and its targets as values, as
    ``tasks.selectors.plan_editor_rows`` returns them (read here when not given).
    """
    if checks is None:
        checks = {
            "tasks": list(Task.objects.filter(plan=plan).order_by("order", "pk").values_list("pk", "ref")),
            "lead_task_ids": set(Assignment.objects.filter(task__plan=plan, role=Assignment.Role.LEAD)
                                 .values_list("task_id", flat=True)),
            "targets": list(Target.objects.filter(task__plan=plan).order_by("task_id", "order").values(
                "task_id", "indicator", "quote", "value", "measure_unit", "comparator", "ambiguous")),
        }
    problems = []
    if not checks["tasks"]:
        problems.append(_("计划还没有任务：请先添加任务。"))
    refs = dict(checks["tasks"])
    targets = {}
    for target in checks["targets"]:
        targets.setdefault(target["task_id"], []).append(target)
    for task_id, ref in checks["tasks"]:
        if task_id not in checks["lead_task_ids"]:
            problems.append(_("任务 %(ref)s：没有牵头单位，请指定至少一个牵头单位。") % {"ref": ref})
        for target in targets.get(task_id, []):
            name = target["indicator"] or target["quote"] or _("（未命名）")
            where = {"ref": refs[task_id], "name": name}
            if target["ambiguous"]:
                problems.append(_("任务 %(ref)s 的目标“%(name)s”仍为待确认：请确认或删除。") % where)
            if not (target["indicator"] or "").strip():
                problems.append(_("任务 %(ref)s 的目标“%(name)s”：请填写指标名称。") % where)
            if not (target["measure_unit"] or "").strip():
                problems.append(_("任务 %(ref)s 的目标“%(name)s”：请填写计量单位。") % where)
            if target["value"] is None or target["value"] < 0:
                problems.append(_("任务 %(ref)s 的目标“%(name)s”：目标值须为不小于0的数。") % where)
            if target["comparator"] not in Target.Comparator.values:
                problems.append(_("任务 %(ref)s 的目标“%(name)s”：比较方式无效。") % where)
    return problems


@transaction.atomic
def publish_plan(*, plan, user) -> WorkPlan:
    """Publish a draft: reporting can start. Refused, with every problem listed, unless it is complete."""
    _check_manage(user, plan)
    plan = _lock(plan)
    if plan.status != WorkPlan.Status.DRAFT:
        raise ValidationError(_("只有草稿可以发布（当前状态：%(s)s）。") % {"s": plan.get_status_display()}, code="not_draft")
    problems = publish_problems(plan)
    if problems:
        raise ValidationError(problems, code="not_ready")
    return _status_change(plan, user, WorkPlan.Status.PUBLISHED, _("发布"))


@transaction.atomic
def close_plan(*, plan, user, reason: str = "") -> WorkPlan:
    """End a published plan: no more rounds or changes; its reports and roll-ups stay readable."""
    _check_manage(user, plan)
    plan = _lock(plan)
    if plan.status != WorkPlan.Status.PUBLISHED:
        raise ValidationError(_("只有已发布的计划可以结束（当前状态：%(s)s）。") % {"s": plan.get_status_display()})
    if plan.rounds.filter(closed=False).exists():
        raise ValidationError(_("该计划还有未关闭的填报轮次，请先关闭后再结束计划。"))
    return _status_change(plan, user, WorkPlan.Status.CLOSED, _("结束"), reason=(reason or "").strip())


@transaction.atomic
def archive_plan(*, plan, user) -> WorkPlan:
    _check_manage(user, plan)
    plan = _lock(plan)
    if plan.status != WorkPlan.Status.CLOSED:
        raise ValidationError(_("只有已结束的计划可以归档（当前状态：%(s)s）。") % {"s": plan.get_status_display()})
    return _status_change(plan, user, WorkPlan.Status.ARCHIVED, _("归档"))


@transaction.atomic
def delete_plan(*, plan, user) -> None:
    """Delete a draft that has no reports; anything else is refused."""
    _check_manage(user, plan)
    plan = _lock(plan)
    if plan.status != WorkPlan.Status.DRAFT:
        raise ValidationError(_("只能删除草稿；已发布的计划请结束并归档。"), code="not_draft")
    if Task.objects.filter(plan=plan, reports__isnull=False).exists():
        raise ValidationError(_("该计划已有进展报告，不能删除。"), code="has_reports")
    plan.rounds.all().delete()
    plan.delete()


# ---------------------------------------------------------------- sections

def _section_order(plan):
    """Renumber the plan's sections depth-first, siblings in their current order (document order)."""
    sections = list(Section.objects.filter(plan=plan).order_by("order", "pk"))
    children = {}
    for s in sections:
        children.setdefault(s.parent_id, []).append(s)
    ordered = []

    def walk(parent_id):
        for s in children.get(parent_id, []):
            ordered.append(s)
            walk(s.pk)

    walk(None)
    for i, s in enumerate(ordered, start=1):
        s.order = i
    Section.objects.bulk_update(ordered, ["order"])


@transaction.atomic
def add_section(*, plan, user, number: str, title: str, parent=None, reason: str = "") -> Section:
    plan, reason = _editable(user, plan, reason)
    number, title = (number or "").strip(), (title or "").strip()
    if not number or not title:
        raise ValidationError(_("请填写章节的序号和标题。"))
    if "/" in number:
        raise ValidationError(_("章节序号不能包含“/”。"))
    if parent is not None and parent.plan_id != plan.pk:
        raise ValidationError(_("上级章节不属于本计划。"))
    path = f"{parent.path}/{number}" if parent else number
    if Section.objects.filter(plan=plan, path=path).exists():
        raise ValidationError(_("本计划已有序号为“%(n)s”的章节。") % {"n": number})
    last = Section.objects.filter(plan=plan).order_by("-order").values_list("order", flat=True).first() or 0
    section = Section(plan=plan, parent=parent, number=number, path=path, title=title, order=last + 1)
    _clean(section, exclude=["plan", "parent"])
    section.save()
    _section_order(plan)
    _record(plan=plan, user=user, action=_("添加章节"), kind=PlanChange.Kind.SECTION, obj=section, reason=reason,
            changes=[{"field": "title", "label": str(_("标题")), "before": "", "after": str(section)}])
    return section


@transaction.atomic
def rename_section(*, section, user, title: str, number: str | None = None, reason: str = "") -> Section:
    plan, reason = _editable(user, section.plan, reason)
    section = Section.objects.select_for_update().get(pk=section.pk, plan=plan)
    title = (title or "").strip()
    number = section.number if number is None else number.strip()
    if not title or not number:
        raise ValidationError(_("请填写章节的序号和标题。"))
    if "/" in number:
        raise ValidationError(_("章节序号不能包含“/”。"))
    old_path = section.path
    diff = _set_fields(section, {"number": number, "title": title}, ("number", "title"))
    if not diff:
        return section
    if number != old_path.rsplit("/", 1)[-1]:
        section.path = (old_path.rsplit("/", 1)[0] + "/" + number) if "/" in old_path else number
        if Section.objects.filter(plan=plan, path=section.path).exclude(pk=section.pk).exists():
            raise ValidationError(_("本计划已有序号为“%(n)s”的章节。") % {"n": number})
        below = list(Section.objects.filter(plan=plan, path__startswith=old_path + "/"))
        for s in below:
            s.path = section.path + s.path[len(old_path):]
        Section.objects.bulk_update(below, ["path"])
    _clean(section, exclude=["plan", "parent"])
    section.save()
    _record(plan=plan, user=user, action=_("修改章节"), kind=PlanChange.Kind.SECTION, obj=section, changes=diff, reason=reason)
    return section


@transaction.atomic
def move_section(*, section, user, direction: str, reason: str = "") -> Section:
    """Move a section (with its subsections and tasks) one place up or down among its siblings."""
    plan, reason = _editable(user, section.plan, reason)
    siblings = list(Section.objects.filter(plan=plan, parent_id=section.parent_id).order_by("order", "pk"))
    i = next(n for n, s in enumerate(siblings) if s.pk == section.pk)
    j = i - 1 if direction == "up" else i + 1
    if direction not in ("up", "down") or not 0 <= j < len(siblings):
        raise ValidationError(_("该章节已在最前或最后，不能再移动。"))
    siblings[i].order, siblings[j].order = siblings[j].order, siblings[i].order
    Section.objects.bulk_update([siblings[i], siblings[j]], ["order"])
    _section_order(plan)
    _record(plan=plan, user=user, action=_("上移章节") if direction == "up" else _("下移章节"),
            kind=PlanChange.Kind.SECTION, obj=siblings[i], reason=reason)
    return siblings[i]


# ---------------------------------------------------------------- tasks

def _check_task_ref(plan, section, ref, exclude_pk=None):
    clash = Task.objects.filter(plan=plan, section=section, ref=ref).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(_("同一章节中已有序号为“%(ref)s”的任务。") % {"ref": ref}, code="ref_taken")


@transaction.atomic
def add_task(*, plan, user, ref: str, text: str, section=None, deadline=None, reason: str = "") -> Task:
    plan, reason = _editable(user, plan, reason)
    ref, text = (ref or "").strip(), (text or "").strip()
    if not ref or not text:
        raise ValidationError(_("请填写任务的序号和内容。"))
    if section is not None and section.plan_id != plan.pk:
        raise ValidationError(_("所选章节不属于本计划。"))
    _check_task_ref(plan, section, ref)
    last = Task.objects.filter(plan=plan).order_by("-order").values_list("order", flat=True).first() or 0
    task = Task(plan=plan, section=section, ref=ref, text=text, deadline=deadline, order=last + 1)
    _clean(task, exclude=["plan", "section", "parent"])
    task.save()
    _record(plan=plan, user=user, action=_("添加任务"), kind=PlanChange.Kind.TASK, obj=task, reason=reason,
            changes=[{"field": "text", "label": str(_("任务内容")), "before": "", "after": text}])
    return task


@transaction.atomic
def update_task(*, task, user, reason: str = "", **fields) -> Task:
    """Change a task's number, text, deadline or section (moving it to another section)."""
    plan, reason = _editable(user, task.plan, reason)
    task = Task.objects.select_for_update().get(pk=task.pk, plan=plan)
    section = fields.get("section", task.section)
    if section is not None and section.plan_id != plan.pk:
        raise ValidationError(_("所选章节不属于本计划。"))
    if "ref" in fields and not (fields["ref"] or "").strip() or "text" in fields and not (fields["text"] or "").strip():
        raise ValidationError(_("任务的序号和内容不能为空。"))
    diff = _set_fields(task, fields, TASK_FIELDS)
    if not diff:
        return task
    _check_task_ref(plan, task.section, task.ref, exclude_pk=task.pk)
    _clean(task, exclude=["plan", "section", "parent"])
    if "section" in [d["field"] for d in diff]:  # moved: it goes last in its new section
        task.order = (Task.objects.filter(plan=plan).order_by("-order").values_list("order", flat=True).first() or 0) + 1
    task.save()
    _record(plan=plan, user=user, action=_("修改任务"), kind=PlanChange.Kind.TASK, obj=task, changes=diff, reason=reason)
    return task


@transaction.atomic
def move_task(*, task, user, direction: str, reason: str = "") -> Task:
    """Move a task one place up or down within its section."""
    plan, reason = _editable(user, task.plan, reason)
    tasks = list(Task.objects.filter(plan=plan, section_id=task.section_id).order_by("order", "pk"))
    i = next(n for n, t in enumerate(tasks) if t.pk == task.pk)
    j = i - 1 if direction == "up" else i + 1
    if direction not in ("up", "down") or not 0 <= j < len(tasks):
        raise ValidationError(_("该任务已在本章节最前或最后，不能再移动。"))
    orders = sorted(t.order for t in tasks)
    if len(set(orders)) != len(orders):  # equal orders: renumber, so that swapping means something
        base = orders[0]
        orders = list(range(base, base + len(tasks)))
    tasks[i], tasks[j] = tasks[j], tasks[i]
    for t, order in zip(tasks, orders, strict=True):
        t.order = order
    Task.objects.bulk_update(tasks, ["order"])
    _record(plan=plan, user=user, action=_("上移任务") if direction == "up" else _("下移任务"),
            kind=PlanChange.Kind.TASK, obj=tasks[j], reason=reason)
    return tasks[j]


@transaction.atomic
def delete_task(*, task, user, reason: str = "") -> None:
    """Delete a task with no reports (a task with reports keeps them: it cannot be deleted)."""
    plan, reason = _editable(user, task.plan, reason)
    task = Task.objects.select_for_update().get(pk=task.pk, plan=plan)
    if task.reports.exists():
        raise ValidationError(_("任务 %(ref)s 已有进展报告，不能删除。") % {"ref": task.ref}, code="has_reports")
    label = str(task)
    _record(plan=plan, user=user, action=_("删除任务"), kind=PlanChange.Kind.TASK, obj=task, label=label, reason=reason,
            changes=[{"field": "text", "label": str(_("任务内容")), "before": task.text, "after": ""}])
    task.delete()


# ---------------------------------------------------------------- assignments

def _unit_names(units):
    return "、".join(u.display_name for u in units)


@transaction.atomic
def set_task_units(*, task, user, lead: list, participating: list, all_member_units: bool | None = None,
                   reason: str = "") -> Task:
    """Set a task's lead and participating units, in the order given (ids or ``Unit`` objects).

    Reports already written for the task stay attached to it, also those of a unit taken off.
    """
    from units.models import Unit

    plan, reason = _editable(user, task.plan, reason)
    task = Task.objects.select_for_update().get(pk=task.pk, plan=plan)
    lead_ids = [getattr(u, "pk", u) for u in lead]
    part_ids = [getattr(u, "pk", u) for u in participating]
    try:
        lead_ids, part_ids = [int(i) for i in lead_ids], [int(i) for i in part_ids]
    except (TypeError, ValueError):
        raise ValidationError(_("单位选择无效，请重新选择。")) from None
    units = Unit.objects.in_bulk(lead_ids + part_ids)
    foreign = [i for i in lead_ids + part_ids if i not in units or units[i].committee_id != plan.committee_id]
    if foreign:
        raise ValidationError(_("所选单位不是本残工委的成员单位。"), code="foreign_unit")
    twice = [units[i] for i in set(lead_ids) & set(part_ids)]
    if twice:
        raise ValidationError(_("%(names)s 不能同时是牵头单位和参加单位。") % {"names": _unit_names(twice)})
    if len(set(lead_ids)) != len(lead_ids) or len(set(part_ids)) != len(part_ids):
        raise ValidationError(_("同一单位不能重复选择。"))
    if plan.status == WorkPlan.Status.PUBLISHED and not lead_ids:
        raise ValidationError(_("已发布计划的任务必须有牵头单位。"))
    current = list(task.assignments.select_related("unit").order_by("role", "order"))
    before_lead = [a.unit for a in current if a.role == Assignment.Role.LEAD]
    before_part = [a.unit for a in current if a.role == Assignment.Role.PARTICIPATING]
    after_lead, after_part = [units[i] for i in lead_ids], [units[i] for i in part_ids]
    diff = []
    if [u.pk for u in before_lead] != lead_ids:
        diff.append({"field": "lead", "label": str(_("牵头单位")), "before": _unit_names(before_lead),
                     "after": _unit_names(after_lead)})
    if [u.pk for u in before_part] != part_ids:
        diff.append({"field": "participating", "label": str(_("参加单位")), "before": _unit_names(before_part),
                     "after": _unit_names(after_part)})
    if all_member_units is not None and bool(all_member_units) != task.all_member_units:
        diff += _set_fields(task, {"all_member_units": bool(all_member_units)}, ("all_member_units",))
        task.save(update_fields=["all_member_units"])
    if not diff:
        return task
    by_unit = {a.unit_id: a for a in current}
    wanted = [(i, Assignment.Role.LEAD) for i in lead_ids] + [(i, Assignment.Role.PARTICIPATING) for i in part_ids]
    Assignment.objects.filter(task=task).exclude(unit_id__in=[i for i, _r in wanted]).delete()
    changed, created = [], []
    for order, (unit_id, role) in enumerate(wanted, start=1):
        a = by_unit.get(unit_id)
        if a is None:
            created.append(Assignment(task=task, unit_id=unit_id, role=role, order=order))
        elif (a.role, a.order) != (role, order):
            a.role, a.order = role, order
            changed.append(a)
    Assignment.objects.bulk_update(changed, ["role", "order"])
    Assignment.objects.bulk_create(created)
    _record(plan=plan, user=user, action=_("修改责任单位"), kind=PlanChange.Kind.ASSIGNMENT, obj=task,
            label=str(task), changes=diff, reason=reason)
    return task


# ---------------------------------------------------------------- targets

def _check_target_numbers(fields):
    for name, label in (("value", _("目标值")), ("baseline", _("基数"))):
        value = fields.get(name)
        if value is not None and value != "" and Decimal(str(value)) < 0:
            raise ValidationError(_("%(label)s不能为负数。") % {"label": label})


@transaction.atomic
def add_target(*, task, user, indicator: str, value, measure_unit: str, comparator: str = ">=", per_unit=False,
               baseline=None, ambiguous=False, reason: str = "") -> Target:
    plan, reason = _editable(user, task.plan, reason)
    fields = {"indicator": indicator, "value": value, "measure_unit": measure_unit, "comparator": comparator,
              "per_unit": bool(per_unit), "baseline": baseline, "ambiguous": bool(ambiguous)}
    _check_target_numbers(fields)
    last = Target.objects.filter(task=task).order_by("-order").values_list("order", flat=True).first() or 0
    target = Target(task=task, order=last + 1, **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()})
    if not target.indicator:
        raise ValidationError(_("请填写指标名称。"))
    _clean(target, exclude=["task"])
    target.save()
    _record(plan=plan, user=user, action=_("添加目标"), kind=PlanChange.Kind.TARGET, obj=target, reason=reason,
            changes=[{"field": "value", "label": str(_("目标")), "before": "", "after": str(target)}])
    return target


@transaction.atomic
def update_target(*, target, user, reason: str = "", **fields) -> Target:
    """Change a target; on a published plan this is a revision (调整) and shows on the dashboard and summary."""
    plan, reason = _editable(user, target.task.plan, reason)
    target = Target.objects.select_for_update().get(pk=target.pk, task__plan=plan)
    _check_target_numbers(fields)
    if "indicator" in fields and not (fields["indicator"] or "").strip():
        raise ValidationError(_("请填写指标名称。"))
    diff = _set_fields(target, fields, TARGET_FIELDS)
    if not diff:
        return target
    _clean(target, exclude=["task"])
    target.save()
    _record(plan=plan, user=user, action=_("修改目标"), kind=PlanChange.Kind.TARGET, obj=target, changes=diff,
            reason=reason)
    return target


@transaction.atomic
def delete_target(*, target, user, reason: str = "") -> None:
    plan, reason = _editable(user, target.task.plan, reason)
    target = Target.objects.select_for_update().get(pk=target.pk, task__plan=plan)
    if target.values.exists():
        raise ValidationError(_("目标“%(name)s”已有填报的完成值，不能删除；可以修改它。") % {"name": target.indicator},
                              code="has_values")
    _record(plan=plan, user=user, action=_("删除目标"), kind=PlanChange.Kind.TARGET, obj=target, reason=reason,
            changes=[{"field": "value", "label": str(_("目标")), "before": str(target), "after": ""}])
    target.delete()
