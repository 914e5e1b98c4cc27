// The page cache through StreamPass: an incremental pass replays the pages upstream sends again
// byte for byte, records what parsing them would have recorded, and reads a page the long way
// when its records were written since, its bytes changed, or the walk that cached it failed.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>

#include <boost/json.hpp>

#include <cstdio>
#include <sstream>

#include "integration/client/log_capture.hpp"
#include "room_ids.hpp"
#include "scripted_source.hpp"
#include "store/database.hpp"
#include "support/process.hpp"
#include "sync/page_cache.hpp"
#include "sync/stream_pass.hpp"

using namespace roomsd;
using namespace roomsd::sync;
namespace json = boost::json;

namespace {

const model::RecordSchema& rooms = model::roomsSchema();

using test::at;
using test::roomId;

json::object room(int n) {
    return json::object{
        {"id", roomId(n)},
        {"record_type", "room"},
        {"unique_name", "room " + std::to_string(n)},
        {"max_participants", 10},
        {"created_at", "2026-03-01T09:00:00.000000Z"},
        {"updated_at", formatTimestamp(Timestamp{at("2026-03-09T10:00:00Z").micros + n * 60'000'000LL})},
    };
}

// 12 rooms in pages of 5 (3 pages), backfilled, a page cache kept from one pass to the next.
struct Fixture {
    test::LogCapture log;
    test::TempDir dir;
    SQLite::Database db{store::openWriter(dir / "mirror.db")};
    store::MirrorWriter writer{db};
    store::SyncStateStore state{db};
    test::ScriptedSource source;
    SyncOptions options;
    PageCache cache;
    Timestamp now = at("2026-03-10T12:00:00Z");
    PassEnvironment env{source, writer, state, options, [this] { return now; }, nullptr, &cache};

    Fixture() {
        writer.batchPages(true);
        options.pageSize = 5;
        options.maxInFlight = 2;
        for (int i = 1; i <= 12; ++i) source.upstream.append(rooms, room(i));
        REQUIRE(pass().run.mode == store::PassMode::Backfill);
        CHECK(cache.size() == 0); // a full pass caches nothing
    }

    PassReport pass() {
        now.micros += 60'000'000LL;
        PassReport report = StreamPass(rooms, env).run({});
        REQUIRE(report.run.outcome == store::PassOutcome::Ok);
        return report;
    }

    std::string value(const std::string& sql) {
        SQLite::Statement q(db, sql);
        if (!q.executeStep()) return "none";
        return q.getColumn(0).isNull() ? "NULL" : q.getColumn(0).getString();
    }
    std::string lastRun() {
        return value("SELECT mode || ' requests=' || requests || ' pages=' || pages || ' walks=' || walks ||"
                     " ' seen=' || records_seen || ' inserted=' || inserted || ' updated=' || updated ||"
                     " ' unchanged=' || unchanged || ' errors=' || errors || ' cursor=' || cursor_after"
                     " FROM sync_runs WHERE stream = 'rooms' ORDER BY id DESC LIMIT 1");
    }
};

} // namespace

TEST_CASE("a pass replays the pages upstream sends again unchanged, and records what parsing them would") {
    Fixture f;
    f.pass(); // the first incremental pass parses every page, and caches them
    CHECK(f.source.unparsedPages() == 0);
    CHECK(f.cache.size() == 3);
    std::string parsed = f.lastRun();
    CHECK(parsed == "incremental requests=3 pages=3 walks=1 seen=12 inserted=0 updated=0 unchanged=12 errors=0 "
                    "cursor=2026-03-09T10:12:00.000000Z");
    f.pass();
    CHECK(f.source.unparsedPages() == 3);
    CHECK(f.lastRun() == parsed);
    f.pass();
    CHECK(f.source.unparsedPages() == 6);
    CHECK(f.lastRun() == parsed);
}

TEST_CASE("a record written since its page was cached is read again, though upstream sends the same bytes") {
    Fixture f;
    f.pass();
    // The mirror marked room 7 deleted meanwhile (a reconcile asked for it by id and got a 404).
    REQUIRE(*f.writer.markDeleted(rooms, roomId(7), f.now));
    REQUIRE(f.writer.flush());
    f.pass();
    CHECK(f.value("SELECT deleted_at FROM rooms WHERE id = 'room-0007'") == "NULL"); // listed: live again
    CHECK(f.value("SELECT op FROM change_log ORDER BY seq DESC LIMIT 1") == "restore");
    // All three pages came back as the bytes cached; room 7's was read after all (the restore).
    CHECK(f.source.unparsedPages() == 3);
    CHECK(f.lastRun().find(" updated=1 unchanged=11 ") != std::string::npos);
    f.pass();
    CHECK(f.source.unparsedPages() == 6);
    CHECK(f.lastRun().find(" updated=0 unchanged=12 ") != std::string::npos);
}

TEST_CASE("a page whose bytes changed is read and written, then cached with its new bytes") {
    Fixture f;
    f.pass();
    json::object* renamed = f.source.upstream.find(rooms, roomId(12));
    (*renamed)["unique_name"] = "renamed";
    (*renamed)["updated_at"] = "2026-03-09T11:00:00.000000Z";
    f.pass();
    CHECK(f.value("SELECT unique_name FROM rooms WHERE id = 'room-0012'") == "renamed");
    CHECK(f.lastRun().find(" updated=1 unchanged=11 ") != std::string::npos);
    CHECK(f.lastRun().find("cursor=2026-03-09T11:00:00.000000Z") != std::string::npos);
    CHECK(f.source.unparsedPages() == 2);
    f.pass();
    CHECK(f.source.unparsedPages() == 5);
    CHECK(f.lastRun().find(" updated=0 unchanged=12 ") != std::string::npos);
}

TEST_CASE("a walk that fails caches none of its pages, though the ones it wrote stay written") {
    Fixture f;
    f.source.clearLogs();
    f.source.script.listErrors[3] = ErrorKind::Transient;
    {
        f.now.micros += 60'000'000LL;
        PassReport failed = StreamPass(rooms, f.env).run({});
        CHECK(failed.run.outcome == store::PassOutcome::Failed);
    }
    CHECK(f.cache.size() == 0);
    f.source.script.listErrors.clear();
    f.pass();
    CHECK(f.source.unparsedPages() == 0);
    f.pass();
    CHECK(f.source.unparsedPages() == 3);
}

TEST_CASE("entries a pass did not use are dropped: the listing shrank to fewer pages") {
    Fixture f;
    f.pass();
    CHECK(f.cache.size() == 3);
    for (int n = 11; n <= 12; ++n) REQUIRE(f.source.upstream.remove(rooms, roomId(n)));
    f.pass();
    CHECK(f.cache.size() == 2);           // page 3 went; page 2 is cached again with its new meta
    CHECK(f.source.unparsedPages() == 0); // every page's meta (total_results) changed
}
