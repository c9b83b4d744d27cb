-- The floor of the incremental benchmark: the numbers one accepted report changes, in one
-- hand-written statement — each unit's latest accepted figure for every target of the
-- report's task (summed per target), the task's accepted reports, and the report's unit's
-- expected / submitted / on-time / accepted reports and returns in the plan-year.
-- Parameters: %(report)s, %(year)s, %(today)s.
WITH
me AS MATERIALIZED (
  SELECT r.task_id, r.unit_id, rd.plan_id
  FROM reports_progressreport r JOIN reports_reportinground rd ON rd.id = r.round_id
  WHERE r.id = %(report)s
),
latest AS (
  SELECT DISTINCT ON (v.target_id, r.unit_id) v.target_id, v.value, rd.period_end
  FROM me
  JOIN reports_progressreport r ON r.task_id = me.task_id
  JOIN reports_reportinground rd ON rd.id = r.round_id
  JOIN reports_targetvalue v ON v.report_id = r.id
  WHERE r.status = 'accepted' AND rd.period_end <= make_date(%(year)s, 12, 31)
  ORDER BY v.target_id, r.unit_id, rd.period_end DESC, rd.id DESC
),
task_accepted AS (
  SELECT count(*) AS n
  FROM me JOIN reports_progressreport r ON r.task_id = me.task_id
  JOIN reports_reportinground rd ON rd.id = r.round_id
  WHERE r.status = 'accepted' AND rd.period_end BETWEEN make_date(%(year)s, 1, 1) AND make_date(%(year)s, 12, 31)
),
unit_stats AS (
  SELECT count(*) FILTER (WHERE COALESCE(e.due_on, rd.due_on) < CAST(%(today)s AS date)
                          OR r.submitted_at IS NOT NULL) AS expected,
         count(*) FILTER (WHERE r.submitted_at IS NOT NULL) AS submitted,
         count(*) FILTER (WHERE (r.submitted_at AT TIME ZONE 'Asia/Shanghai')::date
                          <= COALESCE(e.due_on, rd.due_on)) AS on_time,
         count(*) FILTER (WHERE r.status = 'accepted') AS accepted
  FROM me
  JOIN reports_reportinground rd ON rd.plan_id = me.plan_id
  JOIN reports_progressreport r ON r.round_id = rd.id AND r.unit_id = me.unit_id
  LEFT JOIN reports_deadlineextension e ON e.round_id = r.round_id AND e.unit_id = r.unit_id
  WHERE rd.period_end BETWEEN make_date(%(year)s, 1, 1) AND make_date(%(year)s, 12, 31)
),
unit_returns AS (
  SELECT count(*) AS n
  FROM me
  JOIN reports_reportinground rd ON rd.plan_id = me.plan_id
  JOIN reports_historicalprogressreport h ON h.round_id = rd.id AND h.unit_id = me.unit_id
  WHERE h.status = 'returned' AND h.history_type = '~'
    AND rd.period_end BETWEEN make_date(%(year)s, 1, 1) AND make_date(%(year)s, 12, 31)
)
SELECT 'target' AS kind, target_id AS a, sum(value) AS n1, NULL::bigint AS n2, NULL::bigint AS n3,
       NULL::bigint AS n4, max(period_end) AS d
FROM latest GROUP BY target_id
UNION ALL
SELECT 'unit', s.expected, s.submitted, s.on_time, s.accepted, ur.n, NULL FROM unit_stats s, unit_returns ur
UNION ALL
SELECT 'task', n, NULL, NULL, NULL, NULL, NULL FROM task_accepted
