-- title: Recording rooms
-- description: Rooms with recording enabled (enable_recording true), as the mirror has them now, with the sessions
-- description: each had in the period: recordings are billed, so these are the rooms to check.
-- unit: sessions_in_period sessions
SELECT r.id AS room_id, r.unique_name AS unique_name, r.max_participants AS max_participants,
       r.created_at AS created_at,
       (SELECT count(*) FROM report_sessions s WHERE s.room_id = r.id) AS sessions_in_period
  FROM report_rooms r
 WHERE r.enable_recording = 1
 ORDER BY r.unique_name, r.id
