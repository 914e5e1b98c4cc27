// Report parameters: the period, the room and --param k=v values as typed, checked
// and turned into the named values a report's query is bound with.
//
// The period is [from 00:00:00 UTC, to + 1 day 00:00:00 UTC). Without --from and
// --to it is the last whole calendar month; with only --from it ends today; with only
// --to it starts on the first of that month. The report's end is the period's end, or
// the moment the report is generated when that is earlier (a participant still
// present counts until then). Every problem is a Usage error of one line.
// Thread-safety: pure functions over values.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"
#include "report/definition.hpp"
#include "store/sql_query.hpp"

namespace roomsd::report {

// What the user typed (the command line, or the query string of GET /reports/NAME).
struct ReportArguments {
    std::optional<std::string> from{}, to{}, room{};
    std::vector<std::pair<std::string, std::string>> params{}; // --param k=v, in order
};

struct Period {
    Date from, to;        // the first and last UTC day
    Timestamp start, end; // [from 00:00, to + 1 day 00:00)
    Timestamp reportEnd;  // min(end, generatedAt)
    Timestamp generatedAt;
};

// The longest period a report covers, in days.
constexpr int kMaxPeriodDays = 3660;

// The period `args` name, given the time `now`.
Result<Period> resolvePeriod(const ReportArguments& args, Timestamp now);

// One bound value: the name as the query writes it (":hours") and its value.
struct BoundValue {
    std::string name;
    store::SqlParam value;
};

struct BoundReport {
    Period period;
    std::optional<std::string> room;
    std::vector<std::pair<std::string, std::string>> shownParams; // every declared parameter's value, for the page
    std::vector<BoundValue> values;                               // standard and declared, named
};

// Binds `def`'s parameters: the standard ones from `period` and args.room, the declared
// ones from args.params or their defaults. An unknown or repeated parameter, or a value
// of the wrong type, is a Usage error naming it.
Result<BoundReport> bindReport(const ReportDefinition& def, const Period& period, const ReportArguments& args);

// "k=v" -> {k, v}; a Usage error for text without '=' or with an empty name.
Result<std::pair<std::string, std::string>> splitParam(std::string_view text);

} // namespace roomsd::report
