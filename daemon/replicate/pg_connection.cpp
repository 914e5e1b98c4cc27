// libpq, wrapped (see pg_connection.hpp).
// Thread-safety: see pg_connection.hpp.
#include "replicate/pg_connection.hpp"

#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <regex>

#include "common/strings.hpp"

namespace roomsd::replicate {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(30);
constexpr int kPollSliceMs = 200;

// Waits until the socket is readable (or writable) or a slice passes; false when stopped.
bool waitSocket(int fd, bool forWrite, const std::stop_token& stop) {
    if (stop.stop_requested()) return false;
    pollfd p{fd, static_cast<short>(forWrite ? POLLOUT : POLLIN), 0};
    ::poll(&p, 1, kPollSliceMs);
    return !stop.stop_requested();
}

// libpq's message on one line (it breaks its own lines and indents them with tabs).
std::string trimmed(const char* message) {
    std::string text;
    for (const char* c = message ? message : ""; *c; ++c) {
        bool space = *c == '\n' || *c == '\t' || *c == ' ';
        if (!space)
            text += *c;
        else if (!text.empty() && text.back() != ' ')
            text += ' ';
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

// "a statement (SELECT ...)": its first line, for messages.
std::string describe(const std::string& sql) {
    std::string first = sql.substr(0, sql.find('\n'));
    if (first.size() > 60) first = first.substr(0, 57) + "...";
    return "a statement (" + printableForLog(first, 80) + ")";
}

} // namespace

std::string scrubSecrets(std::string text, const std::vector<Secret>& secrets) {
    for (const Secret& secret : secrets) text = redactSecret(text, secret);
    return text;
}

std::optional<std::string> PgResult::value(int row, int column) const {
    if (isNull(row, column)) return std::nullopt;
    return text(row, column);
}

long long PgResult::affected() const {
    const char* n = PQcmdTuples(result_.get());
    return n && *n ? std::atoll(n) : 0;
}

PgConnection::PgConnection(PGconn* conn, std::vector<Secret> secrets, std::stop_token stop)
    : conn_(conn, &PQfinish), secrets_(std::move(secrets)), stop_(std::move(stop)) {}

Result<PgConnection> PgConnection::connect(const Secret& conninfo, std::stop_token stop) {
    std::vector<Secret> secrets{conninfo};
    char* parseError = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.reveal().c_str(), &parseError);
    if (!options) {
        // libpq quotes the part it could not read, which may be the password: say where, not what.
        std::string reason = std::regex_replace(trimmed(scrubSecrets(parseError ? parseError : "", secrets).c_str()),
                                                std::regex("\"[^\"]*\""), "\"...\"");
        PQfreemem(parseError);
        return fail(ErrorKind::Config, "the PostgreSQL connection string is not valid (" + reason + ")");
    }
    for (PQconninfoOption* o = options; o->keyword; ++o)
        if (o->val && *o->val && std::string_view(o->keyword) == "password") secrets.emplace_back(o->val);
    PQconninfoFree(options);

    const char* keywords[] = {"dbname", "fallback_application_name", nullptr};
    const char* values[] = {conninfo.reveal().c_str(), "roomsd-replicate", nullptr};
    PGconn* raw = PQconnectStartParams(keywords, values, 1);
    if (!raw) return fail(ErrorKind::Transient, "out of memory for a PostgreSQL connection");
    PgConnection conn(raw, std::move(secrets), stop);
    if (PQstatus(raw) == CONNECTION_BAD) return conn.connectionError("connecting to PostgreSQL");
    auto deadline = std::chrono::steady_clock::now() + kConnectTimeout;
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK) {
        if (state == PGRES_POLLING_FAILED) return conn.connectionError("connecting to PostgreSQL");
        if (std::chrono::steady_clock::now() > deadline)
            return fail(ErrorKind::Transient, "connecting to PostgreSQL: no answer within 30 s");
        if (!waitSocket(PQsocket(raw), state == PGRES_POLLING_WRITING, stop))
            return fail(ErrorKind::Cancelled, "stopped while connecting to PostgreSQL");
        pollfd p{PQsocket(raw), static_cast<short>(state == PGRES_POLLING_WRITING ? POLLOUT : POLLIN), 0};
        if (::poll(&p, 1, 0) > 0) state = PQconnectPoll(raw);
    }
    if (PQsetnonblocking(raw, 1) != 0) return conn.connectionError("connecting to PostgreSQL");
    // NOTICEs ("relation already exists, skipping") are for interactive sessions, not the log.
    PQsetNoticeProcessor(
        raw, [](void*, const char*) {}, nullptr);
    return conn;
}

std::string PgConnection::scrub(std::string text) const { return scrubSecrets(std::move(text), secrets_); }

Error PgConnection::connectionError(const std::string& what) const {
    std::string message = trimmed(scrub(PQerrorMessage(conn_.get())).c_str());
    // A refused login will not get better by retrying; anything else (no server yet, a restart) may.
    bool refused = message.find("authentication failed") != std::string::npos ||
                   message.find("does not exist") != std::string::npos ||
                   message.find("no pg_hba.conf entry") != std::string::npos;
    return fail(refused ? ErrorKind::Config : ErrorKind::Transient,
                what + ": " + (message.empty() ? "the connection failed" : message));
}

std::string PgConnection::serverVersion() const {
    int v = PQserverVersion(conn_.get());
    return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
}

Result<PgResult> PgConnection::finish(const std::string& what) {
    PGconn* c = conn_.get();
    // Flush what is still queued, then read until libpq has the whole answer.
    while (true) {
        int flushed = PQflush(c);
        if (flushed == 0) break;
        if (flushed < 0) return connectionError(what);
        if (!waitSocket(PQsocket(c), true, stop_)) break;
    }
    while (PQisBusy(c)) {
        if (!waitSocket(PQsocket(c), false, stop_)) {
            // Stopped: ask the server to cancel, then drop the connection (the caller's transaction rolls back).
            if (PGcancel* cancel = PQgetCancel(c)) {
                char buf[256];
                PQcancel(cancel, buf, sizeof buf);
                PQfreeCancel(cancel);
            }
            conn_.reset(); // libpq takes a null connection as a bad one: every later call fails cleanly
            return fail(ErrorKind::Cancelled, "stopped during " + what);
        }
        if (PQconsumeInput(c) == 0) return connectionError(what);
    }
    std::optional<PgResult> last;
    std::optional<Error> error;
    while (PGresult* r = PQgetResult(c)) {
        PgResult result(r);
        ExecStatusType status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !error) {
            std::string message = trimmed(scrub(PQresultErrorMessage(r)).c_str());
            if (PQstatus(c) == CONNECTION_BAD) {
                error = connectionError(what);
            } else {
                error = fail(ErrorKind::Storage, what + ": " + message);
            }
        }
        last.emplace(std::move(result));
    }
    if (error) return *error;
    if (PQstatus(c) == CONNECTION_BAD) return connectionError(what);
    if (!last) return fail(ErrorKind::Transient, what + ": no answer from PostgreSQL");
    return std::move(*last);
}

Result<PgResult> PgConnection::exec(const std::string& sql) {
    if (PQsendQuery(conn_.get(), sql.c_str()) == 0) return connectionError("sending a statement");
    return finish(describe(sql));
}

namespace {
struct ParamArrays {
    std::vector<const char*> values;
    explicit ParamArrays(const std::vector<PgParam>& params) {
        values.reserve(params.size());
        for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    }
};
} // namespace

Result<PgResult> PgConnection::exec(const std::string& sql, const std::vector<PgParam>& params) {
    ParamArrays a(params);
    if (PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr, a.values.data(), nullptr,
                          nullptr, 0) == 0)
        return connectionError("sending a statement");
    return finish(describe(sql));
}

Result<void> PgConnection::prepare(const std::string& name, const std::string& sql, int params) {
    if (PQsendPrepare(conn_.get(), name.c_str(), sql.c_str(), params, nullptr) == 0)
        return connectionError("preparing " + name);
    auto r = finish("preparing " + name);
    if (!r) return std::move(r).error();
    return {};
}

Result<PgResult> PgConnection::runPrepared(const std::string& name, const std::vector<PgParam>& params) {
    ParamArrays a(params);
    if (PQsendQueryPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()), a.values.data(), nullptr,
                            nullptr, 0) == 0)
        return connectionError("sending " + name);
    return finish(name);
}

} // namespace roomsd::replicate
