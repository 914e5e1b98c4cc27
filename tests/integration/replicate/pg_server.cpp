#include "pg_server.hpp"

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace roomsd::test {
namespace {

const fs::path kPgBin = "/usr/lib/postgresql/15/bin";

void chownTree(const fs::path& path, uid_t uid, gid_t gid) {
    if (::chown(path.c_str(), uid, gid) != 0) throw std::runtime_error("chown " + path.string() + " failed");
    if (fs::is_directory(path))
        for (const auto& entry : fs::recursive_directory_iterator(path))
            if (::lchown(entry.path().c_str(), uid, gid) != 0) throw std::runtime_error("chown failed");
}

} // namespace

PgClient::PgClient(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str()), &PQfinish) {
    if (PQstatus(conn_.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(conn_.get()));
}

PgRows PgClient::query(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_.get(), sql.c_str()), &PQclear);
    ExecStatusType status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error("PostgreSQL: " + std::string(PQresultErrorMessage(r.get())) + " in: " + sql);
    PgRows rows;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        std::vector<std::optional<std::string>> row;
        for (int j = 0; j < PQnfields(r.get()); ++j)
            row.push_back(PQgetisnull(r.get(), i, j) ? std::nullopt
                                                     : std::optional<std::string>(PQgetvalue(r.get(), i, j)));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string PgClient::scalar(const std::string& sql) {
    PgRows rows = query(sql);
    if (rows.empty() || rows[0].empty() || !rows[0][0]) return "";
    return *rows[0][0];
}

std::vector<std::string> PgServer::asServerUser(std::vector<std::string> argv) const {
    if (::geteuid() != 0) return argv;
    std::vector<std::string> out{"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

PgServer::PgServer() : data_(dir_ / "data"), socketDir_(dir_.path()), port_(5432) {
    if (::geteuid() == 0) {
        const passwd* nobody = ::getpwnam("nobody");
        if (!nobody) throw std::runtime_error("no user nobody to run PostgreSQL as");
        chownTree(dir_.path(), nobody->pw_uid, nobody->pw_gid);
    }
    SpawnOptions options;
    options.stdoutPath = dir_ / "initdb.log";
    options.stderrPath = dir_ / "initdb.log";
    RunResult r = run(asServerUser({(kPgBin / "initdb").string(), "-D", data_.string(), "-U", "postgres", "-A", "trust",
                                    "-E", "UTF8", "--locale=C", "--no-sync"}),
                      options, std::chrono::seconds(60));
    if (r.exitCode != 0) throw std::runtime_error("initdb failed: " + readFile(dir_ / "initdb.log"));
    start();
}

PgServer::~PgServer() {
    if (process_ && process_->running()) process_->stop(std::chrono::seconds(5));
}

std::string PgServer::conninfo() const {
    return "host=" + socketDir_.string() + " port=" + std::to_string(port_) + " dbname=postgres user=postgres";
}

void PgServer::start() {
    SpawnOptions options;
    options.stdoutPath = dir_ / "postgres.log";
    options.stderrPath = dir_ / "postgres.log";
    // No TCP at all: clients use the Unix socket in the test's own directory (so the default port
    // number is no one else's). Listening on a loopback port too let a restart lose its port to a
    // listener another test opened meanwhile, and fail. fsync off: a test survives a server crash
    // (the OS keeps what was written), not an OS crash; commits stay synchronous, so a commit the
    // replica was told of is never lost by the immediate shutdowns the tests make.
    process_ = std::make_unique<ChildProcess>(
        asServerUser({(kPgBin / "postgres").string(), "-D", data_.string(), "-p", std::to_string(port_), "-k",
                      socketDir_.string(), "-c", "listen_addresses=", "-c", "fsync=off", "-c", "full_page_writes=off",
                      "-c", "max_connections=20", "-c", "shared_buffers=16MB"}),
        options);
    bool up = eventually(
        [&] {
            if (!process_->running()) return true;
            PGconn* c = PQconnectdb(conninfo().c_str());
            bool ok = PQstatus(c) == CONNECTION_OK;
            PQfinish(c);
            return ok;
        },
        std::chrono::seconds(30));
    if (!up || !process_->running()) throw std::runtime_error("PostgreSQL did not start: " + log());
}

void PgServer::stop(bool immediate) {
    if (!process_) return;
    // SIGQUIT: immediate shutdown, as a crash (every connection dropped, recovery at the next
    // start); SIGINT: fast shutdown (open transactions rolled back).
    process_->signal(immediate ? SIGQUIT : SIGINT);
    process_->waitFor(std::chrono::seconds(20));
    process_.reset();
}

std::string PgServer::log() const { return readFile(dir_ / "postgres.log"); }

} // namespace roomsd::test
