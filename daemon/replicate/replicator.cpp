// The replication loop (see replicator.hpp).
// Thread-safety: see replicator.hpp.
#include "replicate/replicator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "replicate/feed_client.hpp"
#include "replicate/pg_connection.hpp"
#include "replicate/replica_schema.hpp"
#include "replicate/replica_store.hpp"

namespace roomsd::replicate {
namespace {

using namespace std::chrono_literals;

// Sleeps `d`, or less when stopped; false when stopped.
bool pause(std::chrono::milliseconds d, const std::stop_token& stop) {
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    cv.wait_for(lock, stop, d, [] { return false; });
    return !stop.stop_requested();
}

// 0.5 s, doubling up to 30 s, back to 0.5 s after a success.
class Backoff {
public:
    std::chrono::milliseconds next() {
        auto d = delay_;
        delay_ = std::min<std::chrono::milliseconds>(delay_ * 2, 30s);
        return d;
    }
    void reset() { delay_ = 500ms; }

private:
    std::chrono::milliseconds delay_ = 500ms;
};

// Where an Error came from decides what to do with it.
enum class Source { Postgres, Mirror };

// How the session with one PostgreSQL connection ended.
enum class SessionEnd { Stopped, Reconnect };

class Session {
public:
    Session(const ReplicatorOptions& options, PgConnection& conn, FeedClient& feed, const ReplicatorEvents& events,
            bool& readySent)
        : options_(options), conn_(conn), store_(conn, options.schema, options.consumer), feed_(feed), events_(events),
          readySent_(readySent) {}

    // Follows the feed until stopped, the connection is lost (Reconnect), or a fatal Error.
    Result<SessionEnd> run(bool needSnapshot, Backoff& backoff, const std::stop_token& stop) {
        if (auto r = store_.prepare(); !r) return end(std::move(r).error(), Source::Postgres);
        auto state = store_.readState();
        if (!state) return end(std::move(state).error(), Source::Postgres);
        bool snapshotDue = needSnapshot || !*state;
        std::int64_t since = *state ? (*state)->lastSeq : 0;
        bool registered = false;
        while (!stop.stop_requested()) {
            if (!registered) {
                // Idempotent: a consumer that exists keeps its acknowledgement; one that was
                // deleted is registered again where this replica stands.
                auto r = feed_.registerConsumer(options_.consumer,
                                                snapshotDue ? std::nullopt : std::optional<std::int64_t>(since));
                if (!r && r.error().kind == ErrorKind::Http && !snapshotDue) {
                    // roomsd refuses our position (past its log: a new mirror). Registered at its own
                    // position instead, the first page shows the log behind us and a snapshot follows.
                    spdlog::warn("{}; registering at roomsd's position instead", r.error().message);
                    r = feed_.registerConsumer(options_.consumer, std::nullopt);
                }
                if (!r) {
                    if (auto e = retryOrEnd(std::move(r).error(), Source::Mirror, backoff, stop)) return *e;
                    continue;
                }
                registered = true;
            }
            if (snapshotDue) {
                auto loaded = loadSnapshot(stop);
                if (!loaded) {
                    if (auto e = retryOrEnd(std::move(loaded).error(), lastSource_, backoff, stop)) return *e;
                    continue;
                }
                since = *loaded;
                snapshotDue = false;
                backoff.reset();
                announce("snapshot loaded: at seq " + std::to_string(since));
                acknowledge(since, registered);
                continue;
            }
            announceReady(since);
            auto answer = feed_.changes(since, options_.batch, options_.waitSecs);
            if (!answer) {
                if (auto e = retryOrEnd(std::move(answer).error(), Source::Mirror, backoff, stop)) return *e;
                continue;
            }
            if (auto* trimmed = std::get_if<Trimmed>(&*answer)) {
                spdlog::warn("roomsd no longer holds the changes after seq {} (its oldest is {}): taking a new "
                             "snapshot",
                             since, trimmed->oldestSeq);
                snapshotDue = true;
                registered = false;
                continue;
            }
            const ChangesPage& page = std::get<ChangesPage>(*answer);
            backoff.reset();
            if (page.lastSeq < since) {
                spdlog::warn("roomsd's change log ends at seq {}, before this replica's position {}: a new mirror; "
                             "taking a new snapshot",
                             page.lastSeq, since);
                snapshotDue = true;
                registered = false;
                continue;
            }
            if (page.nextSince <= since) continue; // the wait ended with nothing new
            if (auto r = store_.applyPage(since, page); !r) {
                Error e = std::move(r).error();
                if (e.kind == ErrorKind::Transient && conn_.ok()) { // the position moved under us: read it again
                    spdlog::warn("{}", e.message);
                    return SessionEnd::Reconnect;
                }
                return end(std::move(e), Source::Postgres);
            }
            spdlog::debug("applied {} changes, seq {} to {}", page.changes.size(), since + 1, page.nextSince);
            since = page.nextSince;
            acknowledge(since, registered);
            announce("at seq " + std::to_string(since) + ", " + std::to_string(page.lastSeq - since) + " behind");
        }
        return SessionEnd::Stopped;
    }

private:
    // The snapshot's seq once it is committed.
    Result<std::int64_t> loadSnapshot(const std::stop_token& stop) {
        spdlog::info("taking a snapshot of the mirror into {}", options_.schema);
        auto load = store_.snapshot();
        std::int64_t seq = -1;
        std::string takenAt;
        std::optional<Error> pgError;
        auto fed = feed_.snapshot([&](const SnapshotLine& line) -> Result<void> {
            if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped during the snapshot");
            Result<void> r;
            switch (line.kind) {
            case SnapshotLine::Kind::Header:
                seq = line.seq;
                takenAt = line.takenAt;
                r = load.begin();
                break;
            case SnapshotLine::Kind::Row: r = load.add(line.row); break;
            case SnapshotLine::Kind::End: break;
            }
            if (!r) pgError = r.error();
            return r;
        });
        if (pgError) {
            lastSource_ = Source::Postgres;
            return *pgError;
        }
        lastSource_ = Source::Mirror;
        if (!fed) return std::move(fed).error(); // `load` rolls back: a snapshot without its end is not used
        if (auto r = load.commit(seq, takenAt); !r) {
            lastSource_ = Source::Postgres;
            return std::move(r).error();
        }
        spdlog::info("snapshot loaded: {} rows, consistent with seq {}", load.rows(), seq);
        return seq;
    }

    void acknowledge(std::int64_t seq, bool& registered) {
        if (auto r = feed_.ack(options_.consumer, seq); !r) {
            // Only retention waits for it: the next page is asked from PostgreSQL's position anyway.
            spdlog::warn("could not acknowledge seq {} to roomsd: {}", seq, r.error().message);
            registered = false;
        }
    }

    void announceReady(std::int64_t since) {
        if (readySent_) return;
        readySent_ = true;
        std::string line = "following the change feed from seq " + std::to_string(since);
        spdlog::info("{}", line);
        if (events_.ready) events_.ready(line);
    }

    void announce(const std::string& line) {
        if (events_.status) events_.status(line);
    }

    // The session's end for an Error: Reconnect for a lost connection, the Error otherwise.
    Result<SessionEnd> end(Error e, Source source) {
        if (e.kind == ErrorKind::Cancelled) return SessionEnd::Stopped;
        if (source == Source::Postgres && e.kind == ErrorKind::Transient) {
            spdlog::warn("PostgreSQL: {}", e.message);
            return SessionEnd::Reconnect;
        }
        return e;
    }

    // nullopt: retry (after a pause) within this session; else how the session ends.
    std::optional<Result<SessionEnd>> retryOrEnd(Error e, Source source, Backoff& backoff,
                                                 const std::stop_token& stop) {
        if (e.kind == ErrorKind::Cancelled || stop.stop_requested()) return Result<SessionEnd>(SessionEnd::Stopped);
        if (source == Source::Postgres) return end(std::move(e), source);
        // roomsd: down, restarting, or refusing for now (Http): wait and ask again. What it sent
        // that does not fit the contract (Protocol) will not fit next time either.
        if (e.kind == ErrorKind::Protocol) return Result<SessionEnd>(std::move(e));
        auto delay = backoff.next();
        spdlog::warn("roomsd at {}: {}; retrying in {} ms", feed_.endpoint(), e.message, delay.count());
        if (!pause(delay, stop)) return Result<SessionEnd>(SessionEnd::Stopped);
        return std::nullopt;
    }

    const ReplicatorOptions& options_;
    PgConnection& conn_;
    ReplicaStore store_;
    FeedClient& feed_;
    const ReplicatorEvents& events_;
    bool& readySent_;
    Source lastSource_ = Source::Mirror;
};

} // namespace

Replicator::Replicator(ReplicatorOptions options, Secret conninfo, ctl::Transport& mirror, ReplicatorEvents events)
    : options_(std::move(options)), conninfo_(std::move(conninfo)), mirror_(mirror), events_(std::move(events)) {}

Result<void> Replicator::run(std::stop_token stop) {
    FeedClient feed(mirror_);
    Backoff backoff;
    bool readySent = false;
    while (!stop.stop_requested()) {
        auto conn = PgConnection::connect(conninfo_, stop);
        Result<bool> created = conn ? prepareSchema(*conn, options_.schema) : Result<bool>(conn.error());
        if (!created) {
            Error e = std::move(created).error();
            if (e.kind == ErrorKind::Cancelled) break;
            if (e.kind != ErrorKind::Transient) return e;
            auto delay = backoff.next();
            spdlog::warn("PostgreSQL: {}; retrying in {} ms", e.message, delay.count());
            if (!pause(delay, stop)) break;
            continue;
        }
        spdlog::info("connected to PostgreSQL {}, schema {} checked", conn->serverVersion(), options_.schema);
        if (*created) spdlog::info("created the replica's tables in schema {}", options_.schema);
        Session session(options_, *conn, feed, events_, readySent);
        auto ended = session.run(*created, backoff, stop);
        if (!ended) return std::move(ended).error();
        if (*ended == SessionEnd::Stopped) break;
        auto delay = backoff.next();
        if (!pause(delay, stop)) break;
    }
    return {};
}

} // namespace roomsd::replicate
