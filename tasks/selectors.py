"""Reads for plans and tasks, always filtered by what the user may see."""
from django.db import connection
from django.db.models import Count, Prefetch
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from targets.models import Target
from units.models import Committee, UnitRole
from units.selectors import access_for

from .models import Assignment, PlanImport, Section, Task, WorkPlan


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
        })
    return rows
