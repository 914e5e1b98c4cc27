// A real PostgreSQL server for one test: Debian's postgresql-15 binaries, a cluster made by
// initdb in a temporary directory, run as an unprivileged user (initdb and postgres refuse
// root: under root the test drops to `nobody` with setpriv), listening on its Unix socket in
// that directory and on a free loopback port only. And PgClient, the test's own libpq client
// (independent of roomsd-replicate's), answering every value as text.
// Thread-safety: one owner per object.
#pragma once

#include <libpq-fe.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace roomsd::test {

// Rows of text; NULL is nullopt.
using PgRows = std::vector<std::vector<std::optional<std::string>>>;

class PgClient {
public:
    explicit PgClient(const std::string& conninfo); // throws when it cannot connect
    // Runs `sql`; throws std::runtime_error with the server's message when it fails.
    PgRows query(const std::string& sql);
    // The first value of the first row ("" when NULL or no row).
    std::string scalar(const std::string& sql);

private:
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

class PgServer {
public:
    PgServer(); // initdb, then start(); waits until it accepts connections
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // The libpq connection string of database `postgres` as user `postgres`, over the socket.
    std::string conninfo() const;
    int port() const { return port_; }
    const std::filesystem::path& socketDir() const { return socketDir_; }
    PgClient client() const { return PgClient(conninfo()); }

    // Stops the server: fast shutdown, or immediate (as a crash) when `immediate`; start()
    // brings it back on the same directory and port.
    void stop(bool immediate = false);
    void start();
    std::string log() const;

private:
    std::vector<std::string> asServerUser(std::vector<std::string> argv) const;

    TempDir dir_;
    std::filesystem::path data_;
    std::filesystem::path socketDir_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

} // namespace roomsd::test
