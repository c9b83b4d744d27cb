"""The floor of the API benchmark: a bare Django view that returns the same JSON as
``GET /api/v1/tasks/?plan=…&page_size=100`` (or ``?year=…``), built by hand from one SQL query.

It is mounted beside the real URLs (``urlpatterns`` below) so that both requests go
through the same middleware; it checks no permission and uses no serializer.
"""
from decimal import Decimal

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path

QUANTUM = Decimal("0.0001")

# The page's tasks: those of one plan (``?plan=``) or of every plan whose period holds the year
# (``?year=``), in the API's order, with their units and targets; the last column counts them all.
SQL = """
WITH chosen AS (SELECT t.id, t.plan_id, t."order" FROM tasks_task t JOIN tasks_workplan p ON p.id = t.plan_id
                WHERE {where}),
page AS (SELECT id FROM chosen ORDER BY plan_id, "order", id LIMIT %(size)s)
SELECT t.id, t.plan_id, t.section_id, t.ref, t.text, t."order", t.deadline, t.all_member_units, t.parent_id,
       a.id, a.unit_id, u.short_name, su.short_name, a.role, a."order",
       g.id, g.indicator, g.value, g.measure_unit, g.comparator, g.per_unit, g.ambiguous, g.baseline, g.quote, g."order",
       (SELECT COUNT(*) FROM chosen)
FROM tasks_task t
LEFT JOIN tasks_assignment a ON a.task_id = t.id
LEFT JOIN units_unit u ON u.id = a.unit_id
LEFT JOIN units_unit su ON su.id = u.successor_id
LEFT JOIN targets_target g ON g.task_id = t.id
WHERE t.id IN (SELECT id FROM page)
ORDER BY t.plan_id, t."order", t.id, a.role, a."order", a.id, g."order", g.id
"""
WHERE = {"plan": "t.plan_id = %(value)s", "year": "p.period_start <= %(value)s AND p.period_end >= %(value)s"}



def _figure(value):
    if value is None:
        return None
    return format(Decimal(str(value)).quantize(QUANTUM), "f")


def _date(value):
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def floor_tasks(request):
    by = "plan" if "plan" in request.GET else "year"
    value, size = int(request.GET[by]), int(request.GET.get("page_size", 100))
    with connection.cursor() as cursor:
        cursor.execute(SQL.format(where=WHERE[by]), {"value": value, "size": size})
        rows = cursor.fetchall()
    tasks, seen_assignments, seen_targets, count = {}, set(), set(), 0
    for row in rows:
        count = row[25]
        task = tasks.get(row[0])
        if task is None:
            task = tasks[row[0]] = {
                "id": row[0], "plan": row[1], "section": row[2], "ref": row[3], "text": row[4], "order": row[5],
                "deadline": _date(row[6]), "all_member_units": bool(row[7]), "parent": row[8],
                "assignments": [], "targets": [],
            }
        if row[9] is not None and row[9] not in seen_assignments:
            seen_assignments.add(row[9])
            name = f"{row[11]}（现{row[12]}）" if row[12] else row[11]
            task["assignments"].append({"unit": row[10], "unit_name": name, "role": row[13], "order": row[14]})
        if row[15] is not None and row[15] not in seen_targets:
            seen_targets.add(row[15])
            task["targets"].append({
                "id": row[15], "indicator": row[16], "value": _figure(row[17]), "measure_unit": row[18],
                "comparator": row[19], "per_unit": bool(row[20]), "ambiguous": bool(row[21]),
                "baseline": _figure(row[22]), "quote": row[23], "order": row[24],
            })
    next_url = None
    if count > size:
        next_url = request.build_absolute_uri(f"/api/v1/tasks/?page=2&page_size={size}&{by}={value}")
    return JsonResponse({"count": count, "next": next_url, "previous": None, "results": list(tasks.values())},
                        json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("bench/floor/tasks/", floor_tasks),
    path("", include("config.urls")),
]
