#include "faults.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace roomsd::sim {
namespace {

namespace json = boost::json;

constexpr std::pair<std::string_view, FaultKind> kKinds[] = {
    {"status", FaultKind::Status}, {"truncate", FaultKind::Truncate}, {"garbage", FaultKind::Garbage},
    {"close", FaultKind::Close},   {"delay", FaultKind::Delay},
};

std::string_view nameOf(FaultKind kind) {
    for (const auto& [name, k] : kKinds)
        if (k == kind) return name;
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
    static constexpr std::string_view kKnown[] = {"path",   "page",    "times", "kind",
                                                  "status", "headers", "body",  "delay_ms"};
    for (const auto& entry : o)
        if (std::find(std::begin(kKnown), std::end(kKnown), entry.key()) == std::end(kKnown))
            return fail(ErrorKind::Usage, "unknown fault field " + std::string(entry.key()));
    auto path = o.find("path");
    if (path == o.end() || !path->value().is_string() || !path->value().as_string().starts_with("/"))
        return fail(ErrorKind::Usage, "path must be a string starting with '/'");
    rule.path = std::string(path->value().as_string());
    auto kind = o.find("kind");
    if (kind == o.end() || !kind->value().is_string())
        return fail(ErrorKind::Usage, "kind must be one of status, truncate, garbage, close, delay");
    bool known = false;
    for (const auto& [name, k] : kKinds)
        if (kind->value().as_string() == name) {
            rule.kind = k;
            known = true;
        }
    if (!known) return fail(ErrorKind::Usage, "kind must be one of status, truncate, garbage, close, delay");
    if (auto page = o.find("page"); page != o.end()) {
        auto n = integerOf(page->value());
        if (!n || *n < 1) return fail(ErrorKind::Usage, "page must be an integer >= 1");
        rule.page = *n;
    }
    if (auto times = o.find("times"); times != o.end()) {
        auto n = integerOf(times->value());
        if (!n || *n < 1) return fail(ErrorKind::Usage, "times must be an integer >= 1");
        rule.timesLeft = *n;
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

} // namespace

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
    for (FaultRule& rule : rules_) {
        if (rule.timesLeft < 1 || !faultPathMatches(rule.path, path)) continue;
        if (rule.page && rule.page != page) continue;
        --rule.timesLeft;
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
        o["times_left"] = rule.timesLeft;
        o["kind"] = nameOf(rule.kind);
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
