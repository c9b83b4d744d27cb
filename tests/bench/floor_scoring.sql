-- The floor of the 考核 benchmark: one hand-written PostgreSQL statement computing, for every
-- committee's member units in a year, the sums the scoring uses — reports on time, late,
-- missing and accepted (due date with extension, submission day in Beijing time), returns from
-- the report history, the lead tasks' target attainment (each capped at 100 percent, a 不超过 target
-- attains while within its ceiling, no data attains 0) and lead tasks done — without the lines.
-- Parameters: %(year)s, %(today)s. Renamed units follow up to three successor links.
WITH
params AS MATERIALIZED (
  SELECT make_date(%(year)s, 1, 1) AS ys, make_date(%(year)s, 12, 31) AS ye, CAST(%(today)s AS date) AS today
),
plans AS MATERIALIZED (
  SELECT p.id, p.committee_id FROM tasks_workplan p
  WHERE p.period_start <= %(year)s AND p.period_end >= %(year)s AND p.status <> 'draft'
),
cur AS MATERIALIZED (
  SELECT u.id, COALESCE(s3.id, s2.id, s1.id, u.id) AS cur
  FROM units_unit u
  LEFT JOIN units_unit s1 ON s1.id = u.successor_id
  LEFT JOIN units_unit s2 ON s2.id = s1.successor_id
  LEFT JOIN units_unit s3 ON s3.id = s2.successor_id
),
rep AS (
  SELECT pl.committee_id, c.cur AS unit_id,
         COUNT(*) FILTER (WHERE d.day IS NOT NULL AND d.day <= d.due) AS on_time,
         COUNT(*) FILTER (WHERE d.day IS NOT NULL AND d.day > d.due) AS late,
         COUNT(*) FILTER (WHERE d.day IS NULL AND d.due < (SELECT today FROM params)) AS missing,
         COUNT(*) FILTER (WHERE r.status = 'accepted' AND (d.day IS NOT NULL OR d.due < (SELECT today FROM params)))
           AS accepted
  FROM reports_reportinground rd
  JOIN plans pl ON pl.id = rd.plan_id
  JOIN reports_progressreport r ON r.round_id = rd.id
  JOIN cur c ON c.id = r.unit_id
  LEFT JOIN reports_deadlineextension e ON e.round_id = r.round_id AND e.unit_id = r.unit_id
  CROSS JOIN LATERAL (SELECT COALESCE(e.due_on, rd.due_on) AS due,
                             (r.submitted_at AT TIME ZONE 'Asia/Shanghai')::date AS day) d
  WHERE rd.period_end BETWEEN (SELECT ys FROM params) AND (SELECT ye FROM params)
  GROUP BY 1, 2
),
ret AS (
  SELECT pl.committee_id, c.cur AS unit_id, COUNT(*) AS returns
  FROM reports_historicalprogressreport h
  JOIN reports_reportinground rd ON rd.id = h.round_id
  JOIN plans pl ON pl.id = rd.plan_id
  JOIN cur c ON c.id = h.unit_id
  WHERE h.status = 'returned' AND h.history_type = '~'
    AND rd.period_end BETWEEN (SELECT ys FROM params) AND (SELECT ye FROM params)
  GROUP BY 1, 2
),
leads AS MATERIALIZED (
  SELECT DISTINCT pl.committee_id, a.task_id, c.cur AS unit_id
  FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id JOIN plans pl ON pl.id = t.plan_id
  JOIN cur c ON c.id = a.unit_id
  WHERE a.role = 'lead'
),
tgt AS (
  SELECT l.committee_id, l.unit_id, COUNT(*) AS targets,
         SUM(CASE WHEN tr.ratio IS NULL THEN 0
                  WHEN t.comparator = '<=' THEN CASE WHEN tr.ratio <= 1 THEN 1 ELSE 0 END
                  ELSE LEAST(GREATEST(tr.ratio, 0), 1) END) AS attained
  FROM leads l
  JOIN reports_targetrollup tr ON tr.task_id = l.task_id AND tr.year = %(year)s
  JOIN targets_target t ON t.id = tr.target_id AND NOT t.ambiguous
  GROUP BY 1, 2
),
tsk AS (
  SELECT l.committee_id, l.unit_id, COUNT(*) AS tasks, COUNT(*) FILTER (WHERE tr.status = 'done') AS done
  FROM leads l JOIN reports_taskrollup tr ON tr.task_id = l.task_id AND tr.year = %(year)s
  GROUP BY 1, 2
),
keys AS (
  SELECT committee_id, unit_id FROM rep UNION SELECT committee_id, unit_id FROM ret
  UNION SELECT committee_id, unit_id FROM leads
)
SELECT k.committee_id, k.unit_id,
       COALESCE(rep.on_time, 0), COALESCE(rep.late, 0), COALESCE(rep.missing, 0), COALESCE(rep.accepted, 0),
       COALESCE(ret.returns, 0), COALESCE(tgt.targets, 0), COALESCE(tgt.attained, 0),
       COALESCE(tsk.tasks, 0), COALESCE(tsk.done, 0)
FROM keys k
LEFT JOIN rep ON rep.committee_id = k.committee_id AND rep.unit_id = k.unit_id
LEFT JOIN ret ON ret.committee_id = k.committee_id AND ret.unit_id = k.unit_id
LEFT JOIN tgt ON tgt.committee_id = k.committee_id AND tgt.unit_id = k.unit_id
LEFT JOIN tsk ON tsk.committee_id = k.committee_id AND tsk.unit_id = k.unit_id
