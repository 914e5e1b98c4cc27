-- title: Webhook audit
-- description: Rooms as the mirror has them now that are misconfigured: no webhook URL, no failover URL, or a
-- description: webhook timeout outside the API's range of 0 to 30 seconds (unset is the API's default, not a problem).
-- unit: webhook_timeout_secs seconds
SELECT room_id, unique_name, problems, webhook_event_url, webhook_event_failover_url, webhook_timeout_secs FROM (
    SELECT id AS room_id, unique_name, webhook_event_url, webhook_event_failover_url, webhook_timeout_secs,
           rtrim(CASE WHEN coalesce(webhook_event_url, '') = '' THEN 'no webhook URL; ' ELSE '' END ||
                 CASE WHEN coalesce(webhook_event_failover_url, '') = '' THEN 'no failover URL; ' ELSE '' END ||
                 CASE WHEN webhook_timeout_secs NOT BETWEEN 0 AND 30 THEN 'timeout outside 0..30 s; ' ELSE '' END,
                 '; ') AS problems
      FROM report_rooms
)
 WHERE problems <> ''
 ORDER BY unique_name, room_id
