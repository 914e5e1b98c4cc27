-- title: Usage by day
-- description: Per UTC day of the period: the sessions started that day, the participants present that day and
-- description: their participant-minutes. A participant's minutes run from joined_at to left_at (to the report's
-- description: end while still present), clipped to the period and split at UTC midnight. The total row counts
-- description: each participant once.
-- chart: bar day participant_minutes
-- unit: participant_minutes minutes
-- total: last-row
WITH pieces AS (
    SELECT d.day AS day, i.participant_id AS participant_id,
           max(0.0, (julianday(min(i.end_at, d.day_end)) - julianday(max(i.start_at, d.day_start))) * 1440.0) AS minutes
      FROM report_intervals i
      JOIN report_days d ON i.start_at < d.day_end AND (i.end_at > d.day_start OR i.start_at >= d.day_start)
),
per_day AS (
    SELECT day, count(DISTINCT participant_id) AS participants, sum(minutes) AS minutes FROM pieces GROUP BY day
),
started AS (
    SELECT substr(created_at, 1, 10) AS day, count(*) AS sessions FROM report_sessions GROUP BY 1
)
SELECT day, sessions_started, unique_participants, participant_minutes FROM (
    SELECT 0 AS is_total, d.day AS day,
           coalesce(s.sessions, 0) AS sessions_started,
           coalesce(p.participants, 0) AS unique_participants,
           round(coalesce(p.minutes, 0.0), 3) AS participant_minutes
      FROM report_days d
      LEFT JOIN per_day p ON p.day = d.day
      LEFT JOIN started s ON s.day = d.day
    UNION ALL
    SELECT 1, 'Total',
           (SELECT count(*) FROM report_sessions),
           (SELECT count(DISTINCT participant_id) FROM report_intervals),
           round(coalesce((SELECT sum(minutes) FROM report_intervals), 0.0), 3)
)
ORDER BY is_total, day
