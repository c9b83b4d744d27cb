"""Reads for plans and tasks, always filtered by what the user may see."""
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from targets.models import Target
from units.models import Committee, UnitRole
from units.selectors import access_for

from .models import Assignment, PlanImport, Section, Task, WorkPlan


def visible_plans(user):
    """Plans of the committees the user can read (own committee, and lower ones for the office)."""
    access = access_for(user)
    qs = WorkPlan.objects.select_related("committee")
    if access.is_superuser:
        return qs
    return qs.filter(committee_id__in=access.readable_committee_ids)


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


def plan_outline(plan):
    """The plan as the document reads: sections in order, each with its tasks.

    Returns a list of ``(section_or_None, [tasks])``; tasks outside any section come first.
    """
    tasks = list(tasks_with_details(plan).order_by("order"))
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
