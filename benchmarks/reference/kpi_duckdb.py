"""Weekly KPIs with DuckDB straight from the CSV exports (tickets.csv, surveys.csv): the same
figures as kpi_pandas.py (created, resolved, first response and resolution median / p90 nearest
rank / mean in calendar time, FCR, reopen rate, backlog at each week's end with age buckets,
CSAT, NPS, CES per ISO week in UTC), in one SQL script.

    python benchmarks/reference/kpi_duckdb.py FOLDER
"""

import sys

import duckdb

SQL = """
CREATE TEMP TABLE t AS SELECT epoch(created_at::TIMESTAMPTZ)::BIGINT AS c,
    epoch(first_response_at::TIMESTAMPTZ)::BIGINT AS f,
    epoch(resolved_at::TIMESTAMPTZ)::BIGINT AS r, status, replies, reopens
  FROM read_csv('{folder}/tickets.csv', header = true,
                types = {{'created_at': 'VARCHAR', 'first_response_at': 'VARCHAR', 'resolved_at': 'VARCHAR',
                          'reopens': 'INTEGER', 'replies': 'INTEGER'}});
CREATE TEMP TABLE p AS SELECT (min(c) // 86400 - (min(c) // 86400 + 3) % 7) * 86400 AS monday, 604800 AS wk FROM t;
CREATE TEMP TABLE weeks AS SELECT w, p.monday + (w + 1) * p.wk AS e FROM p,
  range(0, ((SELECT greatest(max(c), max(r)) FROM t) - p.monday) // p.wk + 1) AS x(w);
WITH cr AS (SELECT (c - monday) // wk AS w, count(*) AS created, median(f - c) AS fr_median,
               quantile_disc(f - c, 0.9) AS fr_p90, avg(f - c) AS fr_mean FROM t, p GROUP BY 1),
     rs AS (SELECT (r - monday) // wk AS w, count(*) AS resolved, median(r - c) AS res_median,
               quantile_disc(r - c, 0.9) AS res_p90, avg(r - c) AS res_mean,
               round(100 * avg(CASE WHEN replies <= 1 AND reopens = 0 THEN 1 ELSE 0 END), 2) AS fcr_pct,
               round(100 * avg(CASE WHEN reopens >= 1 THEN 1 ELSE 0 END), 2) AS reopen_pct
            FROM t, p WHERE r IS NOT NULL GROUP BY 1),
     bl AS (SELECT weeks.w, count(*) AS backlog, count(*) FILTER (WHERE e - c < 86400) AS "<1d",
               count(*) FILTER (WHERE e - c >= 86400 AND e - c < 259200) AS "1-3d",
               count(*) FILTER (WHERE e - c >= 259200 AND e - c < 604800) AS "3-7d",
               count(*) FILTER (WHERE e - c >= 604800 AND e - c < 2592000) AS "7-30d",
               count(*) FILTER (WHERE e - c >= 2592000) AS ">30d"
            FROM weeks JOIN t ON t.c < weeks.e
                AND (t.r >= weeks.e OR (t.r IS NULL AND t.status NOT IN ('solved', 'closed')))
            GROUP BY 1),
     s AS (SELECT kind, score, (epoch(submitted_at::TIMESTAMPTZ)::BIGINT - monday) // wk AS w
           FROM read_csv('{folder}/surveys.csv', header = true), p),
     sv AS (SELECT w,
               round(100 * avg(CASE WHEN score >= 4 THEN 1 ELSE 0 END) FILTER (WHERE kind = 'csat'), 2) AS csat_pct,
               round(avg(score) FILTER (WHERE kind = 'csat'), 2) AS csat_avg,
               round(100 * (avg(CASE WHEN score >= 9 THEN 1 ELSE 0 END) FILTER (WHERE kind = 'nps')
                            - avg(CASE WHEN score <= 6 THEN 1 ELSE 0 END) FILTER (WHERE kind = 'nps')), 2) AS nps,
               round(avg(score) FILTER (WHERE kind = 'ces'), 2) AS ces_avg FROM s GROUP BY 1)
SELECT strftime(to_timestamp(p.monday + weeks.w * p.wk), '%G-W%V') AS week, cr.* EXCLUDE (w), rs.* EXCLUDE (w),
       bl.* EXCLUDE (w), sv.* EXCLUDE (w)
FROM weeks CROSS JOIN p LEFT JOIN cr ON cr.w = weeks.w LEFT JOIN rs ON rs.w = weeks.w LEFT JOIN bl ON bl.w = weeks.w
    LEFT JOIN sv ON sv.w = weeks.w
ORDER BY weeks.w
"""


def main(folder: str) -> None:
    con = duckdb.connect()
    *setup, query = [part for part in SQL.format(folder=folder).split(";") if part.strip()]
    for statement in setup:
        con.execute(statement)
    rows = con.execute(query)
    names = [d[0] for d in rows.description]
    sys.stdout.write(",".join(names) + "\n")
    for row in rows.fetchall():
        sys.stdout.write(",".join("" if v is None else str(v) for v in row) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
