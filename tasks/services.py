"""Writes for plans and tasks: each function does the whole change in one transaction."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.models import Target
from units.selectors import is_all_members_name, unit_name_index

from .models import Assignment, Section, Task, WorkPlan


def guess_plan_kind(title: str | None) -> str:
    """A plan's kind from its title: 工作要点, 分工, 规划 or (by default) 重点工作任务."""
    title = title or ""
    if "要点" in title:
        return WorkPlan.Kind.WORK_POINTS
    if "分工" in title:
        return WorkPlan.Kind.DIVISION_TABLE
    if "规划" in title or "纲要" in title:
        return WorkPlan.Kind.FIVE_YEAR
    return WorkPlan.Kind.KEY_TASKS


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
        if unit.pk in seen:  # the same unit printed twice (e.g. under two names): keep the first role
            continue
        seen.add(unit.pk)
        Assignment.objects.create(task=task, unit=unit, role=role, order=order)
