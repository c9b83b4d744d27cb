"""Reads for plans and tasks, always filtered by what the user may see."""
from django.db import connection, models
from django.db.models import Count, Prefetch
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.urls import reverse

from targets.models import Target
from units.models import Committee, UnitRole
from units.selectors import access_for

from .models import Assignment, PlanChange, PlanImport, Section, Task, WorkPlan


def readable_committee_ids(user):
    """The committees whose plans — with their sections and tasks — ``user`` may read, or ``None``
    for all of them (superusers): the reach decided by ``units.selectors.access_for`` (own
    committee; the committees below for committee-wide roles; an API client's subtree)."""
    access = access_for(user)
    return None if access.is_superuser else access.readable_committee_ids


def visible_plans(user):
    """Plans of the committees the user can read (own committee, and lower ones for the office)."""
    qs = WorkPlan.objects.select_related("committee")
    ids = readable_committee_ids(user)
    return qs if ids is None else qs.filter(committee_id__in=ids)


def visible_sections(user):
    """Sections of ``visible_plans(user)``."""
    return Section.objects.filter(plan__in=visible_plans(user).values("id"))


def visible_tasks(user):
    """Tasks of ``visible_plans(user)``, written for the API's hot task list: no join, and on
    PostgreSQL the committee ids travel as one array parameter (not one parameter per id)."""
    tasks = Task.objects.all()
    ids = readable_committee_ids(user)
    if ids is None:
        return tasks
    ids = sorted(ids)
    if connection.vendor == "postgresql":
        plans = RawSQL(f"SELECT id FROM {WorkPlan._meta.db_table} WHERE committee_id = ANY(%s)", [ids])
        return tasks.filter(plan_id__in=plans)
    return tasks.filter(plan__committee_id__in=ids)


def plan_list(user):
    return visible_plans(user).annotate(task_count=Count("tasks", distinct=True)).order_by("-period_start", "title")


def get_plan(user, pk):
    return get_object_or_404(visible_plans(user), pk=pk)


def tasks_with_details(plan_or_qs):
    """Tasks with their units and targets loaded in a fixed number of queries."""
    qs = plan_or_qs.tasks.all() if isinstance(plan_or_qs, WorkPlan) else plan_or_qs
    return qs.select_related("section").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit__successor").order_by("role", "order")),
        Prefetch("targets", queryset=Target.objects.order_by("order")),
    )


def plan_outline(plan, sections=None):
    """The plan as the document reads: sections in order, each with its tasks.

    Returns a list of ``(section_or_None, [tasks])``; tasks outside any section come first.
    ``sections``: the plan's sections in order, if the caller has them already.
    """
    tasks = list(tasks_with_details(plan).order_by("order"))
    if sections is None:
        sections = list(Section.objects.filter(plan=plan).order_by("order"))
    by_section = {}
    for task in tasks:
        by_section.setdefault(task.section_id, []).append(task)
    outline = []
    if by_section.get(None):
        outline.append((None, by_section[None]))
    for section in sections:
        outline.append((section, by_section.get(section.id, [])))
    return outline


def get_task(user, pk):
    plans = visible_plans(user)
    return get_object_or_404(tasks_with_details(Task.objects.filter(plan__in=plans)).select_related("plan__committee"), pk=pk)


def office_committees(user):
    """Committees whose plans the user may import and manage (office or admin role)."""
    access = access_for(user)
    if access.is_superuser:
        return Committee.objects.all()
    return Committee.objects.filter(id__in=access.committees_with(UnitRole.Role.OFFICE, UnitRole.Role.ADMIN))


def can_create_plans(user, committee) -> bool:
    """Whether ``user`` may create plans of ``committee``: its office or admin, or a read-write API
    client of its subtree (the decision of ``units.selectors.Access.is_office_of``)."""
    return access_for(user).is_office_of(committee.pk)


def visible_imports(user):
    return PlanImport.objects.filter(committee__in=office_committees(user)).select_related("committee")


def import_rows(preview):
    """The preview as the wizard shows it: per section its tasks, each unit name with its resolution."""
    structure, units = preview["structure"], preview["units"]
    titles = {s["path"]: s.get("title") or "" for s in structure.get("sections", [])}
    rows, current = [], object()
    for i, task in enumerate(structure.get("tasks", [])):
        section = task.get("section") or ""
        if section != current:
            rows.append({"section": section, "title": titles.get(section, ""), "tasks": []})
            current = section
        rows[-1]["tasks"].append({
            "index": i,
            "ref": task.get("ref"),
            "text": task.get("text"),
            "deadline": task.get("deadline"),
            "lead": [(name, units.get(name, {})) for name in task.get("lead_units", [])],
            "participating": [(name, units.get(name, {})) for name in task.get("participating_units", [])],
            "targets": [(f"{i}:{j}", t) for j, t in enumerate(task.get("targets", []))],
            "page": (preview.get("ocr") or {}).get("task_pages", [None] * (i + 1))[i],
        })
    return rows


def plan_changes(plan, limit=None):
    """The plan's change history, newest first, with who made each change."""
    qs = PlanChange.objects.filter(plan=plan).select_related("user").order_by("-created_at", "-id")
    return list(qs[:limit] if limit else qs)


def plan_units(plan):
    """The committee's member units, in their order, for the unit pickers."""
    from units.models import Unit

    return list(Unit.objects.filter(committee_id=plan.committee_id, is_active=True).order_by("order", "short_name"))


def task_neighbours(task):
    """The tasks before and after ``task`` in the plan (document order), for 上一项/下一项 links."""
    rows = list(Task.objects.filter(plan_id=task.plan_id).order_by(
        models.F("section__order").asc(nulls_first=True), "order", "pk").values_list("pk", flat=True))
    i = rows.index(task.pk)
    return (rows[i - 1] if i > 0 else None), (rows[i + 1] if i + 1 < len(rows) else None)


def task_changes(task, targets=()):
    """The history of one task: its text, units and targets."""
    target_ids = [t.pk for t in targets]
    q = models.Q(object_kind__in=[PlanChange.Kind.TASK, PlanChange.Kind.ASSIGNMENT], object_id=task.pk)
    if target_ids:
        q |= models.Q(object_kind=PlanChange.Kind.TARGET, object_id__in=target_ids)
    return list(PlanChange.objects.filter(q, plan_id=task.plan_id).select_related("user").order_by("-created_at", "-id"))


def task_revisions(changes):
    """``{target_id: [revision, …]}`` (oldest first) out of ``task_changes``."""
    result = {}
    for change in reversed(changes):
        if change.object_kind == PlanChange.Kind.TARGET and change.is_revision:
            result.setdefault(change.object_id, []).append(change)
    return result


def with_revisions(outline, revisions):
    """Put each target's revisions (``targets.selectors.revisions_for_plan``) on it as ``target.revisions``
    and what it was when published as ``target.revised_from``."""
    from targets.selectors import revised_from

    for _section, tasks in outline:
        for task in tasks:
            for target in task.targets.all():
                target.revisions = revisions.get(target.pk, [])
                target.revised_from = revised_from(target.revisions) if target.revisions else {}
    return outline


def plan_editor_rows(plan, sections):
    """The plan editor's task table in four plain queries (no model instances: a 168-task plan renders fast).

    Returns ``(outline, checks)``: ``outline`` is ``[(section_or_None, [row, …])]`` in document order,
    each row a dict with ``pk``, ``ref``, ``short_text``, ``leads``, ``parts``, ``all_member_units``,
    ``targets`` (``[(text, ambiguous)]``) and ``deadline``; ``checks`` is what
    ``tasks.services.publish_problems`` needs, so publishing is checked without reading again.
    """
    from targets.models import Target

    tasks = list(Task.objects.filter(plan=plan).order_by("order", "pk").values(
        "pk", "ref", "text", "deadline", "section_id", "all_member_units"))
    units = {}
    for task_id, role, short_name, successor in (
        Assignment.objects.filter(task__plan=plan).order_by("role", "order")
        .values_list("task_id", "role", "unit__short_name", "unit__successor__short_name")
    ):
        name = f"{short_name}（现{successor}）" if successor else short_name
        units.setdefault((task_id, role), []).append(name)
    targets = list(Target.objects.filter(task__plan=plan).order_by("task_id", "order").values(
        "task_id", "indicator", "quote", "value", "measure_unit", "comparator", "ambiguous"))
    comparators = dict(Target.Comparator.choices)
    edit_url = reverse("task-edit", args=[0]).replace("/0/", "/{}/")  # reversed once, not once per task
    by_task = {}
    for t in targets:
        value = format(t["value"].normalize(), "f") if t["value"] is not None else ""
        text = f"{t['indicator']} {comparators.get(t['comparator'], t['comparator'])}{value}{t['measure_unit']}"
        by_task.setdefault(t["task_id"], []).append((text, t["ambiguous"]))
    rows_by_section = {}
    for task in tasks:
        head = task["text"].split("。", 1)[0]
        rows_by_section.setdefault(task["section_id"], []).append({
            "pk": str(task["pk"]), "ref": task["ref"], "short_text": head if len(head) <= 60 else head[:58] + "…",
            "edit_url": edit_url.format(task["pk"]),
            "leads": units.get((task["pk"], Assignment.Role.LEAD), []),
            "parts": "、".join(units.get((task["pk"], Assignment.Role.PARTICIPATING), [])),
            "all_member_units": task["all_member_units"], "targets": by_task.get(task["pk"], []),
            "deadline": task["deadline"].isoformat() if task["deadline"] else "",
        })
    outline = [(None, rows_by_section[None])] if rows_by_section.get(None) else []
    outline += [(section, rows_by_section.get(section.pk, [])) for section in sections]
    checks = {
        "tasks": [(t["pk"], t["ref"]) for t in tasks],
        "lead_task_ids": {task_id for task_id, role in units if role == Assignment.Role.LEAD},
        "targets": targets,
    }
    return outline, checks
