-- title: Top rooms
-- description: Rooms by participant-minutes in the period, largest first: the sessions created in the period,
-- description: the participants present in it and their participant-minutes (clipped to the period). Rooms with
-- description: no activity in the period are left out. The total row sums every room, listed or not.
-- param: limit integer:0..1000000 0 The most rooms to list; 0 lists them all.
-- chart: hbar unique_name participant_minutes
-- unit: participant_minutes minutes
-- total: last-row
WITH sessions_per_room AS (
    SELECT room_id, count(*) AS sessions FROM report_sessions GROUP BY room_id
),
minutes_per_room AS (
    SELECT room_id, count(DISTINCT participant_id) AS participants, sum(minutes) AS minutes
      FROM report_intervals GROUP BY room_id
),
ranked AS (
    SELECT r.id AS room_id, r.unique_name AS unique_name,
           coalesce(s.sessions, 0) AS sessions,
           coalesce(m.participants, 0) AS participants,
           round(coalesce(m.minutes, 0.0), 3) AS participant_minutes,
           coalesce(m.minutes, 0.0) AS exact_minutes
      FROM report_rooms r
      LEFT JOIN sessions_per_room s ON s.room_id = r.id
      LEFT JOIN minutes_per_room m ON m.room_id = r.id
     WHERE s.sessions IS NOT NULL OR m.participants IS NOT NULL
)
SELECT room_id, unique_name, sessions, participants, participant_minutes FROM (
    SELECT * FROM (
        SELECT 0 AS is_total, room_id, unique_name, sessions, participants, participant_minutes
          FROM ranked
         ORDER BY participant_minutes DESC, sessions DESC, room_id
         LIMIT CASE WHEN :limit > 0 THEN :limit ELSE -1 END
    )
    UNION ALL
    SELECT 1, NULL, 'Total', coalesce(sum(sessions), 0), coalesce(sum(participants), 0),
           round(coalesce(sum(exact_minutes), 0.0), 3)
      FROM ranked
)
ORDER BY is_total, participant_minutes DESC, sessions DESC, room_id
