// The prelude's CTEs and where they go in a query.
// Thread-safety: pure functions.
#include "report/prelude.hpp"

#include <cctype>

namespace roomsd::report {
namespace {

// One line (no '\n'): inserting it keeps the query's line numbers.
constexpr std::string_view kPrelude =
    // every UTC day of [from, to]
    "report_day_list(day) AS (SELECT date(:from) UNION ALL SELECT date(day, '+1 day') FROM report_day_list "
    "WHERE day < date(:to)), "
    "report_days AS (SELECT day, day || 'T00:00:00.000000Z' AS day_start, "
    "date(day, '+1 day') || 'T00:00:00.000000Z' AS day_end FROM report_day_list), "
    // deleted records are left out, and so are the children of a deleted parent
    "report_rooms AS (SELECT * FROM rooms WHERE deleted_at IS NULL AND (:room IS NULL OR id = :room)), "
    "report_live_sessions AS (SELECT s.* FROM room_sessions s LEFT JOIN rooms r ON r.id = s.room_id "
    "WHERE s.deleted_at IS NULL AND r.deleted_at IS NULL AND (:room IS NULL OR s.room_id = :room)), "
    // a session belongs to the day it was created
    "report_sessions AS (SELECT * FROM report_live_sessions WHERE created_at >= :period_start "
    "AND created_at < :period_end), "
    // presence from joined_at to left_at, or to the report's end while still present, clipped to the period
    "report_presence AS (SELECT p.id AS participant_id, p.session_id AS session_id, s.room_id AS room_id, "
    "p.context AS context, p.joined_at AS joined_at, p.left_at AS left_at, "
    "max(p.joined_at, :period_start) AS start_at, "
    "min(coalesce(p.left_at, :report_end), :report_end) AS end_at "
    "FROM room_participants p LEFT JOIN room_sessions s ON s.id = p.session_id "
    "LEFT JOIN rooms r ON r.id = s.room_id "
    "WHERE p.deleted_at IS NULL AND s.deleted_at IS NULL AND r.deleted_at IS NULL AND p.joined_at IS NOT NULL "
    "AND p.joined_at < :report_end AND coalesce(p.left_at, :report_end) > :period_start "
    "AND (:room IS NULL OR s.room_id = :room)), "
    "report_intervals AS (SELECT *, max(0.0, (julianday(end_at) - julianday(start_at)) * 1440.0) AS minutes "
    "FROM report_presence WHERE start_at <= end_at)";

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

} // namespace

std::size_t skipTrivia(std::string_view sql) {
    std::size_t i = 0;
    while (i < sql.size()) {
        if (std::isspace(static_cast<unsigned char>(sql[i])) != 0) {
            ++i;
        } else if (sql.substr(i, 2) == "--") {
            auto end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end;
        } else if (sql.substr(i, 2) == "/*") {
            auto end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else {
            break;
        }
    }
    return i;
}

namespace {

// True when `sql` at `at` holds the keyword `word` (any case).
bool keywordAt(std::string_view sql, std::size_t at, std::string_view word) {
    if (sql.size() < at + word.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k)
        if (std::toupper(static_cast<unsigned char>(sql[at + k])) != word[k]) return false;
    return at + word.size() == sql.size() || !isWordChar(sql[at + word.size()]);
}

} // namespace

std::string withPrelude(std::string_view sql) {
    std::size_t at = skipTrivia(sql);
    std::string out(sql.substr(0, at));
    out += "WITH RECURSIVE ";
    out += kPrelude;
    if (keywordAt(sql, at, "WITH")) {
        std::size_t after = at + 4;
        std::size_t next = after + skipTrivia(sql.substr(after));
        if (keywordAt(sql, next, "RECURSIVE")) after = next + 9;
        out += ",";
        out += sql.substr(after);
    } else {
        out += " ";
        out += sql.substr(at);
    }
    return out;
}

} // namespace roomsd::report
