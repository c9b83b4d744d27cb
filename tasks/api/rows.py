"""The tasks of ``GET /api/v1/tasks/`` and ``GET /api/v1/tasks/{id}/`` — the API's hottest list —
built without model instances: the API's only representation of a task.

A page costs one statement whatever its size: the page's tasks, selected by the ORM with the
list's filters, ordering and the caller's reach (numbered by ``ROW_NUMBER`` in that order),
and — written by hand around it — their units and targets, in one ``UNION ALL``. The detail
is a page of one. ``serializers.TaskSerializer`` documents these rows for the OpenAPI schema
and never builds them (``tests/api/test_schema.py`` checks the rows against the schema;
``make bench`` times the list against a bare view that must return the same JSON).
"""
from decimal import Decimal

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from targets.models import FIGURE, Target
from tasks.models import Assignment, Task
from units.models import Unit

QUANTUM = Decimal(1).scaleb(-FIGURE["decimal_places"])


def figure(value):
    """A figure as the API writes it: a string with four decimals (exact, no float rounding)."""
    return None if value is None else format(value.quantize(QUANTUM), "f")


# Columns of the statement (one type per column, as UNION requires):
# kind, task id, row id (task: position), unit id, short text, long text, word, order,
# plan id, section id, parent id, deadline, flag 1, flag 2, value, baseline, measure unit
def _page_sql(connection, page_sql):
    """One statement: the page's tasks (ORM-built, with their position) and, by hand, their units and targets."""
    q = connection.ops.quote_name
    a, u, g = Assignment._meta.db_table, Unit._meta.db_table, Target._meta.db_table
    # Typed NULLs: PostgreSQL matches UNION column types branch by branch.
    big, txt, date, flag, num = ("CAST(NULL AS bigint)", "CAST(NULL AS varchar)", "CAST(NULL AS date)",
                                 "CAST(NULL AS boolean)", "CAST(NULL AS numeric)")
    return (
        f"WITH page AS ({page_sql}) "
        f"SELECT 0, p.id, p.pos, {big}, p.ref, p.text, {txt}, p.{q('order')},"
        f" p.plan_id, p.section_id, p.parent_id, p.deadline, p.all_member_units, {flag}, {num}, {num}, {txt}"
        f" FROM page p"
        f" UNION ALL"
        f" SELECT 1, a.task_id, a.id, a.unit_id, u.short_name, su.short_name, a.role, a.{q('order')},"
        f" {big}, {big}, {big}, {date}, {flag}, {flag}, {num}, {num}, {txt}"
        f" FROM {q(a)} a JOIN {q(u)} u ON u.id = a.unit_id LEFT JOIN {q(u)} su ON su.id = u.successor_id"
        f" WHERE a.task_id IN (SELECT id FROM page)"
        f" UNION ALL"
        f" SELECT 2, g.task_id, g.id, {big}, g.indicator, g.quote, g.comparator, g.{q('order')},"
        f" {big}, {big}, {big}, {date}, g.per_unit, g.ambiguous, g.value, g.baseline, g.measure_unit"
        f" FROM {q(g)} g WHERE g.task_id IN (SELECT id FROM page)"
    )


def _decimal(value):
    # PostgreSQL returns Decimal; SQLite returns int or float (str() of a float is its shortest exact form).
    return value if value is None or isinstance(value, Decimal) else Decimal(str(value))


def _date(value):
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _ordering(queryset):
    """The list's ordering as expressions (for the row number that keeps the page in order)."""
    names = [o for o in (queryset.query.order_by or Task._meta.ordering) if isinstance(o, str)]
    return [F(n[1:]).desc() if n.startswith("-") else F(n).asc() for n in [*names, "id"]]


class TaskRows:
    """A sliceable list of task rows for the paginator (``ordered`` and ``count()`` as Django's
    Paginator expects)."""

    ordered = True

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        return self.queryset.count()

    def get(self, pk):
        """The row of task ``pk`` (one statement); ``Http404`` when the queryset does not hold it."""
        try:
            queryset = self.queryset.filter(pk=pk)
        except (TypeError, ValueError, ValidationError):  # not an id: as DRF's get_object_or_404
            raise Http404 from None
        rows = TaskRows(queryset)[0:1]
        if not rows:
            raise Http404
        return rows[0]

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("TaskRows supports slices only")
        page = (
            self.queryset.annotate(pos=Window(RowNumber(), order_by=_ordering(self.queryset)))
            .values("id", "pos", "plan_id", "section_id", "ref", "text", "order", "deadline", "all_member_units",
                    "parent_id")[window]
        )
        connection = connections[self.queryset.db]
        try:
            page_sql, params = page.query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (an id out of range, an empty list)
            return []
        with connection.cursor() as cursor:
            cursor.execute(_page_sql(connection, page_sql), params)
            rows = cursor.fetchall()
        tasks, by_id = [], {}
        for (kind, task_id, row_id, _unit, short, long, _word, order,
             plan_id, section_id, parent_id, deadline, flag1, *_rest) in rows:
            if kind == 0:
                by_id[task_id] = task = {
                    "id": task_id, "plan": plan_id, "section": section_id, "ref": short, "text": long,
                    "order": order, "deadline": _date(deadline), "all_member_units": bool(flag1),
                    "parent": parent_id, "assignments": [], "targets": [],
                }
                tasks.append((row_id, task))
        for (kind, task_id, row_id, unit_id, short, long, word, order,
             _plan, _section, _parent, _deadline, flag1, flag2, value, baseline, measure_unit) in rows:
            if kind == 1:
                by_id[task_id]["assignments"].append(((word, order, row_id), {
                    "unit": unit_id, "unit_name": f"{short}（现{long}）" if long else short, "role": word,
                    "order": order,
                }))
            elif kind == 2:
                by_id[task_id]["targets"].append(((order, row_id), {
                    "id": row_id, "indicator": short, "value": figure(_decimal(value)), "measure_unit": measure_unit,
                    "comparator": word, "per_unit": bool(flag1), "ambiguous": bool(flag2),
                    "baseline": figure(_decimal(baseline)), "quote": long, "order": order,
                }))
        result = []
        for _pos, task in sorted(tasks, key=lambda pair: pair[0]):
            # units by role and order, targets by order
            task["assignments"] = [a for _key, a in sorted(task["assignments"], key=lambda pair: pair[0])]
            task["targets"] = [g for _key, g in sorted(task["targets"], key=lambda pair: pair[0])]
            result.append(task)
        return result
