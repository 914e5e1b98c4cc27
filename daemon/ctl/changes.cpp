// roomsctl changes and roomsctl consumers: the change feed (GET /changes, /changes/consumers).
// Thread-safety: see commands.hpp.
#include <boost/json.hpp>

#include <iomanip>
#include <sstream>

#include "ctl/commands.hpp"
#include "ctl/text.hpp"

namespace roomsd::ctl {
namespace {

namespace json = boost::json;

// A bound on one invocation without --follow's stop: far beyond any log (10000 a page).
constexpr std::int64_t kMaxRequests = 100'000'000;

std::string text(const json::value* v) {
    if (v == nullptr || v->is_null()) return "NULL";
    if (v->is_string()) return std::string(v->get_string());
    return json::serialize(*v);
}

std::string fieldsText(const json::value* fields) {
    if (fields == nullptr || !fields->is_array()) return "";
    std::string out;
    for (const auto& f : fields->as_array()) {
        if (!out.empty()) out += ',';
        out += text(&f);
    }
    return out;
}

// One line per change: seq, applied_at, kind, op, id, fields.
std::string changeLine(const json::object& change) {
    std::ostringstream line;
    line << std::left << std::setw(8) << escapeForTerminal(text(change.if_contains("seq"))) << "  " << std::setw(27)
         << escapeForTerminal(text(change.if_contains("applied_at"))) << "  " << std::setw(17)
         << escapeForTerminal(text(change.if_contains("kind"))) << "  " << std::setw(7)
         << escapeForTerminal(text(change.if_contains("op"))) << "  "
         << escapeForTerminal(text(change.if_contains("id"))) << "  "
         << escapeForTerminal(fieldsText(change.if_contains("fields"))) << '\n';
    return line.str();
}

std::string changesTarget(const ChangesOptions& options, std::int64_t since, bool wait) {
    std::string target = "/changes?since=" + std::to_string(since);
    if (options.limit) target += "&limit=" + std::to_string(*options.limit);
    if (!options.kind.empty()) target += "&kind=" + escapeComponent(options.kind);
    if (wait) target += "&wait=" + std::to_string(options.waitSecs);
    return target;
}

std::optional<std::int64_t> metaInteger(const json::object& body, std::string_view key) {
    const json::value* meta = body.if_contains("meta");
    const json::value* v = meta != nullptr && meta->is_object() ? meta->as_object().if_contains(key) : nullptr;
    if (v == nullptr || !v->is_int64()) return std::nullopt;
    return v->get_int64();
}

// The oldest seq a 410 names, from errors[0].meta.oldest_seq.
std::optional<std::int64_t> oldestSeqOf(const std::string& body) {
    json::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (ec || !parsed.is_object()) return std::nullopt;
    const json::value* errors = parsed.as_object().if_contains("errors");
    if (errors == nullptr || !errors->is_array() || errors->as_array().empty() || !errors->as_array()[0].is_object())
        return std::nullopt;
    const json::value* meta = errors->as_array()[0].as_object().if_contains("meta");
    const json::value* oldest =
        meta != nullptr && meta->is_object() ? meta->as_object().if_contains("oldest_seq") : nullptr;
    if (oldest == nullptr || !oldest->is_int64()) return std::nullopt;
    return oldest->get_int64();
}

} // namespace

int CommandRunner::changes(const ChangesOptions& options) {
    std::int64_t since = options.since;
    bool header = format_ == Format::Table;
    auto stopped = [&] { return options.stopRequested && options.stopRequested(); };
    for (std::int64_t request = 0; request < kMaxRequests && !stopped(); ++request) {
        HttpRequest get{"GET", changesTarget(options, since, options.follow), "application/json", "", ""};
        out_.flush();
        if (options.waiting) options.waiting(true);
        int exitCode = kExitOk;
        auto reply = send(get, exitCode);
        if (options.waiting) options.waiting(false);
        if (!reply) return exitCode;
        if (reply->status == 410) {
            reportErrorAnswer(*reply);
            auto oldest = oldestSeqOf(reply->body);
            err_ << "roomsctl: the changes after " << since << " are gone; take a snapshot (GET /changes/snapshot) "
                 << "and follow from its seq, or accept the gap with --since "
                 << (oldest ? std::to_string(*oldest - 1) : std::string("<oldest_seq - 1>")) << '\n';
            return kExitDaemonError;
        }
        if (reply->status < 200 || reply->status >= 300) {
            reportErrorAnswer(*reply);
            return kExitDaemonError;
        }
        std::optional<std::int64_t> next;
        std::size_t count = 0;
        {
            auto body = parseBody(*reply, exitCode);
            if (!body) return exitCode;
            const json::array* data = dataArray(*body, exitCode);
            if (data == nullptr) return exitCode;
            count = data->size();
            next = metaInteger(body->as_object(), "next_since");
            if (format_ == Format::JsonLines) {
                // The daemon's JSON lines, written from its JSON answer (whose meta says where to go on).
                for (const auto& change : *data) out_ << json::serialize(change) << '\n';
            } else if (format_ == Format::Table) {
                if (header) {
                    out_ << std::left << std::setw(8) << "SEQ"
                         << "  " << std::setw(27) << "APPLIED_AT"
                         << "  " << std::setw(17) << "KIND"
                         << "  " << std::setw(7) << "OP"
                         << "  ID  FIELDS\n";
                    header = false;
                }
                for (const auto& change : *data)
                    if (change.is_object()) out_ << changeLine(change.as_object());
            } else if (!options.follow || count > 0) {
                printBody(reply->body);
            }
        }
        if (!options.follow) return kExitOk;
        if (!next || *next < since) {
            err_ << "roomsctl: roomsd's answer does not say where the next page starts\n";
            return kExitDaemonError;
        }
        since = *next;
    }
    return kExitOk;
}

const json::array* CommandRunner::dataArray(const json::value& body, int& exitCode) {
    const json::value* data = body.as_object().if_contains("data");
    if (data == nullptr || !data->is_array()) {
        err_ << "roomsctl: roomsd's answer has no data array\n";
        exitCode = kExitDaemonError;
        return nullptr;
    }
    return &data->as_array();
}

int CommandRunner::consumers() {
    int exitCode = kExitOk;
    auto reply = exchange(HttpRequest{"GET", "/changes/consumers", "application/json", "", ""}, exitCode);
    if (!reply) return exitCode;
    if (format_ != Format::Table) {
        printBody(reply->body);
        return kExitOk;
    }
    auto body = parseBody(*reply, exitCode);
    if (!body) return exitCode;
    const json::array* data = dataArray(*body, exitCode);
    if (data == nullptr) return exitCode;
    out_ << std::left << std::setw(24) << "NAME"
         << "  " << std::setw(10) << "ACKED_SEQ"
         << "  " << std::setw(8) << "LAG"
         << "  " << std::setw(27) << "REGISTERED_AT"
         << "  ACKED_AT\n";
    for (const auto& c : *data) {
        if (!c.is_object()) continue;
        const json::object& o = c.as_object();
        out_ << std::setw(24) << escapeForTerminal(text(o.if_contains("name"))) << "  " << std::setw(10)
             << text(o.if_contains("acked_seq")) << "  " << std::setw(8) << text(o.if_contains("lag")) << "  "
             << std::setw(27) << escapeForTerminal(text(o.if_contains("registered_at"))) << "  "
             << escapeForTerminal(text(o.if_contains("acked_at"))) << '\n';
    }
    return kExitOk;
}

} // namespace roomsd::ctl
