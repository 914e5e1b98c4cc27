-- 0002_analytics_views: read-only views for local analytics (README, "Views").
-- Deleted records (deleted_at set) are left out of every view.
-- Never edit this file once released: a change is a new numbered file.

-- One row per room session, with its room and its duration.
CREATE VIEW session_stats AS
SELECT s.id                          AS session_id,
       s.room_id                     AS room_id,
       r.unique_name                 AS unique_name,
       s.active                      AS active,
       s.created_at                  AS created_at,
       s.ended_at                    AS ended_at,
       -- seconds from creation to end; NULL while the session runs
       CASE WHEN s.ended_at IS NOT NULL AND s.created_at IS NOT NULL
            THEN round((julianday(s.ended_at) - julianday(s.created_at)) * 86400.0, 3) END AS duration_seconds,
       (SELECT count(*) FROM room_participants p
         WHERE p.session_id = s.id AND p.deleted_at IS NULL) AS participant_count
  FROM room_sessions s
  LEFT JOIN rooms r ON r.id = s.room_id AND r.deleted_at IS NULL
 WHERE s.deleted_at IS NULL;

-- One row per participant, with its session's room and its time in the session.
CREATE VIEW participant_stats AS
SELECT p.id                          AS participant_id,
       p.session_id                  AS session_id,
       s.room_id                     AS room_id,
       p.context                     AS context,
       p.joined_at                   AS joined_at,
       p.left_at                     AS left_at,
       -- seconds from joining to leaving; NULL while still in the session
       CASE WHEN p.left_at IS NOT NULL AND p.joined_at IS NOT NULL
            THEN round((julianday(p.left_at) - julianday(p.joined_at)) * 86400.0, 3) END AS seconds_in_session
  FROM room_participants p
  LEFT JOIN room_sessions s ON s.id = p.session_id AND s.deleted_at IS NULL
 WHERE p.deleted_at IS NULL;

-- One row per room per UTC day on which a session of it started or a participant joined it.
CREATE VIEW room_daily_activity AS
WITH events AS (
    SELECT s.room_id AS room_id, substr(s.created_at, 1, 10) AS day,
           1 AS sessions_started, 0 AS participants_joined, 0.0 AS participant_seconds
      FROM room_sessions s
     WHERE s.deleted_at IS NULL AND s.created_at IS NOT NULL
    UNION ALL
    SELECT ps.room_id, substr(ps.joined_at, 1, 10), 0, 1, coalesce(ps.seconds_in_session, 0.0)
      FROM participant_stats ps
     WHERE ps.joined_at IS NOT NULL AND ps.room_id IS NOT NULL
)
SELECT e.room_id                     AS room_id,
       r.unique_name                 AS unique_name,
       e.day                         AS day,
       sum(e.sessions_started)       AS sessions_started,
       sum(e.participants_joined)    AS participants_joined,
       round(sum(e.participant_seconds), 3) AS participant_seconds
  FROM events e
  LEFT JOIN rooms r ON r.id = e.room_id AND r.deleted_at IS NULL
 GROUP BY e.room_id, e.day;
