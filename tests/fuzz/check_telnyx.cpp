// Contract checks of the Telnyx response parsers (telnyx/parse.hpp) and the
// server-wait headers (telnyx/backoff.hpp).
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>

#include "common/strings.hpp"
#include "common/time.hpp"
#include "fuzz/check_support.hpp"
#include "fuzz/targets.hpp"
#include "telnyx/backoff.hpp"
#include "telnyx/parse.hpp"

namespace json = boost::json;

namespace roomsd::fuzz {
namespace {

using model::FieldType;
using model::FieldValue;
using model::MirrorRecord;
using model::RecordSchema;

const RecordSchema& schemaOf(std::uint8_t selector) { return *model::allSchemas()[selector % 3]; }

// A record's reasons go to the log and to sync_runs.message: one line each.
Violation checkReason(std::string_view what, std::string_view reason) {
    if (reason.empty()) return broken(what, "is empty");
    if (hasControlByte(reason)) return broken(what, "holds a control byte: " + excerpt(reason));
    return std::nullopt;
}

Violation checkRecord(const RecordSchema& schema, const MirrorRecord& record) {
    std::string where = std::string(schema.recordType) + " " + excerpt(record.id);
    if (record.schema != &schema) return broken(where, "has the wrong schema");
    if (record.id.empty() || record.id.size() > 128 ||
        std::any_of(record.id.begin(), record.id.end(), [](char c) { return c <= 0x20 || c >= 0x7F; }))
        return broken(where, "was accepted with an unusable id");
    if (record.values.size() != schema.fields.size()) return broken(where, "has a value count unlike its schema's");
    const auto* id = std::get_if<std::string>(&record.values[0]);
    if (id == nullptr || *id != record.id) return broken(where, "values[0] is not the id");
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
        const model::FieldSpec& field = schema.fields[i];
        const FieldValue& v = record.values[i];
        if (std::holds_alternative<std::monostate>(v)) continue;
        bool fits = false;
        switch (field.type) {
        case FieldType::String: fits = std::holds_alternative<std::string>(v); break;
        case FieldType::Integer: fits = std::holds_alternative<std::int64_t>(v); break;
        case FieldType::Boolean: fits = std::holds_alternative<bool>(v); break;
        case FieldType::Timestamp: {
            const auto* text = std::get_if<std::string>(&v);
            fits = text != nullptr && normalizeTimestamp(*text) == *text;
            break;
        }
        }
        if (!fits) return broken(where, std::string(field.name) + " holds a value of the wrong type or form");
    }
    const auto* updated = std::get_if<std::string>(&record.value("updated_at"));
    if ((updated ? parseTimestamp(*updated) : std::nullopt) != record.updatedAt)
        return broken(where, "updatedAt does not match its updated_at column");

    json::error_code ec;
    json::value stored = json::parse(record.upstreamJson, ec);
    if (ec || !stored.is_object()) return broken(where, "upstreamJson is not a JSON object");
    const json::object& object = stored.get_object();
    if (!schema.childKey.empty() && object.contains(schema.childKey))
        return broken(where, "upstreamJson keeps the nested array");
    std::string_view previous;
    for (const auto& kv : object) {
        if (&kv != object.begin() && !(previous < kv.key())) return broken(where, "upstreamJson keys are not sorted");
        previous = kv.key();
    }
    for (const std::string& problem : record.problems)
        if (auto bad = checkReason(where + " problem", problem)) return bad;

    if (schema.child == nullptr && !record.children.empty()) return broken(where, "has children it cannot have");
    for (const MirrorRecord& child : record.children) {
        if (auto bad = checkRecord(*schema.child, child)) return bad;
        // An embedded record always belongs to the record it is embedded in.
        if (!std::holds_alternative<std::string>(child.value(schema.child->parentField)))
            return broken(where, "embeds a child without a parent id");
    }
    return std::nullopt;
}

} // namespace

Violation checkListPage(std::string_view input) {
    auto [selector, body] = splitSelector(input);
    const RecordSchema& schema = schemaOf(selector);
    return guarded("parseListPage", [&, body = body]() -> Violation {
        auto page = telnyx::parseListPage(schema, body);
        if (!page) return checkReason("parseListPage error", page.error().message);
        if (page->records.size() > page->elementCount) return broken("parseListPage", "more records than elements");
        if (page->records.size() + page->rejected.size() < page->elementCount)
            return broken("parseListPage", "an element was neither used nor rejected");
        for (const std::string& reason : page->rejected)
            if (auto bad = checkReason("parseListPage rejection", reason)) return bad;
        for (const MirrorRecord& record : page->records)
            if (auto bad = checkRecord(schema, record)) return bad;
        return std::nullopt;
    });
}

Violation checkRecordBody(std::string_view input) {
    auto [selector, body] = splitSelector(input);
    const RecordSchema& schema = schemaOf(selector);
    return guarded("parseRecordBody", [&, body = body]() -> Violation {
        auto record = telnyx::parseRecordBody(schema, body);
        if (!record) return checkReason("parseRecordBody error", record.error().message);
        return checkRecord(schema, *record);
    });
}

Violation checkErrorBody(std::string_view input) {
    return guarded("describeErrorBody", [&]() -> Violation {
        // "A one-line summary": it goes into a log line and sync_runs.message.
        return checkReason("describeErrorBody", telnyx::describeErrorBody(input));
    });
}

Violation checkServerWait(std::string_view input) {
    using std::chrono::milliseconds;
    const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + std::chrono::hours{9};
    // Up to nine digits stay below kEpochResetThreshold and far from any saturation.
    std::string_view digits = trim(input);
    std::optional<std::int64_t> small;
    if (!digits.empty() && digits.size() <= 9 && digits.find_first_not_of("0123456789") == std::string_view::npos)
        small = parseInteger(digits);
    if (auto bad = guarded("parseRetryAfter", [&]() -> Violation {
            auto wait = telnyx::parseRetryAfter(input, now);
            if (wait && wait->count() < 0) return broken("parseRetryAfter", "a negative wait");
            if (small && wait != milliseconds(*small * 1000))
                return broken("parseRetryAfter", "delta-seconds not read as such");
            return std::nullopt;
        }))
        return bad;
    return guarded("parseRateLimitReset", [&]() -> Violation {
        auto wait = telnyx::parseRateLimitReset(input, now);
        if (wait && wait->count() < 0) return broken("parseRateLimitReset", "a negative wait");
        if (small && wait != milliseconds(*small * 1000))
            return broken("parseRateLimitReset", "seconds not read as such");
        return std::nullopt;
    });
}

} // namespace roomsd::fuzz
