-- title: Sync health
-- description: Per stream, the passes that finished in the period (from sync_runs, kept for
-- description: storage.sync_runs_retention_days): complete (ok), held (complete, cursor kept because the listing
-- description: moved), failed and cancelled, with their requests, retries and errors; then the last complete pass
-- description: and the lag: minutes from it to the moment the report is generated.
-- chart: none
-- unit: lag_minutes minutes
WITH streams(ord, stream) AS (VALUES (1, 'rooms'), (2, 'sessions'), (3, 'participants'))
SELECT st.stream AS stream,
       count(r.id) AS passes,
       coalesce(sum(r.outcome = 'ok'), 0) AS ok,
       coalesce(sum(r.outcome = 'held'), 0) AS held,
       coalesce(sum(r.outcome = 'failed'), 0) AS failed,
       coalesce(sum(r.outcome = 'cancelled'), 0) AS cancelled,
       coalesce(sum(r.requests), 0) AS requests,
       coalesce(sum(r.retries), 0) AS retries,
       coalesce(sum(r.errors), 0) AS errors,
       ss.last_success_at AS last_success_at,
       round((julianday(:generated_at) - julianday(ss.last_success_at)) * 1440.0, 1) AS lag_minutes
  FROM streams st
  LEFT JOIN sync_runs r ON r.stream = st.stream AND r.finished_at >= :period_start AND r.finished_at < :period_end
  LEFT JOIN sync_state ss ON ss.stream = st.stream
 GROUP BY st.ord, st.stream, ss.last_success_at
 ORDER BY st.ord
