// The report prelude: named CTEs every report query can read, which hold the
// exact semantics of the reports (README, "Reports") in one place.
//
//   report_days(day, day_start, day_end)        every UTC day of the period
//   report_rooms                                live rooms (the --room one only, when given)
//   report_live_sessions                        live sessions of live (or unmirrored) rooms
//   report_sessions                             ... created in the period
//   report_intervals(participant_id, session_id, room_id, context, joined_at, left_at,
//                    start_at, end_at, minutes) live participants' presence clipped to the period
//
// The CTEs are put in front of the query on the line where it starts, so SQLite's
// error positions keep their line numbers.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace roomsd::report {

// The offset of `sql`'s first token, after white space and SQL comments (its size when none).
std::size_t skipTrivia(std::string_view sql);

// `sql` (a query, possibly starting with WITH or WITH RECURSIVE) with the prelude's CTEs in front.
std::string withPrelude(std::string_view sql);

} // namespace roomsd::report
