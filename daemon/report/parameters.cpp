// Checking and binding report parameters.
// Thread-safety: pure functions.
#include "report/parameters.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "common/strings.hpp"

namespace roomsd::report {
namespace {

Error usage(std::string message) { return fail(ErrorKind::Usage, std::move(message)); }

Result<Date> dateArgument(const char* name, const std::string& text) {
    auto d = parseDate(text);
    if (!d) return usage(std::string("--") + name + ": expected a date YYYY-MM-DD, got " + quoteForLog(text, 40));
    return *d;
}

Date firstOfMonth(Date d) { return Date{d.year(), d.month(), std::chrono::day{1}}; }

store::SqlParam typedValue(const ParamSpec& spec, const std::string& text) {
    switch (spec.type) {
    case ParamType::Integer: return static_cast<std::int64_t>(*parseInteger(text));
    case ParamType::Number: return std::strtod(text.c_str(), nullptr);
    case ParamType::Boolean: return static_cast<std::int64_t>(text == "true" ? 1 : 0);
    case ParamType::Text:
    case ParamType::Date: break;
    }
    return text;
}

} // namespace

Result<std::pair<std::string, std::string>> splitParam(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return usage("--param: expected NAME=VALUE, got " + quoteForLog(text, 60));
    return std::pair{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<Period> resolvePeriod(const ReportArguments& args, Timestamp now) {
    Date today = dateOf(now);
    Period period;
    period.generatedAt = now;
    if (args.from) {
        auto d = dateArgument("from", *args.from);
        if (!d) return std::move(d).error();
        period.from = *d;
    }
    if (args.to) {
        auto d = dateArgument("to", *args.to);
        if (!d) return std::move(d).error();
        period.to = *d;
    }
    if (!args.from && !args.to) {
        // The last whole calendar month.
        period.from = firstOfMonth(addDays(firstOfMonth(today), -1));
        period.to = addDays(firstOfMonth(today), -1);
    } else if (!args.to) {
        period.to = std::max(today, period.from);
    } else if (!args.from) {
        period.from = firstOfMonth(period.to);
    }
    if (period.from > period.to)
        return usage("--from " + formatDate(period.from) + " is after --to " + formatDate(period.to));
    period.start = startOf(period.from);
    period.end = startOf(addDays(period.to, 1));
    if ((period.end.micros - period.start.micros) / (86400 * kMicrosPerSecond) > kMaxPeriodDays)
        return usage("the period is longer than " + std::to_string(kMaxPeriodDays) + " days; narrow --from/--to");
    period.reportEnd = std::min(period.end, now);
    if (period.reportEnd < period.start) period.reportEnd = period.start; // a period in the future: nothing yet
    return period;
}

Result<BoundReport> bindReport(const ReportDefinition& def, const Period& period, const ReportArguments& args) {
    BoundReport bound;
    bound.period = period;
    if (args.room) {
        if (args.room->empty() || args.room->size() > 200)
            return usage("--room: expected a room id, got " + quoteForLog(*args.room, 60));
        bound.room = args.room;
    }
    auto text = [](Timestamp t) { return store::SqlParam(formatTimestamp(t)); };
    bound.values = {
        {":from", formatDate(period.from)},
        {":to", formatDate(period.to)},
        {":period_start", text(period.start)},
        {":period_end", text(period.end)},
        {":report_end", text(period.reportEnd)},
        {":generated_at", text(period.generatedAt)},
        {":room", bound.room ? store::SqlParam(*bound.room) : store::SqlParam()},
    };
    std::vector<std::string> given;
    for (const auto& [name, value] : args.params) {
        const ParamSpec* spec = def.findParam(name);
        if (spec == nullptr) {
            std::string known;
            for (const ParamSpec& p : def.params) known += (known.empty() ? "" : ", ") + p.name;
            return usage("the report " + def.name + " has no parameter " + quoteForLog(name, 40) +
                         (known.empty() ? std::string(" (it takes none beyond --from, --to and --room)")
                                        : " (it takes " + known + ")"));
        }
        if (std::find(given.begin(), given.end(), name) != given.end())
            return usage("--param " + name + " is given twice");
        if (auto problem = checkParamValue(*spec, value)) return usage("--param " + name + ": " + *problem);
        given.push_back(name);
    }
    for (const ParamSpec& spec : def.params) {
        auto it =
            std::find_if(args.params.begin(), args.params.end(), [&](const auto& p) { return p.first == spec.name; });
        std::optional<std::string> value = it != args.params.end() ? std::optional(it->second) : spec.defaultValue;
        bound.shownParams.emplace_back(spec.name, value.value_or(""));
        bound.values.push_back({":" + spec.name, value ? typedValue(spec, *value) : store::SqlParam()});
    }
    return bound;
}

} // namespace roomsd::report
