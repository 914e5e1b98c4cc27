// One libpq connection, RAII: connecting, running statements, and the errors scrubbed.
//
// Every wait (connecting, a statement's answer) polls the socket in slices of 200 ms and
// ends early when the stop token is set: a statement in flight is cancelled on the server
// (PQcancel), and the call answers ErrorKind::Cancelled. The connection string is a secret:
// an error never contains it, nor its password (libpq echoes parts of a malformed one).
// Errors: Transient for a lost or refused connection (worth a reconnect), Storage for a
// statement the server refused (the message says which), Config for a connection string
// that does not parse or a server that refuses the login.
// Thread-safety: one thread at a time per object.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/secret.hpp"

namespace roomsd::replicate {

// A statement's answer; rows and columns as text (libpq's text format), NULL as nullopt.
class PgResult {
public:
    explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
    int rows() const { return PQntuples(result_.get()); }
    int columns() const { return PQnfields(result_.get()); }
    bool isNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
    std::string text(int row, int column) const { return PQgetvalue(result_.get(), row, column); }
    std::optional<std::string> value(int row, int column) const;
    // The rows an INSERT/UPDATE/DELETE touched.
    long long affected() const;

private:
    std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// A parameter: text, or NULL.
using PgParam = std::optional<std::string>;

class PgConnection {
public:
    // Connects with `conninfo` (any libpq form: "host=... dbname=..." or a postgresql:// URI),
    // within 30 s.
    static Result<PgConnection> connect(const Secret& conninfo, std::stop_token stop);

    PgConnection(PgConnection&&) noexcept = default;
    PgConnection& operator=(PgConnection&&) noexcept = default;

    // Runs `sql` (one or more statements, no parameters); the last statement's answer.
    Result<PgResult> exec(const std::string& sql);
    // Runs one statement with $1.. parameters (sent as text, typed by the server).
    Result<PgResult> exec(const std::string& sql, const std::vector<PgParam>& params);
    // Prepares `sql` as `name` on this connection, once; runPrepared runs it.
    Result<void> prepare(const std::string& name, const std::string& sql, int params);
    Result<PgResult> runPrepared(const std::string& name, const std::vector<PgParam>& params);
    // Whether the connection still works as far as libpq knows (it learns on the next statement).
    bool ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
    // The server's version as PostgreSQL prints it ("15.18").
    std::string serverVersion() const;

private:
    PgConnection(PGconn* conn, std::vector<Secret> secrets, std::stop_token stop);
    // Waits for the answer to the query sent; the last result, or the error.
    Result<PgResult> finish(const std::string& what);
    Error connectionError(const std::string& what) const;
    std::string scrub(std::string text) const;

    std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
    std::vector<Secret> secrets_; // what a message must not show: the conninfo, its password
    std::stop_token stop_;
};

// "prefix [redacted] suffix": `text` with each of `secrets` replaced.
std::string scrubSecrets(std::string text, const std::vector<Secret>& secrets);

} // namespace roomsd::replicate
