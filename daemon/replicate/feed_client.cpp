// The change feed over roomsd's socket (see feed_client.hpp).
// Thread-safety: see feed_client.hpp.
#include "replicate/feed_client.hpp"

#include <boost/json.hpp>

#include "common/strings.hpp"

namespace json = boost::json;

namespace roomsd::replicate {
namespace {

// roomsd's error shape: {"errors":[{"title":..,"detail":..}]}; the body's start otherwise.
std::string errorDetail(const std::string& body) {
    json::error_code ec;
    json::value v = json::parse(body, ec);
    if (!ec && v.is_object())
        if (const json::value* errors = v.as_object().if_contains("errors");
            errors && errors->is_array() && !errors->as_array().empty() && errors->as_array()[0].is_object()) {
            const json::object& e = errors->as_array()[0].as_object();
            std::string text;
            for (const char* key : {"title", "detail"})
                if (const json::value* s = e.if_contains(key); s && s->is_string())
                    text += (text.empty() ? "" : ": ") + std::string(s->as_string());
            if (!text.empty()) return printableForLog(text, 300);
        }
    return printableForLog(body, 200);
}

} // namespace

Error FeedClient::httpError(const std::string& what, const ctl::HttpReply& reply) const {
    ErrorKind kind = reply.status >= 500 ? ErrorKind::Transient : ErrorKind::Http;
    // A roomsd without the change feed (older than it) answers its routes 404.
    std::string hint =
        reply.status == 404 ? " (is roomsd at " + transport_.endpoint() + " new enough to have it?)" : "";
    return fail(kind,
                what + ": roomsd answered " + std::to_string(reply.status) + " " + errorDetail(reply.body) + hint);
}

Result<void> FeedClient::registerConsumer(const std::string& name, std::optional<std::int64_t> ackedSeq) {
    ctl::HttpRequest request;
    request.method = "PUT";
    request.target = "/changes/consumers/" + name;
    if (ackedSeq) {
        request.contentType = "application/json";
        request.body = json::serialize(json::object{{"acked_seq", *ackedSeq}});
    }
    auto reply = transport_.send(request);
    if (!reply) return std::move(reply).error();
    if (reply->status != 200 && reply->status != 201) return httpError("registering consumer " + name, *reply);
    return {};
}

Result<std::variant<ChangesPage, Trimmed>> FeedClient::changes(std::int64_t since, int limit, int waitSecs) {
    ctl::HttpRequest request;
    request.target = "/changes?since=" + std::to_string(since) + "&limit=" + std::to_string(limit) +
                     "&wait=" + std::to_string(waitSecs) + "&format=json";
    auto reply = transport_.send(request);
    if (!reply) return std::move(reply).error();
    if (reply->status == 410) {
        json::error_code ec;
        json::value v = json::parse(reply->body, ec);
        Trimmed trimmed;
        if (!ec)
            if (const json::value* o = v.is_object() ? v.as_object().if_contains("errors") : nullptr;
                o && o->is_array() && !o->as_array().empty())
                if (const json::value* meta =
                        o->as_array()[0].is_object() ? o->as_array()[0].as_object().if_contains("meta") : nullptr;
                    meta && meta->is_object())
                    if (const json::value* oldest = meta->as_object().if_contains("oldest_seq");
                        oldest && oldest->is_int64())
                        trimmed.oldestSeq = oldest->as_int64();
        return std::variant<ChangesPage, Trimmed>(trimmed);
    }
    if (reply->status != 200) return httpError("GET /changes", *reply);
    auto page = parseChangesPage(reply->body);
    if (!page) return std::move(page).error();
    return std::variant<ChangesPage, Trimmed>(std::move(*page));
}

Result<void> FeedClient::snapshot(const SnapshotSink& sink) {
    ctl::HttpRequest request;
    request.target = "/changes/snapshot";
    request.accept = "application/x-ndjson";
    std::string pending;
    std::optional<Error> failed;
    bool header = false;
    std::optional<std::int64_t> endRows;
    std::int64_t rows = 0;
    auto take = [&](std::string_view line) {
        if (failed || line.empty()) return;
        if (endRows) {
            failed = fail(ErrorKind::Protocol, "the snapshot goes on after its end line");
            return;
        }
        auto parsed = parseSnapshotLine(line);
        if (!parsed) {
            failed = std::move(parsed).error();
            return;
        }
        bool isHeader = parsed->kind == SnapshotLine::Kind::Header;
        if (isHeader != !header) {
            failed = fail(ErrorKind::Protocol, header ? "the snapshot has a second header line"
                                                      : "the snapshot does not start with its header line");
            return;
        }
        header = true;
        if (parsed->kind == SnapshotLine::Kind::Row) ++rows;
        if (parsed->kind == SnapshotLine::Kind::End) endRows = parsed->rows;
        if (auto r = sink(*parsed); !r) failed = std::move(r).error();
    };
    auto reply = transport_.stream(request, [&](const ctl::HttpReply&, std::string_view piece) {
        pending.append(piece);
        std::size_t start = 0;
        for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
            take(std::string_view(pending).substr(start, nl - start));
        pending.erase(0, start);
    });
    if (!reply) return std::move(reply).error();
    if (reply->status != 200) return httpError("GET /changes/snapshot", *reply);
    if (!failed && !pending.empty()) take(pending);
    if (failed) return *failed;
    if (!reply->complete)
        return fail(ErrorKind::Transient, "the snapshot was cut short (" + reply->incompleteReason + ")");
    if (!endRows) return fail(ErrorKind::Transient, "the snapshot ended without its end line");
    if (*endRows != rows)
        return fail(ErrorKind::Protocol, "the snapshot's end line counts " + std::to_string(*endRows) +
                                             " rows, but it sent " + std::to_string(rows));
    return {};
}

Result<void> FeedClient::ack(const std::string& name, std::int64_t seq) {
    ctl::HttpRequest request;
    request.method = "POST";
    request.target = "/changes/consumers/" + name + "/ack";
    request.contentType = "application/json";
    request.body = json::serialize(json::object{{"seq", seq}});
    auto reply = transport_.send(request);
    if (!reply) return std::move(reply).error();
    if (reply->status != 200) return httpError("acknowledging " + std::to_string(seq), *reply);
    return {};
}

} // namespace roomsd::replicate
