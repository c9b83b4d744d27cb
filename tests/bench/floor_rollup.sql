-- The floor of the full roll-up benchmark: one hand-written PostgreSQL statement that
-- computes the same numbers as reports.rollup for every published plan of a year —
-- per target (reached, ratio, projection, status), per task (status, counters) and per
-- plan and unit (expected, submitted, on time, accepted, returns) — without writing them.
-- Parameters: %(year)s, %(today)s. Renamed units follow up to three successor links.
WITH
params AS MATERIALIZED (
  SELECT make_date(%(year)s, 1, 1) AS ys, make_date(%(year)s, 12, 31) AS ye, CAST(%(today)s AS date) AS today
),
plans AS MATERIALIZED (
  SELECT p.id, p.committee_id, make_date(p.period_start, 1, 1) AS pstart, make_date(p.period_end, 12, 31) AS pend
  FROM tasks_workplan p
  WHERE p.period_start <= %(year)s AND p.period_end >= %(year)s AND p.status IN ('published', 'closed')
),
cur AS MATERIALIZED (
  SELECT u.id, COALESCE(s3.id, s2.id, s1.id, u.id) AS cur
  FROM units_unit u
  LEFT JOIN units_unit s1 ON s1.id = u.successor_id
  LEFT JOIN units_unit s2 ON s2.id = s1.successor_id
  LEFT JOIN units_unit s3 ON s3.id = s2.successor_id
  WHERE u.committee_id IN (SELECT committee_id FROM plans)
),
rep AS MATERIALIZED (
  SELECT r.id, r.task_id, r.unit_id, r.status, r.submitted_at, rd.id AS round_id, rd.plan_id, rd.period_end,
         COALESCE(e.due_on, rd.due_on) AS due
  FROM reports_reportinground rd
  JOIN plans pl ON pl.id = rd.plan_id
  JOIN reports_progressreport r ON r.round_id = rd.id
  LEFT JOIN reports_deadlineextension e ON e.round_id = r.round_id AND e.unit_id = r.unit_id
  WHERE rd.period_end <= (SELECT ye FROM params)
),
latest_unit AS (
  SELECT DISTINCT ON (v.target_id, rep.unit_id) v.target_id, rep.unit_id, v.value, rep.period_end
  FROM rep JOIN reports_targetvalue v ON v.report_id = rep.id
  WHERE rep.status = 'accepted'
  ORDER BY v.target_id, rep.unit_id, rep.period_end DESC, rep.round_id DESC
),
latest AS (
  SELECT DISTINCT ON (l.target_id, c.cur) l.target_id, c.cur, l.value, l.period_end
  FROM latest_unit l JOIN cur c ON c.id = l.unit_id
  ORDER BY l.target_id, c.cur, l.period_end DESC
),
tgt AS MATERIALIZED (
  SELECT t.id, t.task_id, tk.plan_id, t.value, t.comparator, t.per_unit, t.ambiguous,
         btrim(t.measure_unit) = '%%' AS pct, t.indicator, tk.parent_id AS parent_task, pl.committee_id,
         pl.pstart, pl.pend,
         t.per_unit OR EXISTS (SELECT 1 FROM targets_allocation a WHERE a.target_id = t.id) AS split
  FROM targets_target t JOIN tasks_task tk ON tk.id = t.task_id JOIN plans pl ON pl.id = tk.plan_id
),
shares AS MATERIALIZED (
  SELECT a.target_id, 'u' AS kind, c.cur AS holder,
         CASE WHEN bool_or(t.per_unit) THEN max(t.value) ELSE sum(a.value) END AS share
  FROM targets_allocation a JOIN tgt t ON t.id = a.target_id JOIN cur c ON c.id = a.unit_id
  GROUP BY a.target_id, c.cur
  UNION ALL
  SELECT a.target_id, 'c', a.committee_id, CASE WHEN t.per_unit THEN t.value ELSE a.value END
  FROM targets_allocation a JOIN tgt t ON t.id = a.target_id
  WHERE a.committee_id IS NOT NULL
  UNION ALL
  SELECT t.id, 'u', c.cur, t.value
  FROM tgt t JOIN tasks_assignment asg ON asg.task_id = t.task_id JOIN cur c ON c.id = asg.unit_id
  WHERE t.per_unit AND NOT EXISTS (SELECT 1 FROM targets_allocation a WHERE a.target_id = t.id)
  GROUP BY t.id, c.cur, t.value
),
share_total AS (SELECT target_id, sum(share) AS total FROM shares GROUP BY target_id),
unit_part AS (
  SELECT t.id AS target_id, sum(l.value) AS reached, sum(LEAST(l.value, s.share)) AS capped, max(l.period_end) AS as_of
  FROM tgt t
  JOIN latest l ON l.target_id = t.id
  LEFT JOIN shares s ON s.target_id = t.id AND s.kind = 'u' AND s.holder = l.cur
  WHERE s.holder IS NOT NULL OR NOT t.split
  GROUP BY t.id
),
derived AS (
  SELECT s.target_id, s.holder AS committee_id, s.share, d.id AS derived_id
  FROM shares s JOIN tgt t ON t.id = s.target_id
  JOIN tgt d ON d.parent_task = t.task_id AND d.indicator = t.indicator AND d.committee_id = s.holder
  WHERE s.kind = 'c'
),
f0 AS (
  SELECT t.id, COALESCE(u.reached, 0) AS reached, COALESCE(u.capped, 0) AS capped, u.as_of,
         u.as_of IS NOT NULL AS has_data
  FROM tgt t LEFT JOIN unit_part u ON u.target_id = t.id
),
c1 AS (
  SELECT d.target_id, d.share, sum(f.reached) AS fig, max(f.as_of) AS as_of
  FROM derived d JOIN f0 f ON f.id = d.derived_id WHERE f.has_data GROUP BY d.target_id, d.committee_id, d.share
),
f1 AS (
  SELECT u.id, u.reached + COALESCE(sum(c.fig), 0) AS reached, u.capped + COALESCE(sum(LEAST(c.fig, c.share)), 0) AS capped,
         GREATEST(u.as_of, max(c.as_of)) AS as_of, u.has_data OR count(c.target_id) > 0 AS has_data
  FROM f0 u LEFT JOIN c1 c ON c.target_id = u.id GROUP BY u.id, u.reached, u.capped, u.as_of, u.has_data
),
c2 AS (
  SELECT d.target_id, d.share, sum(f.reached) AS fig, max(f.as_of) AS as_of
  FROM derived d JOIN f1 f ON f.id = d.derived_id WHERE f.has_data GROUP BY d.target_id, d.committee_id, d.share
),
f2 AS (
  SELECT u.id, u.reached + COALESCE(sum(c.fig), 0) AS reached, u.capped + COALESCE(sum(LEAST(c.fig, c.share)), 0) AS capped,
         GREATEST(u.as_of, max(c.as_of)) AS as_of, u.has_data OR count(c.target_id) > 0 AS has_data
  FROM f0 u LEFT JOIN c2 c ON c.target_id = u.id GROUP BY u.id, u.reached, u.capped, u.as_of, u.has_data
),
c3 AS (
  SELECT d.target_id, d.share, sum(f.reached) AS fig, max(f.as_of) AS as_of
  FROM derived d JOIN f2 f ON f.id = d.derived_id WHERE f.has_data GROUP BY d.target_id, d.committee_id, d.share
),
f3 AS (
  SELECT u.id, u.reached + COALESCE(sum(c.fig), 0) AS reached, u.capped + COALESCE(sum(LEAST(c.fig, c.share)), 0) AS capped,
         GREATEST(u.as_of, max(c.as_of)) AS as_of, u.has_data OR count(c.target_id) > 0 AS has_data
  FROM f0 u LEFT JOIN c3 c ON c.target_id = u.id GROUP BY u.id, u.reached, u.capped, u.as_of, u.has_data
),
tres AS MATERIALIZED (
  SELECT t.id, t.task_id, t.plan_id, t.ambiguous, t.comparator, t.value, t.pend, f.reached, f.as_of, f.has_data,
         CASE WHEN NOT f.has_data THEN NULL
              WHEN t.comparator = '<=' THEN
                CASE WHEN t.value > 0 THEN f.reached / t.value WHEN f.reached = 0 THEN 0 ELSE 9999999999 END
              WHEN t.split THEN CASE WHEN st.total > 0 THEN f.capped / st.total ELSE 1 END
              ELSE CASE WHEN t.value > 0 THEN f.reached / t.value ELSE 1 END
         END AS ratio,
         CASE WHEN t.pct OR NOT f.has_data THEN 1
              ELSE (LEAST(GREATEST(f.as_of, t.pstart), t.pend) - t.pstart + 1)::numeric / (t.pend - t.pstart + 1)
         END AS elapsed
  FROM tgt t JOIN f3 f ON f.id = t.id LEFT JOIN share_total st ON st.target_id = t.id
),
tfinal AS MATERIALIZED (
  SELECT r.*,
         CASE WHEN NOT r.has_data THEN NULL
              WHEN r.comparator = '<=' THEN
                CASE WHEN r.value > 0 THEN r.reached / r.elapsed / r.value WHEN r.reached = 0 THEN 0 ELSE 9999999999 END
              ELSE r.ratio / r.elapsed
         END AS projection,
         CASE WHEN NOT r.has_data THEN 'no_data'
              WHEN r.comparator = '<=' THEN
                CASE WHEN r.reached > r.value THEN 'at_risk' WHEN r.as_of >= r.pend THEN 'reached'
                     WHEN r.reached / r.elapsed <= r.value THEN 'on_track' ELSE 'behind' END
              WHEN r.ratio >= 1 THEN 'reached'
              WHEN r.ratio / r.elapsed >= 1 THEN 'on_track'
              WHEN r.ratio / r.elapsed >= 0.8 THEN 'behind'
              ELSE 'at_risk'
         END AS status
  FROM tres r
),
rstats AS MATERIALIZED (
  SELECT rep.plan_id, rep.task_id, rep.unit_id,
         count(*) FILTER (WHERE rep.period_end >= p.ys AND (rep.due < p.today OR rep.submitted_at IS NOT NULL)) AS expected,
         count(*) FILTER (WHERE rep.period_end >= p.ys AND rep.submitted_at IS NOT NULL) AS submitted,
         count(*) FILTER (WHERE rep.period_end >= p.ys
                          AND (rep.submitted_at AT TIME ZONE 'Asia/Shanghai')::date <= rep.due) AS on_time,
         count(*) FILTER (WHERE rep.period_end >= p.ys AND rep.status = 'accepted') AS accepted_year,
         count(*) FILTER (WHERE rep.status = 'accepted') AS accepted,
         max(rep.period_end) FILTER (WHERE rep.status = 'accepted') AS last_accepted
  FROM rep, params p
  GROUP BY rep.plan_id, rep.task_id, rep.unit_id
),
returns AS (
  SELECT rd.plan_id, h.unit_id, count(*) AS n
  FROM reports_historicalprogressreport h
  JOIN reports_reportinground rd ON rd.id = h.round_id
  JOIN plans pl ON pl.id = rd.plan_id, params p
  WHERE h.status = 'returned' AND h.history_type = '~' AND rd.period_end BETWEEN p.ys AND p.ye
  GROUP BY rd.plan_id, h.unit_id
),
assigned AS (
  SELECT asg.task_id, c.cur
  FROM tasks_assignment asg JOIN tasks_task tk ON tk.id = asg.task_id JOIN plans pl ON pl.id = tk.plan_id
  JOIN cur c ON c.id = asg.unit_id
  GROUP BY asg.task_id, c.cur
),
reported AS (
  SELECT rs.task_id, c.cur, max(rs.last_accepted) AS last
  FROM rstats rs JOIN cur c ON c.id = rs.unit_id WHERE rs.accepted > 0 GROUP BY rs.task_id, c.cur
),
task_units AS (
  SELECT a.task_id, count(*) AS n, count(*) FILTER (WHERE rp.last >= pl.pend) AS n_done,
         count(*) FILTER (WHERE rp.cur IS NULL) AS n_missing
  FROM assigned a JOIN tasks_task tk ON tk.id = a.task_id JOIN plans pl ON pl.id = tk.plan_id
  LEFT JOIN reported rp ON rp.task_id = a.task_id AND rp.cur = a.cur
  GROUP BY a.task_id
),
task_reported AS (
  SELECT task_id, count(*) AS n, max(last) AS last FROM reported GROUP BY task_id
),
task_accepted AS (SELECT task_id, sum(accepted_year) AS n FROM rstats GROUP BY task_id),
task_targets AS (
  SELECT task_id, count(*) AS n, count(*) FILTER (WHERE status = 'reached') AS n_reached,
         bool_or(status = 'at_risk') AS any_risk, bool_or(status IN ('behind', 'no_data')) AS any_behind,
         bool_or(has_data) AS any_data,
         min(ratio) FILTER (WHERE has_data AND comparator <> '<=') AS ratio,
         min(projection) FILTER (WHERE has_data AND comparator <> '<=') AS projection,
         max(as_of) AS as_of
  FROM tfinal WHERE NOT ambiguous GROUP BY task_id
),
task_res AS (
  SELECT tk.id, tk.plan_id,
         CASE WHEN COALESCE(tr.n, 0) = 0 AND NOT COALESCE(tt.any_data, false) THEN 'not_started'
              WHEN COALESCE(tt.n, 0) > 0 THEN
                CASE WHEN tt.n_reached = tt.n THEN 'done' WHEN tt.any_risk THEN 'at_risk'
                     WHEN tt.any_behind THEN 'behind' ELSE 'on_track' END
              WHEN COALESCE(tu.n, 0) > 0 AND tu.n_done = tu.n THEN 'done'
              WHEN COALESCE(tu.n_missing, 0) = 0 THEN 'on_track'
              ELSE 'behind'
         END AS status,
         tt.ratio, tt.projection, COALESCE(tt.n, 0) AS targets_total, COALESCE(tt.n_reached, 0) AS targets_reached,
         COALESCE(tu.n, 0) AS units_assigned, COALESCE(tr.n, 0) AS units_reported,
         COALESCE(ta.n, 0) AS reports_accepted, GREATEST(tt.as_of, tr.last) AS as_of
  FROM tasks_task tk JOIN plans pl ON pl.id = tk.plan_id
  LEFT JOIN task_targets tt ON tt.task_id = tk.id
  LEFT JOIN task_units tu ON tu.task_id = tk.id
  LEFT JOIN task_reported tr ON tr.task_id = tk.id
  LEFT JOIN task_accepted ta ON ta.task_id = tk.id
),
unit_keys AS (
  SELECT rs.plan_id, c.cur FROM rstats rs JOIN cur c ON c.id = rs.unit_id
  UNION
  SELECT r.plan_id, c.cur FROM returns r JOIN cur c ON c.id = r.unit_id
  UNION
  SELECT tk.plan_id, a.cur FROM assigned a JOIN tasks_task tk ON tk.id = a.task_id
),
unit_stats AS (
  SELECT rs.plan_id, c.cur, sum(rs.expected) AS expected, sum(rs.submitted) AS submitted, sum(rs.on_time) AS on_time,
         sum(rs.accepted_year) AS accepted
  FROM rstats rs JOIN cur c ON c.id = rs.unit_id GROUP BY rs.plan_id, c.cur
),
unit_returns AS (
  SELECT r.plan_id, c.cur, sum(r.n) AS n FROM returns r JOIN cur c ON c.id = r.unit_id GROUP BY r.plan_id, c.cur
)
SELECT 'target' AS kind, id AS a, task_id AS b, reached AS n1, round(ratio, 4) AS n2, round(projection, 4) AS n3,
       NULL::numeric AS n4, NULL::numeric AS n5, status AS s, as_of AS d
FROM tfinal
UNION ALL
SELECT 'task', id, plan_id, targets_total, round(ratio, 4), round(projection, 4), targets_reached,
       units_assigned * 1000000 + units_reported * 1000 + reports_accepted, status, as_of
FROM task_res
UNION ALL
SELECT 'unit', k.plan_id, k.cur, COALESCE(s.expected, 0), COALESCE(s.submitted, 0), COALESCE(s.on_time, 0),
       COALESCE(s.accepted, 0), COALESCE(r.n, 0), NULL, NULL
FROM unit_keys k
LEFT JOIN unit_stats s ON s.plan_id = k.plan_id AND s.cur = k.cur
LEFT JOIN unit_returns r ON r.plan_id = k.plan_id AND r.cur = k.cur
