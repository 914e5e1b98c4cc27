-- title: Peak concurrency
-- description: Per room, the largest number of participants present at the same instant in the period, and the
-- description: first moment it was reached. Presence runs from joined_at to left_at (a participant still present
-- description: counts until the report's end); one leaving and another joining at the same instant do not overlap.
-- chart: hbar unique_name peak_participants
-- unit: peak_participants participants
WITH events AS (
    SELECT room_id, start_at AS at, 1 AS delta FROM report_intervals WHERE room_id IS NOT NULL AND start_at < end_at
    UNION ALL
    SELECT room_id, end_at, -1 FROM report_intervals WHERE room_id IS NOT NULL AND start_at < end_at
),
running AS (
    SELECT room_id, at, sum(delta) OVER (PARTITION BY room_id ORDER BY at, delta ROWS UNBOUNDED PRECEDING) AS present
      FROM events
),
peaks AS (SELECT room_id, max(present) AS peak FROM running GROUP BY room_id),
first_peak AS (
    SELECT r.room_id AS room_id, min(r.at) AS at
      FROM running r JOIN peaks p ON p.room_id = r.room_id AND r.present = p.peak
     GROUP BY r.room_id
)
SELECT p.room_id AS room_id, rr.unique_name AS unique_name, p.peak AS peak_participants, f.at AS peak_at
  FROM peaks p
  JOIN first_peak f ON f.room_id = p.room_id
  JOIN report_rooms rr ON rr.id = p.room_id
 ORDER BY peak_participants DESC, peak_at, room_id
