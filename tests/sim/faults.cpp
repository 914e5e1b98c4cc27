#include "faults.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace roomsd::sim {
namespace {

namespace json = boost::json;

constexpr std::pair<std::string_view, FaultKind> kKinds[] = {
    {"status", FaultKind::Status},
    {"truncate", FaultKind::Truncate},
    {"garbage", FaultKind::Garbage},
    {"close", FaultKind::Close},
    {"delay", FaultKind::Delay},
    {"lying_meta", FaultKind::LyingMeta},
    {"wrong_types", FaultKind::WrongTypes},
    {"hang", FaultKind::Hang},
};

constexpr std::pair<std::string_view, MetaLie> kLies[] = {
    {"total_pages_high", MetaLie::TotalPagesHigh},
    {"total_results_low", MetaLie::TotalResultsLow},
    {"page_stuck", MetaLie::PageStuck},
};

constexpr std::string_view kKindList = "status, truncate, garbage, close, delay, lying_meta, wrong_types, hang";

template <class Enum, std::size_t N>
std::string_view nameOf(const std::pair<std::string_view, Enum> (&table)[N], Enum value) {
    for (const auto& [name, v] : table)
        if (v == value) return name;
    return "?";
}

std::optional<std::int64_t> integerOf(const json::value& v) {
    if (v.is_int64()) return v.as_int64();
    if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v.as_uint64());
    return std::nullopt;
}

// True for a header name made of RFC 9110 token characters.
bool isToken(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

bool isHeaderValue(std::string_view s) {
    for (char c : s)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

Result<FaultRule> parseRule(const json::value& value) {
    if (!value.is_object()) return fail(ErrorKind::Usage, "a fault rule must be an object");
    const json::object& o = value.as_object();
    FaultRule rule;
    static constexpr std::string_view kKnown[] = {"path",    "page", "times",    "rate", "kind", "status",
                                                  "headers", "body", "delay_ms", "lie",  "field"};
    for (const auto& entry : o)
        if (std::find(std::begin(kKnown), std::end(kKnown), entry.key()) == std::end(kKnown))
            return fail(ErrorKind::Usage, "unknown fault field " + std::string(entry.key()));
    auto path = o.find("path");
    if (path == o.end() || !path->value().is_string() || !path->value().as_string().starts_with("/"))
        return fail(ErrorKind::Usage, "path must be a string starting with '/'");
    rule.path = std::string(path->value().as_string());
    auto kind = o.find("kind");
    if (kind == o.end() || !kind->value().is_string())
        return fail(ErrorKind::Usage, "kind must be one of " + std::string(kKindList));
    bool known = false;
    for (const auto& [name, k] : kKinds)
        if (kind->value().as_string() == name) {
            rule.kind = k;
            known = true;
        }
    if (!known) return fail(ErrorKind::Usage, "kind must be one of " + std::string(kKindList));
    if (auto page = o.find("page"); page != o.end()) {
        auto n = integerOf(page->value());
        if (!n || *n < 1) return fail(ErrorKind::Usage, "page must be an integer >= 1");
        rule.page = *n;
    }
    if (auto rate = o.find("rate"); rate != o.end()) {
        bool number = rate->value().is_number();
        double r = number ? rate->value().to_number<double>() : 0;
        if (!number || !(r > 0 && r <= 1)) return fail(ErrorKind::Usage, "rate must be a number in (0, 1]");
        rule.rate = r;
        rule.timesLeft = std::nullopt; // unlimited unless times says otherwise
    }
    if (auto times = o.find("times"); times != o.end()) {
        auto n = integerOf(times->value());
        if (!n || *n < 1) return fail(ErrorKind::Usage, "times must be an integer >= 1");
        rule.timesLeft = *n;
    }
    if (auto lie = o.find("lie"); lie != o.end() || rule.kind == FaultKind::LyingMeta) {
        bool found = false;
        for (const auto& [name, l] : kLies)
            if (lie != o.end() && lie->value().is_string() && lie->value().as_string() == name) {
                rule.lie = l;
                found = true;
            }
        if (!found || rule.kind != FaultKind::LyingMeta)
            return fail(ErrorKind::Usage,
                        "a lying_meta fault needs lie: total_pages_high, total_results_low or page_stuck");
    }
    if (auto field = o.find("field"); field != o.end() || rule.kind == FaultKind::WrongTypes) {
        if (field == o.end() || !field->value().is_string() || field->value().as_string().empty() ||
            rule.kind != FaultKind::WrongTypes)
            return fail(ErrorKind::Usage, "a wrong_types fault needs field: a record field, or data");
        rule.field = std::string(field->value().as_string());
    }
    if (auto status = o.find("status"); status != o.end()) {
        auto n = integerOf(status->value());
        if (!n || *n < 200 || *n > 599) return fail(ErrorKind::Usage, "status must be an integer in 200..599");
        rule.status = static_cast<unsigned>(*n);
    } else if (rule.kind == FaultKind::Status) {
        return fail(ErrorKind::Usage, "a status fault needs a status");
    }
    if (auto headers = o.find("headers"); headers != o.end()) {
        if (!headers->value().is_object()) return fail(ErrorKind::Usage, "headers must be an object of strings");
        for (const auto& h : headers->value().as_object()) {
            if (!isToken(h.key()) || !h.value().is_string() || !isHeaderValue(h.value().as_string()))
                return fail(ErrorKind::Usage, "headers must map header names to single-line strings");
            rule.headers.emplace_back(std::string(h.key()), std::string(h.value().as_string()));
        }
    }
    if (auto body = o.find("body"); body != o.end()) {
        if (!body->value().is_string()) return fail(ErrorKind::Usage, "body must be a string");
        rule.body = std::string(body->value().as_string());
    }
    if (auto delay = o.find("delay_ms"); delay != o.end()) {
        auto n = integerOf(delay->value());
        if (!n || *n < 0 || *n > 600000) return fail(ErrorKind::Usage, "delay_ms must be an integer in 0..600000");
        rule.delay = std::chrono::milliseconds(*n);
    } else if (rule.kind == FaultKind::Delay) {
        return fail(ErrorKind::Usage, "a delay fault needs delay_ms");
    }
    return rule;
}

json::value wrongTypeOf(const json::value& value) {
    if (value.is_string()) return std::int64_t{static_cast<std::int64_t>(value.as_string().size()) + 1618566380};
    if (value.is_number()) return json::string(json::serialize(value));
    if (value.is_bool()) return json::string(value.as_bool() ? "true" : "false");
    if (value.is_null()) return std::int64_t{0};
    if (value.is_array()) return json::object{};
    return json::array{};
}

void spoil(json::value& record, std::string_view field) {
    if (json::object* o = record.if_object())
        if (json::value* v = o->if_contains(field)) *v = wrongTypeOf(*v);
}

} // namespace

std::string lieAboutMeta(std::string_view body, MetaLie lie) {
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec);
    json::object* meta = nullptr;
    if (!ec && parsed.is_object())
        if (json::value* m = parsed.as_object().if_contains("meta")) meta = m->if_object();
    if (meta == nullptr) return std::string(body);
    auto number = [&](std::string_view key) -> std::int64_t {
        const json::value* v = meta->if_contains(key);
        return v != nullptr && v->is_int64() ? v->as_int64() : 0;
    };
    if (lie == MetaLie::TotalPagesHigh) (*meta)["total_pages"] = number("total_pages") + 1;
    if (lie == MetaLie::TotalResultsLow) {
        std::int64_t shortBy = std::max<std::int64_t>(1, number("page_size"));
        (*meta)["total_results"] = std::max<std::int64_t>(0, number("total_results") - shortBy);
    }
    return json::serialize(parsed);
}

std::string withWrongTypes(std::string_view body, std::string_view field) {
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec);
    json::value* data = ec || !parsed.is_object() ? nullptr : parsed.as_object().if_contains("data");
    if (data == nullptr) return std::string(body);
    if (field == "data") {
        if (data->is_array()) {
            json::object keyed;
            for (const json::value& record : data->as_array())
                keyed[record.is_object() && record.as_object().contains("id") && record.at("id").is_string()
                          ? record.at("id").as_string()
                          : json::string(std::to_string(keyed.size()))] = record;
            *data = std::move(keyed);
        } else {
            *data = json::object{{"items", *data}};
        }
    } else if (data->is_array()) {
        for (json::value& record : data->as_array()) spoil(record, field);
    } else {
        spoil(*data, field);
    }
    return json::serialize(parsed);
}

bool faultPathMatches(std::string_view rulePath, std::string_view requestPath) {
    if (!requestPath.starts_with(rulePath)) return false;
    return requestPath.size() == rulePath.size() || requestPath[rulePath.size()] == '/' || rulePath.ends_with('/');
}

Result<std::vector<FaultRule>> parseFaultRules(const json::value& body) {
    const json::value* faults = body.is_object() ? body.as_object().if_contains("faults") : nullptr;
    if (faults == nullptr || !faults->is_array())
        return fail(ErrorKind::Usage, "the body must be {\"faults\":[rule, ...]}");
    std::vector<FaultRule> rules;
    std::size_t index = 0;
    for (const json::value& item : faults->as_array()) {
        auto rule = parseRule(item);
        if (!rule) return fail(ErrorKind::Usage, "faults[" + std::to_string(index) + "]: " + rule.error().message);
        rules.push_back(std::move(*rule));
        ++index;
    }
    return rules;
}

void FaultPlan::append(std::vector<FaultRule> rules) {
    for (auto& rule : rules) rules_.push_back(std::move(rule));
}

void FaultPlan::clear() { rules_.clear(); }

std::optional<FaultRule> FaultPlan::take(std::string_view path, std::optional<std::int64_t> page) {
    constexpr std::int64_t kScale = 1000000;
    for (FaultRule& rule : rules_) {
        if ((rule.timesLeft && *rule.timesLeft < 1) || !faultPathMatches(rule.path, path)) continue;
        if (rule.page && rule.page != page) continue;
        if (rule.rate && random_.uniform(0, kScale - 1) >= static_cast<std::int64_t>(*rule.rate * kScale)) continue;
        if (rule.timesLeft) --*rule.timesLeft;
        return rule;
    }
    return std::nullopt;
}

json::object FaultPlan::toJson() const {
    json::array list;
    for (const FaultRule& rule : rules_) {
        json::object o;
        o["path"] = rule.path;
        if (rule.page) o["page"] = *rule.page;
        if (rule.timesLeft)
            o["times_left"] = *rule.timesLeft;
        else
            o["times_left"] = nullptr;
        if (rule.rate) o["rate"] = *rule.rate;
        o["kind"] = nameOf(kKinds, rule.kind);
        if (rule.kind == FaultKind::LyingMeta) o["lie"] = nameOf(kLies, rule.lie);
        if (rule.kind == FaultKind::WrongTypes) o["field"] = rule.field;
        if (rule.kind == FaultKind::Status) o["status"] = rule.status;
        if (!rule.headers.empty()) {
            json::object headers;
            for (const auto& [name, value] : rule.headers) headers[name] = value;
            o["headers"] = std::move(headers);
        }
        if (rule.body) o["body"] = *rule.body;
        if (rule.kind == FaultKind::Delay) o["delay_ms"] = rule.delay.count();
        list.push_back(std::move(o));
    }
    return json::object{{"faults", std::move(list)}};
}

} // namespace roomsd::sim
