-- Weekly KPIs written directly in SQL, the reference of `cstool kpi --period all --by week` in
-- benchmarks/run.py (ISO weeks in UTC): tickets created and resolved, backlog at each week's
-- end, first response and resolution times (median, p90 nearest rank, mean; calendar and
-- business), FCR, reopen rate, SLA % (first response, resolution), CSAT, NPS, CES.
--     sqlite3 STORE < benchmarks/reference/kpi_week.sql
WITH params(monday0) AS (SELECT 1735516800),  -- Monday 2024-12-30 00:00 UTC, before the generated data
t AS (
  SELECT (created_at - monday0) / 604800 AS cw, (resolution_at - monday0) / 604800 AS rw, created_at,
         first_response_at, resolution_at, replies, reopens, findings, sla_first_response_s, sla_resolution_s
  FROM tickets, params),
created AS (SELECT cw AS w, count(*) AS n FROM t GROUP BY cw),
resolved AS (
  SELECT rw AS w, count(*) AS n, sum(coalesce(replies, 0) <= 1 AND coalesce(reopens, 0) = 0) AS one_touch,
         sum(coalesce(reopens, 0) >= 1) AS reopened
  FROM t WHERE resolution_at IS NOT NULL GROUP BY rw),
weeks AS (SELECT w FROM created UNION SELECT w FROM resolved),
backlog AS (
  SELECT w, sum(coalesce(c.n, 0)) OVER (ORDER BY w) - sum(coalesce(r.n, 0)) OVER (ORDER BY w) AS n
  FROM weeks LEFT JOIN created c USING (w) LEFT JOIN resolved r USING (w)),
fr_ranked AS (
  SELECT cw AS w, first_response_at - created_at AS d, row_number() OVER (PARTITION BY cw ORDER BY first_response_at - created_at) AS k,
         count(*) OVER (PARTITION BY cw) AS n FROM t WHERE first_response_at IS NOT NULL AND findings IS NULL),
fr AS (
  SELECT w, avg(CASE WHEN k IN ((n + 1) / 2, (n + 2) / 2) THEN d END) AS median,
         max(CASE WHEN k = (9 * n + 9) / 10 THEN d END) AS p90, avg(d) AS mean FROM fr_ranked GROUP BY w),
frb_ranked AS (
  SELECT cw AS w, sla_first_response_s AS d, row_number() OVER (PARTITION BY cw ORDER BY sla_first_response_s) AS k,
         count(*) OVER (PARTITION BY cw) AS n FROM t WHERE sla_first_response_s IS NOT NULL AND findings IS NULL),
frb AS (
  SELECT w, avg(CASE WHEN k IN ((n + 1) / 2, (n + 2) / 2) THEN d END) AS median,
         max(CASE WHEN k = (9 * n + 9) / 10 THEN d END) AS p90, avg(d) AS mean FROM frb_ranked GROUP BY w),
res_ranked AS (
  SELECT rw AS w, resolution_at - created_at AS d, row_number() OVER (PARTITION BY rw ORDER BY resolution_at - created_at) AS k,
         count(*) OVER (PARTITION BY rw) AS n FROM t WHERE resolution_at IS NOT NULL AND findings IS NULL),
res AS (
  SELECT w, avg(CASE WHEN k IN ((n + 1) / 2, (n + 2) / 2) THEN d END) AS median,
         max(CASE WHEN k = (9 * n + 9) / 10 THEN d END) AS p90, avg(d) AS mean FROM res_ranked GROUP BY w),
resb_ranked AS (
  SELECT rw AS w, sla_resolution_s AS d, row_number() OVER (PARTITION BY rw ORDER BY sla_resolution_s) AS k,
         count(*) OVER (PARTITION BY rw) AS n FROM t WHERE sla_resolution_s IS NOT NULL AND findings IS NULL),
resb AS (
  SELECT w, avg(CASE WHEN k IN ((n + 1) / 2, (n + 2) / 2) THEN d END) AS median,
         max(CASE WHEN k = (9 * n + 9) / 10 THEN d END) AS p90, avg(d) AS mean FROM resb_ranked GROUP BY w),
sla AS (
  SELECT (stopped_at - monday0) / 604800 AS w,
         100.0 * sum(metric = 'first_response' AND stopped_at <= due_at) / nullif(sum(metric = 'first_response'), 0) AS fr,
         100.0 * sum(metric = 'resolution' AND stopped_at <= due_at) / nullif(sum(metric = 'resolution'), 0) AS res
  FROM sla_clocks, params WHERE cycle = 0 AND due_at IS NOT NULL AND stopped_at IS NOT NULL GROUP BY 1),
sv AS (
  SELECT (submitted_at - monday0) / 604800 AS w,
         100.0 * sum(kind = 'csat' AND score >= 4) / nullif(sum(kind = 'csat'), 0) AS csat_pct,
         100.0 * (sum(kind = 'nps' AND score >= 9) - sum(kind = 'nps' AND score <= 6)) / nullif(sum(kind = 'nps'), 0) AS nps,
         avg(CASE WHEN kind = 'ces' THEN score END) AS ces_avg
  FROM surveys, params GROUP BY 1)
SELECT weeks.w, c.n AS created, r.n AS resolved, b.n AS backlog,
       fr.median, fr.p90, round(fr.mean, 1), frb.median, frb.p90, round(frb.mean, 1),
       res.median, res.p90, round(res.mean, 1), resb.median, resb.p90, round(resb.mean, 1),
       round(100.0 * r.one_touch / r.n, 2) AS fcr_pct, round(100.0 * r.reopened / r.n, 2) AS reopen_pct,
       round(sla.fr, 2), round(sla.res, 2), round(sv.csat_pct, 2), round(sv.nps, 2), round(sv.ces_avg, 2)
FROM weeks LEFT JOIN created c USING (w) LEFT JOIN resolved r USING (w) LEFT JOIN backlog b USING (w)
  LEFT JOIN fr USING (w) LEFT JOIN frb USING (w) LEFT JOIN res USING (w) LEFT JOIN resb USING (w)
  LEFT JOIN sla USING (w) LEFT JOIN sv USING (w)
ORDER BY weeks.w;
