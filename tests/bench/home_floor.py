"""The floor of the home-page benchmark: bare Django views that read what the office's 工作台 and the
reporter's home list — with hand-written SQL, one statement per list — and return it as bare HTML.

Mounted beside the real URLs (``urlpatterns`` below) so that both requests go through the same
middleware (session, log-in, CSP …); they check no permission beyond the roles in the SQL and use no
template, form or ORM.
"""
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.utils.html import escape

MISSING = ["draft", "returned", "submitted"]

OFFICE_ROUNDS = """
SELECT r.id FROM reports_reportinground r JOIN tasks_workplan p ON p.id = r.plan_id
WHERE NOT r.closed AND r.opens_on <= %(today)s AND p.status <> 'closed'
  AND p.committee_id IN (SELECT u.committee_id FROM units_unitrole ur JOIN units_unit u ON u.id = ur.unit_id
                         WHERE ur.user_id = %(user)s AND ur.role IN ('office', 'admin'))
"""

WAITING = f"""
WITH w AS (
  SELECT pr.id, pr.version, pr.approved_at, r.period_label, r.period_end, t.ref, t.text, t."order" AS t_order,
         u.short_name, u."order" AS u_order, ab.first_name, ab.username
  FROM reports_progressreport pr
  JOIN reports_reportinground r ON r.id = pr.round_id
  JOIN tasks_task t ON t.id = pr.task_id
  JOIN units_unit u ON u.id = pr.unit_id
  LEFT JOIN auth_user ab ON ab.id = pr.approved_by_id
  WHERE pr.status = 'approved' AND pr.round_id IN ({OFFICE_ROUNDS})
  ORDER BY pr.approved_at, r.period_end, t."order", u."order" LIMIT 100
)
SELECT w.id, w.version, w.period_label, w.ref, w.text, w.short_name, w.first_name, w.username, w.approved_at,
       g.indicator, v.value, g.measure_unit, (SELECT COUNT(*) FROM reports_progressreport pr
        WHERE pr.status = 'approved' AND pr.round_id IN ({OFFICE_ROUNDS}))
FROM w LEFT JOIN reports_targetvalue v ON v.report_id = w.id LEFT JOIN targets_target g ON g.id = v.target_id
ORDER BY w.approved_at, w.period_end, w.t_order, w.u_order, g."order"
"""

LATE = f"""
SELECT m.round_id, r.period_label, r.due_on, u.short_name, m.missing,
       (SELECT COUNT(*) FROM reports_reminderlog l
        WHERE l.round_id = m.round_id AND l.unit_id = m.unit_id AND l.kind = 'chase')
FROM (
  SELECT pr.round_id, pr.unit_id, COUNT(*) AS missing
  FROM reports_progressreport pr
  JOIN reports_reportinground r ON r.id = pr.round_id
  LEFT JOIN reports_deadlineextension e ON e.round_id = pr.round_id AND e.unit_id = pr.unit_id
  WHERE pr.status = ANY(%(missing)s) AND pr.round_id IN ({OFFICE_ROUNDS})
    AND COALESCE(e.due_on, r.due_on) < %(today)s
  GROUP BY pr.round_id, pr.unit_id
) m JOIN reports_reportinground r ON r.id = m.round_id JOIN units_unit u ON u.id = m.unit_id
ORDER BY r.due_on, r.id, u."order", u.short_name
"""

SLOTS = """
SELECT pr.id, pr.status, pr.version, r.period_label, COALESCE(e.due_on, r.due_on), t.ref, t.text, u.short_name,
       EXISTS (SELECT 1 FROM tasks_assignment a WHERE a.task_id = pr.task_id AND a.unit_id = pr.unit_id
               AND a.role = 'lead')
FROM reports_progressreport pr
JOIN reports_reportinground r ON r.id = pr.round_id
JOIN tasks_workplan p ON p.id = r.plan_id
JOIN tasks_task t ON t.id = pr.task_id
JOIN units_unit u ON u.id = pr.unit_id
LEFT JOIN reports_deadlineextension e ON e.round_id = pr.round_id AND e.unit_id = pr.unit_id
WHERE pr.unit_id IN (SELECT unit_id FROM units_unitrole WHERE user_id = %(user)s AND role = 'reporter')
  AND NOT r.closed AND r.opens_on <= %(today)s AND p.status <> 'closed'
ORDER BY r.period_end, t."order", u."order"
"""


def _rows(sql, request):
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": request.user.pk, "today": timezone.localdate(), "missing": MISSING})
        return cursor.fetchall()


def _page(rows):
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return HttpResponse(f"<!DOCTYPE html><html lang=zh-hans><title>floor</title><table>{body}</table></html>")


def floor_workbench(request):
    return _page(_rows(WAITING, request) + _rows(LATE, request))


def floor_reporter(request):
    return _page(_rows(SLOTS, request))


urlpatterns = [
    path("bench/floor/workbench/", floor_workbench),
    path("bench/floor/reporter/", floor_reporter),
    path("", include("config.urls")),
]
