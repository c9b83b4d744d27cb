-- The bare SQL floor of the five-year plan evaluation: each indicator's value per year, the sum of the stored
-- roll-ups of the annual targets linked to it (counted when some figure is in) for the plans' years, and the
-- values the office entered; the evaluation's rules then run on these few hundred rows.
SELECT t.plan_indicator_id, r.year, SUM(r.reached), 'rollup'
  FROM targets_target t
  JOIN reports_targetrollup r ON r.target_id = t.id
  JOIN targets_planindicator i ON i.id = t.plan_indicator_id
 WHERE i.plan_id = ANY(%(plans)s) AND r.year BETWEEN 2021 AND %(year)s AND r.as_of IS NOT NULL
 GROUP BY t.plan_indicator_id, r.year
UNION ALL
SELECT v.indicator_id, v.year, v.value, v.source
  FROM targets_indicatorvalue v
  JOIN targets_planindicator i ON i.id = v.indicator_id
 WHERE i.plan_id = ANY(%(plans)s) AND v.year BETWEEN 2021 AND %(year)s
