// The query API's routes: request in, Reply out. Database work is handed to
// the worker pools; everything else is answered at once.
// Thread-safety: see server_core.hpp.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <climits>
#include <filesystem>
#include <variant>

#include "api/changes_routes.hpp"
#include "api/query_string.hpp"
#include "api/report_routes.hpp"
#include "api/server_core.hpp"
#include "api/sql_encoding.hpp"
#include "api/sql_export.hpp"
#include "api/sql_request.hpp"
#include "api/status.hpp"
#include "api/telnyx_query.hpp"
#include "api/telnyx_render.hpp"
#include "common/strings.hpp"
#include "common/version.hpp"
#include "store/mirror_reader.hpp"
#include "store/sql_query.hpp"

namespace roomsd::api {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::uint64_t fileSize(const fs::path& path) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    return ec ? 0 : static_cast<std::uint64_t>(size);
}

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

Reply withSyncedAt(Reply reply, const std::optional<Timestamp>& syncedAt) {
    reply.syncedAt = syncedAt;
    return reply;
}

void answerTelnyx(ServerCore& core, const RouteMatch& match, std::string_view query, const ReplyCallback& done) {
    auto parsed = parseTelnyxQuery(*telnyxRouteOf(match.route), match.id, query);
    if (!parsed) {
        Reply reply;
        reply.status = 422;
        reply.body = errorsBody("10015", "Invalid parameter", parsed.error().message, parsed.error().parameter);
        return done(std::move(reply));
    }
    store::ListRequest request = std::move(parsed).value();
    bool byId = isByIdRoute(match.route);
    bool queued = core.readers.submitRead(
        [request = std::move(request), id = match.id, byId, done](store::MirrorReader* reader, std::stop_token) {
            if (reader == nullptr) return done(databaseUnavailable());
            const model::RecordSchema& schema = *request.schema;
            if (byId) {
                auto lookup = reader->get(schema, id, request.includeChildren);
                if (!lookup) return done(internalError(lookup.error()));
                if (!lookup->record) {
                    Reply reply;
                    reply.status = 404;
                    reply.body = resourceNotFoundBody(schema, id);
                    return done(withSyncedAt(std::move(reply), lookup->syncedAt));
                }
                auto body = renderRecordBody(schema, *lookup->record);
                if (!body) return done(internalError(body.error()));
                Reply reply;
                reply.body = std::move(*body);
                return done(withSyncedAt(std::move(reply), lookup->syncedAt));
            }
            auto page = reader->list(request);
            if (!page) return done(internalError(page.error()));
            auto body = renderListBody(schema, *page, request.pageNumber, request.pageSize);
            if (!body) return done(internalError(body.error()));
            Reply reply;
            reply.body = std::move(*body);
            return done(withSyncedAt(std::move(reply), page->syncedAt));
        });
    if (!queued) done(shuttingDown());
}

Reply sqlRefusal(const Error& error) {
    switch (error.kind) {
    case ErrorKind::Usage: return errorReply(400, "sql_invalid", "Invalid SQL", error.message);
    case ErrorKind::Forbidden: return errorReply(403, "sql_forbidden", "SQL not allowed", error.message);
    case ErrorKind::TooLarge: return errorReply(413, "sql_result_too_large", "Result too large", error.message);
    case ErrorKind::Timeout: return errorReply(422, "sql_timeout", "Query timed out", error.message);
    case ErrorKind::Cancelled: return shuttingDown();
    default: break;
    }
    return internalError(fail(ErrorKind::Storage, error.message));
}

store::SqlLimits sqlLimits(const config::ServerConfig& server, SqlFormat format) {
    store::SqlLimits limits;
    limits.timeout = std::chrono::milliseconds(server.sqlTimeoutMs);
    limits.maxRows = server.sqlMaxRows;
    limits.maxBytes = server.sqlMaxBytes;
    if (format != SqlFormat::Json) { // an export: its rows stream, only its size and time are bounded
        limits.maxRows = INT64_MAX;
        limits.maxBytes = server.sqlMaxExportBytes;
        limits.maxValueBytes = server.sqlMaxBytes;
        limits.maxBytesKey = "server.sql_max_export_bytes";
    }
    return limits;
}

void answerSql(ServerCore& core, const ApiRequest& request, const ReplyCallback& done) {
    auto parsed = parseSqlRequest(request.contentType, request.body);
    if (!parsed) return done(errorReply(400, "invalid_body", "Invalid request body", parsed.error().message));
    SqlFormat format = negotiateSqlFormat(request.accept);
    store::SqlLimits limits = sqlLimits(core.live()->server, format); // the limits as reloaded (SIGHUP)
    auto received = Clock::now();
    bool queued = core.sqlWorkers.submit(
        [sql = std::move(parsed).value(), format, limits, received, done](SQLite::Database* db, std::stop_token stop) {
            if (stop.stop_requested()) return done(shuttingDown());
            if (db == nullptr) return done(databaseUnavailable());
            if (Clock::now() - received > limits.timeout) {
                Reply busy = errorReply(503, "sql_busy", "Too many queries",
                                        "every SQL worker was busy for longer than server.sql_timeout_ms; retry later");
                busy.headers.emplace_back("Retry-After", "1");
                return done(std::move(busy));
            }
            store::SqlRunner runner(*db, limits);
            auto refused = [](const Result<store::SqlAnswer>& outcome) {
                spdlog::debug("POST /sql refused: {}", printableForLog(outcome.error().message));
                return sqlRefusal(outcome.error());
            };
            if (format != SqlFormat::Json) {
                SqlExport exported(format, done, stop);
                auto outcome = runner.run(sql.sql, sql.params, exported, exported.stopToken());
                return exported.finish(outcome, outcome ? Reply{} : refused(outcome));
            }
            JsonAnswer json;
            auto outcome = runner.run(sql.sql, sql.params, json, stop);
            if (!outcome) return done(refused(outcome));
            Reply reply;
            reply.body = json.finish();
            return done(withSyncedAt(std::move(reply), outcome->syncedAt));
        });
    if (!queued) done(shuttingDown());
}

void answerStatus(ServerCore& core, const ReplyCallback& done) {
    bool queued = core.readers.submit([&core, done](SQLite::Database* db, std::stop_token) {
        if (db == nullptr) return done(databaseUnavailable());
        auto overview = store::MirrorReader(*db).overview();
        if (!overview) return done(internalError(overview.error()));
        StatusInput in;
        in.version = kVersion;
        in.startedAt = formatTimestamp(core.startedAt);
        in.uptimeSeconds = secondsSince(core.startedSteady);
        fs::path database = core.config.storage.database;
        in.databasePath = database.string();
        in.databaseBytes = fileSize(database);
        in.walBytes = fileSize(database.string() + "-wal");
        in.mirror = std::move(*overview);
        if (auto changes = store::feedOverview(*db))
            in.changes = std::move(*changes);
        else
            spdlog::warn("/status: {}", changes.error().message);
        in.activity = core.sync.activity();
        in.intervalSecs = core.live()->sync.intervalSecs;
        in.baseUrl = core.config.telnyx.baseUrl;
        in.now = nowUtc();
        Reply reply;
        reply.body = renderStatus(in);
        return done(withSyncedAt(std::move(reply), in.mirror.syncedAt));
    });
    if (!queued) done(shuttingDown());
}

void answerMetrics(ServerCore& core, const ReplyCallback& done) {
    bool queued = core.readers.submit([&core, done](SQLite::Database* db, std::stop_token) {
        std::optional<store::MirrorOverview> mirror;
        if (db != nullptr) {
            auto overview = store::MirrorReader(*db).overview();
            if (overview)
                mirror = std::move(*overview);
            else
                spdlog::warn("/metrics: {}", overview.error().message);
        }
        std::optional<store::FeedOverview> changes;
        if (db != nullptr) {
            if (auto feed = store::feedOverview(*db))
                changes = std::move(*feed);
            else
                spdlog::warn("/metrics: {}", feed.error().message);
        }
        MetricsInput in;
        in.changes = changes ? &*changes : nullptr;
        in.changeWaiters = core.changeWaiters.load();
        in.version = kVersion;
        in.uptimeSeconds = secondsSince(core.startedSteady);
        in.activity = core.sync.activity();
        in.mirror = mirror ? &*mirror : nullptr;
        in.databaseBytes = fileSize(core.config.storage.database);
        in.api = core.metrics.snapshot();
        Reply reply;
        reply.body = renderMetrics(in);
        reply.contentType = "text/plain; version=0.0.4; charset=utf-8";
        if (mirror) reply.syncedAt = mirror->syncedAt;
        return done(std::move(reply));
    });
    if (!queued) done(shuttingDown());
}

Reply answerSync(ServerCore& core, std::string_view query) {
    if (core.stopping) return shuttingDown();
    sync::RunRequest request;
    QueryParameters parameters = parseQueryString(query);
    for (const auto& [name, value] : parameters) {
        if (name != "reconcile")
            return errorReply(400, "bad_request", "Unknown parameter",
                              "POST /sync takes one parameter, reconcile=true|false; not " + quoteForLog(name));
        if (value != "true" && value != "false")
            return errorReply(400, "bad_request", "Invalid parameter", "reconcile must be true or false");
        request.reconcile = value == "true";
    }
    switch (core.sync.requestPass(request)) {
    case sync::SyncControl::Trigger::Started: {
        Reply reply;
        reply.status = 202;
        reply.body = request.reconcile ? R"({"status":"started","reconcile":true})" : R"({"status":"started"})";
        return reply;
    }
    case sync::SyncControl::Trigger::AlreadyRunning:
        return errorReply(409, "sync_running", "A pass is running",
                          "a sync pass is already running; its outcome shows in GET /status");
    case sync::SyncControl::Trigger::ShuttingDown: break;
    }
    return shuttingDown();
}

} // namespace

Route handleRequest(const std::shared_ptr<ServerCore>& core, const ApiRequest& request, ReplyCallback done) {
    std::string_view target = request.target;
    if (target.empty() || target.front() != '/') {
        done(errorReply(400, "bad_request", "Bad request", "the request target must be a path such as /v2/rooms"));
        return Route::Unknown;
    }
    auto question = target.find('?');
    std::string_view path = target.substr(0, question);
    std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
    RouteMatch match = matchRoute(path);
    if (match.route == Route::Unknown) {
        done(errorReply(404, "not_found", "Not found",
                        "there is no route " + printableForLog(path, 100) +
                            "; roomsd serves /v2/rooms, /v2/room_sessions, /v2/room_participants (and their "
                            "by-id and nested routes), /sql, /status, /metrics, /sync, /reports and /changes"));
        return match.route;
    }
    std::string_view allow = allowedMethods(match.route);
    if (!allowsMethod(match.route, request.method)) {
        Reply reply = errorReply(405, "method_not_allowed", "Method not allowed",
                                 printableForLog(request.method, 20) + " is not allowed on " +
                                     std::string(routeLabel(match.route)) + "; use " + std::string(allow));
        reply.headers.emplace_back("Allow", std::string(allow));
        done(std::move(reply));
        return match.route;
    }
    switch (match.route) {
    case Route::Sql: answerSql(*core, request, done); break;
    case Route::Status: answerStatus(*core, done); break;
    case Route::Metrics: answerMetrics(*core, done); break;
    case Route::Sync: done(answerSync(*core, query)); break;
    case Route::Reports:
    case Route::Report: answerReports(*core, match, query, done); break;
    case Route::Changes:
    case Route::ChangesStream:
    case Route::ChangesSnapshot:
    case Route::ChangeConsumers:
    case Route::ChangeConsumer:
    case Route::ChangeConsumerAck: answerChanges(core, match, request, query, done); break;
    default: answerTelnyx(*core, match, query, done); break;
    }
    return match.route;
}

} // namespace roomsd::api
