-- title: Session durations
-- description: How long the sessions created in the period ran, from created_at to ended_at, by duration bucket:
-- description: the count, its share, the median (the middle value, or the mean of the two middle ones), p90
-- description: (nearest rank: the shortest duration that 90% of the sessions do not exceed) and the maximum.
-- description: Sessions still running have no duration yet and are left out (see stale-active-sessions).
-- chart: bar bucket sessions
-- unit: share percent
-- unit: median_minutes minutes
-- unit: p90_minutes minutes
-- unit: max_minutes minutes
-- total: last-row
WITH buckets(ord, bucket, lo, hi) AS (
    VALUES (1, 'under 5 min', 0.0, 5.0), (2, '5-15 min', 5.0, 15.0), (3, '15-30 min', 15.0, 30.0),
           (4, '30-60 min', 30.0, 60.0), (5, '1-2 h', 60.0, 120.0), (6, '2-4 h', 120.0, 240.0),
           (7, '4-8 h', 240.0, 480.0), (8, '8 h and more', 480.0, NULL)
),
durations AS (
    SELECT max(0.0, (julianday(ended_at) - julianday(created_at)) * 1440.0) AS minutes
      FROM report_sessions
     WHERE ended_at IS NOT NULL AND created_at IS NOT NULL
),
grouped AS (
    SELECT b.ord AS ord, d.minutes AS minutes
      FROM durations d JOIN buckets b ON d.minutes >= b.lo AND (b.hi IS NULL OR d.minutes < b.hi)
    UNION ALL
    SELECT 99, minutes FROM durations
),
ranked AS (
    SELECT ord, minutes,
           row_number() OVER (PARTITION BY ord ORDER BY minutes) AS k,
           count(*) OVER (PARTITION BY ord) AS n
      FROM grouped
),
stats AS (
    SELECT ord, max(n) AS sessions,
           avg(CASE WHEN k IN ((n + 1) / 2, (n + 2) / 2) THEN minutes END) AS median,
           max(CASE WHEN k = (9 * n + 9) / 10 THEN minutes END) AS p90,
           max(minutes) AS longest
      FROM ranked GROUP BY ord
),
total AS (SELECT count(*) AS n FROM durations)
SELECT b.bucket AS bucket,
       coalesce(s.sessions, 0) AS sessions,
       round(CASE WHEN t.n > 0 THEN 100.0 * coalesce(s.sessions, 0) / t.n ELSE 0.0 END, 1) AS share,
       round(s.median, 3) AS median_minutes,
       round(s.p90, 3) AS p90_minutes,
       round(s.longest, 3) AS max_minutes
  FROM (SELECT ord, bucket FROM buckets UNION ALL SELECT 99, 'All ended sessions') b
  CROSS JOIN total t
  LEFT JOIN stats s ON s.ord = b.ord
 ORDER BY b.ord
