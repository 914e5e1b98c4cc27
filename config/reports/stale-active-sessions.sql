-- title: Stale active sessions
-- description: Sessions the mirror has as active that were created longer ago than the threshold, measured at the
-- description: moment the report is generated: a session active for days usually means a client never ended it.
-- param: hours integer:1..87600 24 How long a session may run, in hours, before it is listed.
-- unit: active_hours hours
SELECT s.id AS session_id, s.room_id AS room_id, r.unique_name AS unique_name, s.created_at AS created_at,
       round((julianday(:generated_at) - julianday(s.created_at)) * 24.0, 1) AS active_hours
  FROM report_live_sessions s
  LEFT JOIN rooms r ON r.id = s.room_id
 WHERE s.active = 1 AND s.created_at IS NOT NULL
   AND (julianday(:generated_at) - julianday(s.created_at)) * 24.0 > :hours
 ORDER BY s.created_at, s.id
