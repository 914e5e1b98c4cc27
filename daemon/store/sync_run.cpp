// The sync_runs column tables and the conversions between their values and text.
// Thread-safety: see sync_run.hpp.
#include "store/sync_run.hpp"

#include <array>

namespace roomsd::store {
namespace {

constexpr std::array<std::pair<PassMode, std::string_view>, 3> kModes{
    {{PassMode::Backfill, "backfill"}, {PassMode::Incremental, "incremental"}, {PassMode::Reconcile, "reconcile"}}};
constexpr std::array<std::pair<PassOutcome, std::string_view>, 4> kOutcomes{{{PassOutcome::Ok, "ok"},
                                                                             {PassOutcome::Held, "held"},
                                                                             {PassOutcome::Failed, "failed"},
                                                                             {PassOutcome::Cancelled, "cancelled"}}};
constexpr std::array kOutcomeOrder{PassOutcome::Ok, PassOutcome::Held, PassOutcome::Failed, PassOutcome::Cancelled};

const std::array<RunColumn, 9> kRunColumns{{
    {.name = "stream", .field = &SyncRun::stream},
    {.name = "mode", .field = &SyncRun::mode},
    {.name = "filter_date", .field = &SyncRun::filterDate},
    {.name = "started_at", .field = &SyncRun::startedAt},
    {.name = "finished_at", .field = &SyncRun::finishedAt},
    {.name = "outcome", .field = &SyncRun::outcome},
    {.name = "message", .field = &SyncRun::message},
    {.name = "cursor_before", .field = &SyncRun::cursorBefore},
    {.name = "cursor_after", .field = &SyncRun::cursorAfter},
}};

constexpr std::string_view kRowsHelp = "Mirror rows written or checked by sync passes since start.";

constexpr std::array<CounterColumn, 11> kCounterColumns{{
    {.name = "requests",
     .member = &RunCounters::requests,
     .metric = "roomsd_sync_requests_total",
     .metricOp = "",
     .metricHelp = "HTTP requests to the Telnyx API made by sync passes since start, retries included."},
    {.name = "retries",
     .member = &RunCounters::retries,
     .metric = "roomsd_sync_retries_total",
     .metricOp = "",
     .metricHelp = "Requests of sync passes retried since start."},
    {.name = "pages",
     .member = &RunCounters::pages,
     .metric = "roomsd_sync_pages_total",
     .metricOp = "",
     .metricHelp = "List pages received by sync passes since start."},
    {.name = "walks",
     .member = &RunCounters::walks,
     .metric = "roomsd_sync_walks_total",
     .metricOp = "",
     .metricHelp = "Walks of a listing by sync passes since start (a listing that moved is walked again)."},
    {.name = "records_seen",
     .member = &RunCounters::recordsSeen,
     .metric = "roomsd_sync_records_seen_total",
     .metricOp = "",
     .metricHelp = "Records of the stream received by sync passes since start."},
    {.name = "inserted",
     .member = &RunCounters::inserted,
     .metric = "roomsd_sync_rows_total",
     .metricOp = "inserted",
     .metricHelp = kRowsHelp},
    {.name = "updated",
     .member = &RunCounters::updated,
     .metric = "roomsd_sync_rows_total",
     .metricOp = "updated",
     .metricHelp = kRowsHelp},
    {.name = "unchanged",
     .member = &RunCounters::unchanged,
     .metric = "roomsd_sync_rows_total",
     .metricOp = "unchanged",
     .metricHelp = kRowsHelp},
    {.name = "deleted",
     .member = &RunCounters::deleted,
     .metric = "roomsd_sync_rows_total",
     .metricOp = "deleted",
     .metricHelp = kRowsHelp},
    {.name = "embedded_written",
     .member = &RunCounters::embeddedWritten,
     .metric = "roomsd_sync_embedded_rows_written_total",
     .metricOp = "",
     .metricHelp = "Records embedded in a stream's records (a room's sessions) inserted or updated by its passes "
                   "since start."},
    {.name = "errors",
     .member = &RunCounters::errors,
     .metric = "roomsd_sync_errors_total",
     .metricOp = "",
     .metricHelp = "Failed requests and unusable records met by sync passes since start."},
}};

// Table order: the first seven plain columns, the counters, then the two cursors.
const std::array<std::string_view, 20> kColumnNames = [] {
    std::array<std::string_view, 20> names{};
    std::size_t i = 0;
    for (std::size_t c = 0; c < 7; ++c) names[i++] = kRunColumns[c].name;
    for (const auto& counter : kCounterColumns) names[i++] = counter.name;
    for (std::size_t c = 7; c < kRunColumns.size(); ++c) names[i++] = kRunColumns[c].name;
    return names;
}();

template <class Enum, std::size_t N>
std::optional<Enum> parseEnum(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view text) {
    for (const auto& [value, name] : table)
        if (name == text) return value;
    return std::nullopt;
}

template <class Enum, std::size_t N>
std::string_view nameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "?";
}

// For a static_assert that fires only in an instantiation: a RunField type without a text form.
template <class T>
constexpr bool unsupportedField() {
    return sizeof(T) == 0;
}

} // namespace

std::string_view toString(PassMode mode) noexcept { return nameOf(kModes, mode); }
std::string_view toString(PassOutcome outcome) noexcept { return nameOf(kOutcomes, outcome); }
std::optional<PassMode> parsePassMode(std::string_view text) noexcept { return parseEnum(kModes, text); }
std::optional<PassOutcome> parsePassOutcome(std::string_view text) noexcept { return parseEnum(kOutcomes, text); }
std::span<const PassOutcome> allOutcomes() noexcept { return kOutcomeOrder; }
bool completed(PassOutcome outcome) noexcept { return outcome == PassOutcome::Ok || outcome == PassOutcome::Held; }

RunCounters& RunCounters::operator+=(const RunCounters& other) noexcept {
    for (const CounterColumn& c : kCounterColumns) this->*c.member += other.*c.member;
    return *this;
}

std::span<const RunColumn> runColumns() noexcept { return kRunColumns; }
std::span<const CounterColumn> counterColumns() noexcept { return kCounterColumns; }
std::span<const std::string_view> runColumnNames() noexcept { return kColumnNames; }

std::optional<std::string> columnText(const SyncRun& run, const RunColumn& column) {
    return std::visit(
        [&](auto member) -> std::optional<std::string> {
            const auto& value = run.*member;
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::string>) {
                if (value.empty() && column.name == "message") return std::nullopt;
                return value;
            } else if constexpr (std::is_same_v<T, PassMode> || std::is_same_v<T, PassOutcome>) {
                return std::string(toString(value));
            } else if constexpr (std::is_same_v<T, std::optional<Date>>) {
                if (!value) return std::nullopt;
                return formatDate(*value);
            } else if constexpr (std::is_same_v<T, Timestamp>) {
                return formatTimestamp(value);
            } else if constexpr (std::is_same_v<T, std::optional<Timestamp>>) {
                if (!value) return std::nullopt;
                return formatTimestamp(*value);
            } else {
                static_assert(unsupportedField<T>(), "a RunField type without a text form");
            }
        },
        column.field);
}

bool setColumn(SyncRun& run, const RunColumn& column, const std::optional<std::string>& text) {
    return std::visit(
        [&](auto member) -> bool {
            auto& value = run.*member;
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::string>) {
                value = text.value_or("");
                return true;
            } else if constexpr (std::is_same_v<T, PassMode>) {
                auto parsed = text ? parsePassMode(*text) : std::nullopt;
                if (parsed) value = *parsed;
                return parsed.has_value();
            } else if constexpr (std::is_same_v<T, PassOutcome>) {
                auto parsed = text ? parsePassOutcome(*text) : std::nullopt;
                if (parsed) value = *parsed;
                return parsed.has_value();
            } else if constexpr (std::is_same_v<T, std::optional<Date>>) {
                value = text ? parseDate(*text) : std::nullopt;
                return !text || value.has_value();
            } else if constexpr (std::is_same_v<T, Timestamp>) {
                auto parsed = text ? parseTimestamp(*text) : std::nullopt;
                if (parsed) value = *parsed;
                return parsed.has_value();
            } else if constexpr (std::is_same_v<T, std::optional<Timestamp>>) {
                value = text ? parseTimestamp(*text) : std::nullopt;
                return !text || value.has_value();
            } else {
                static_assert(unsupportedField<T>(), "a RunField type without a text form");
            }
        },
        column.field);
}

} // namespace roomsd::store
