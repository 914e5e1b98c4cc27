// StreamPass against scripted pages and a real SQLite mirror: what a pass leaves
// in the mirror, in sync_runs and in the cursor when the listing is stable,
// moves, lies, does not advance, loses records, fails or is stopped.
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
#include "sync/stream_pass.hpp"

using namespace roomsd;
using namespace roomsd::sync;
namespace json = boost::json;
using test::GetAnswer;

namespace {

const model::RecordSchema& rooms = model::roomsSchema();

using test::at;
using test::roomId;

// Room n was last updated n minutes after 10:00 on 2026-03-09, unless told otherwise.
std::string updatedAt(int n) {
    return formatTimestamp(Timestamp{at("2026-03-09T10:00:00Z").micros + n * 60'000'000LL});
}

json::object room(int n, const std::string& updated, const std::string& name) {
    return json::object{{"id", roomId(n)},           {"record_type", "room"},
                        {"unique_name", name},       {"max_participants", 10},
                        {"enable_recording", false}, {"created_at", "2026-03-01T09:00:00.000000Z"},
                        {"updated_at", updated},     {"sessions", json::array{}}};
}
json::object room(int n) { return room(n, updatedAt(n), "room " + std::to_string(n)); }

// A mirror in a temp dir, the real writer and state store, a scripted upstream and a clock that only moves when told.
struct Fixture {
    test::LogCapture log; // what the passes log, kept out of the test's output
    test::TempDir dir;
    SQLite::Database db{store::openWriter(dir / "mirror.db")};
    store::MirrorWriter writer{db};
    store::SyncStateStore state{db};
    test::ScriptedSource source;
    SyncOptions options;
    Timestamp now = at("2026-03-10T12:00:00Z");
    PassEnvironment env{source, writer, state, options, [this] { return now; }};

    // Pages of 5; `maxInFlight` list requests at once (1: in page order).
    explicit Fixture(int maxInFlight = 1) {
        writer.batchPages(true); // as the sync runs it
        options.pageSize = 5;
        options.maxInFlight = maxInFlight;
        options.reconcileEveryHours = 24;
    }

    // Upstream holds rooms 1..n, in that order.
    void upstreamRooms(int n) {
        for (int i = 1; i <= n; ++i) source.upstream.append(rooms, room(i));
    }

    PassReport pass(std::stop_token stop = {}) { return StreamPass(rooms, env).run(stop); }

    // A first pass of a stable listing, then a clean slate for the pass under test.
    void backfilled(int n) {
        upstreamRooms(n);
        REQUIRE(pass().run.outcome == store::PassOutcome::Ok);
        source.clearLogs();
    }

    // The next pass is a reconcile: the last full pass was more than reconcile_every_hours ago.
    void dueForReconcile() { now.micros += 25LL * 3600 * kMicrosPerSecond; }

    // "name=value ..." of the latest sync_runs row of rooms, for the space-separated `columns`.
    std::string lastRun(const std::string& columns) {
        std::vector<std::string> names;
        std::istringstream in(columns);
        for (std::string name; in >> name;) names.push_back(name);
        std::string select;
        for (const auto& name : names) select += (select.empty() ? "" : ", ") + name;
        SQLite::Statement q(db, "SELECT " + select + " FROM sync_runs WHERE stream = 'rooms' ORDER BY id DESC LIMIT 1");
        REQUIRE(q.executeStep());
        std::string out;
        for (int i = 0; i < static_cast<int>(names.size()); ++i)
            out += (i ? " " : "") + names[static_cast<std::size_t>(i)] + "=" +
                   (q.getColumn(i).isNull() ? "NULL" : q.getColumn(i).getString());
        return out;
    }

    // One value from the file ("NULL" for NULL, "none" when no row).
    std::string value(const std::string& sql) {
        SQLite::Statement q(db, sql);
        if (!q.executeStep()) return "none";
        return q.getColumn(0).isNull() ? "NULL" : q.getColumn(0).getString();
    }
    std::string cursor() { return value("SELECT cursor FROM sync_state WHERE stream = 'rooms'"); }
    std::string lastFullAt() { return value("SELECT last_full_at FROM sync_state WHERE stream = 'rooms'"); }
    std::string deletedAt(int n) { return value("SELECT deleted_at FROM rooms WHERE id = '" + roomId(n) + "'"); }
    std::string liveRooms() { return value("SELECT count(*) FROM rooms WHERE deleted_at IS NULL"); }
    std::string deletedRooms() { return value("SELECT count(*) FROM rooms WHERE deleted_at IS NOT NULL"); }
    bool mirrored(int n) { return value("SELECT count(*) FROM rooms WHERE id = '" + roomId(n) + "'") == "1"; }
};

std::vector<std::string> ids(std::initializer_list<int> ns) {
    std::vector<std::string> out;
    for (int n : ns) out.push_back(roomId(n));
    return out;
}

} // namespace

TEST_CASE("a backfill of a stable listing mirrors every record and moves the cursor to the largest updated_at") {
    int workers = GENERATE(1, 4);
    CAPTURE(workers);
    Fixture f(workers);
    f.upstreamRooms(23);
    // Room 1 has a session upstream; the rooms listing is not asked to embed it (the sessions
    // stream lists sessions), so it is not written here.
    f.source.upstream.find(rooms, roomId(1))
        ->at("sessions")
        .as_array()
        .push_back(json::object{{"id", "session-1"},
                                {"room_id", roomId(1)},
                                {"record_type", "room_session"},
                                {"active", false},
                                {"updated_at", "2026-03-09T09:00:00.000000Z"}});

    PassReport report = f.pass();

    CHECK_FALSE(report.error);
    CHECK(f.lastRun("mode outcome walks pages records_seen inserted updated unchanged deleted embedded_written errors "
                    "requests cursor_before cursor_after") ==
          "mode=backfill outcome=ok walks=1 pages=5 records_seen=23 inserted=23 updated=0 unchanged=0 deleted=0 "
          "embedded_written=0 errors=0 requests=5 cursor_before=NULL cursor_after=" +
              updatedAt(23));
    CHECK(f.liveRooms() == "23");
    CHECK(f.value("SELECT unique_name FROM rooms WHERE id = 'room-0017'") == "room 17");
    CHECK(f.value("SELECT count(*) FROM room_sessions") == "0");
    CHECK(f.cursor() == updatedAt(23));
    CHECK(f.lastFullAt() == "2026-03-10T12:00:00.000000Z");
    CHECK(f.source.idsRequested().empty());

    SECTION("the next pass is incremental from the cursor's day minus the lookback, and rewrites nothing") {
        f.source.clearLogs();
        CHECK_FALSE(f.pass().error);
        CHECK(f.lastRun("mode filter_date outcome walks pages inserted updated unchanged") ==
              "mode=incremental filter_date=2026-03-08 outcome=ok walks=1 pages=5 inserted=0 updated=0 unchanged=23");
        CHECK(f.cursor() == updatedAt(23));
        CHECK(f.value("SELECT count(*) FROM sync_runs") == "2");
    }
}

TEST_CASE("a record updated in the future is mirrored but does not move the cursor") {
    Fixture f;
    f.upstreamRooms(12);
    // Two days ahead of the clock: past the tolerance of one day.
    *f.source.upstream.find(rooms, roomId(12)) = room(12, "2026-03-12T12:00:01.000000Z", "from the future");

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("outcome inserted") == "outcome=ok inserted=12");
    CHECK(f.mirrored(12));
    CHECK(f.cursor() == updatedAt(11));
}

TEST_CASE("an element that cannot be used is an error, and no sign that the listing moved") {
    Fixture f;
    f.backfilled(12);
    // An element without an id, on page 2: total_results counts it, no record can be made of it.
    json::object nameless = room(99);
    nameless.erase("id");
    auto& listing = f.source.upstream.of(rooms);
    listing.insert(listing.begin() + 7, nameless);

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("mode outcome walks pages records_seen errors") ==
          "mode=incremental outcome=ok walks=1 pages=3 records_seen=12 errors=1");
    CHECK(f.liveRooms() == "12");
}

TEST_CASE("an incremental listing that moves during a walk is walked again, and counts once it settles") {
    int workers = GENERATE(1, 4);
    CAPTURE(workers);
    Fixture f(workers);
    f.backfilled(12);
    // Room 13 is created while page 1 is read: everything after it slides one place down.
    const std::string created = "2026-03-10T11:00:00.000000Z";
    f.source.script.beforeList = [&](const telnyx::ListQuery& q, int request, test::Upstream& upstream) {
        if (q.pageNumber == 2 && request <= 3) upstream.prepend(rooms, room(13, created, "room 13"));
    };

    PassReport report = f.pass();

    CHECK_FALSE(report.error);
    CHECK(f.lastRun("mode outcome walks pages requests inserted") ==
          "mode=incremental outcome=ok walks=2 pages=6 requests=6 inserted=1");
    if (workers == 1) {
        // Walk 1 saw room 5 twice (pages 1 and 2) and room 13 never; walk 2 saw all 13 once.
        CHECK(f.lastRun("records_seen unchanged") == "records_seen=26 unchanged=25");
    }
    CHECK(f.mirrored(13));
    CHECK(f.cursor() == created);
}

TEST_CASE("an incremental listing that keeps moving is held after kMaxWalks walks: the cursor stays") {
    int workers = GENERATE(1, 4);
    CAPTURE(workers);
    Fixture f(workers);
    f.backfilled(12);
    // A new room before page 2 of every walk.
    int next = 13;
    f.source.script.beforeList = [&](const telnyx::ListQuery& q, int, test::Upstream& upstream) {
        if (q.pageNumber == 2) {
            upstream.prepend(rooms, room(next, "2026-03-10T11:" + std::to_string(next) + ":00.000000Z", "new"));
            ++next;
        }
    };

    PassReport report = f.pass();

    CHECK_FALSE(report.error);
    CHECK(kMaxWalks == 3);
    CHECK(f.lastRun("outcome walks pages requests inserted cursor_before cursor_after") ==
          "outcome=held walks=3 pages=9 requests=9 inserted=2 cursor_before=" + updatedAt(12) +
              " cursor_after=" + updatedAt(12));
    CHECK_THAT(f.lastRun("message"), Catch::Contains("moved"));
    CHECK(f.cursor() == updatedAt(12));
    // What the walks saw is mirrored all the same: rooms 13 and 14 (15 was never on a page read after it came).
    CHECK(f.mirrored(13));
    CHECK(f.mirrored(14));
    CHECK_FALSE(f.mirrored(15));
}

TEST_CASE("meta.total_pages larger than the listing: an empty page ends the walk, and the count says it was all") {
    Fixture f;
    f.upstreamRooms(12);
    f.source.script.totalPages = 10;

    PassReport report = f.pass();

    CHECK_FALSE(report.error);
    CHECK(f.lastRun("mode outcome walks inserted cursor_after") ==
          "mode=backfill outcome=ok walks=1 inserted=12 cursor_after=" + updatedAt(12));
    // Page 4 was empty; page 5 may have been on its way when page 4 came (one request in flight), no later one.
    auto pages = f.source.pagesRequested();
    CHECK(pages.size() >= 4);
    CHECK(pages.size() <= 5);
    CHECK(f.liveRooms() == "12");
}

TEST_CASE("meta.total_pages larger than the listing and total_results too: held after kMaxWalks walks") {
    Fixture f;
    f.upstreamRooms(12);
    f.source.script.totalPages = 10;
    f.source.script.totalResults = 50;

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("mode outcome walks inserted cursor_after") ==
          "mode=backfill outcome=held walks=3 inserted=12 cursor_after=NULL");
    CHECK_THAT(f.lastRun("message"), Catch::Contains("saw 12 of the 50 records listed"));
    CHECK(f.cursor() == "NULL");
    CHECK(f.lastFullAt() == "NULL");
}

TEST_CASE("meta.total_pages smaller than the listing: an incremental walk that saw too few records is held") {
    Fixture f;
    f.backfilled(12);
    // Room 12 changes on page 3, which the lying meta hides.
    *f.source.upstream.find(rooms, roomId(12)) = room(12, "2026-03-10T11:00:00.000000Z", "renamed");
    f.source.script.totalPages = 2;

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("outcome walks pages requests updated unchanged") ==
          "outcome=held walks=3 pages=6 requests=6 updated=0 unchanged=30");
    CHECK(f.source.pagesRequested() == std::vector<std::int64_t>{1, 2, 1, 2, 1, 2});
    CHECK(f.value("SELECT unique_name FROM rooms WHERE id = 'room-0012'") == "room 12");
    CHECK(f.cursor() == updatedAt(12));
}

TEST_CASE("meta.total_results below what was seen is no sign of a move, above it is one, walk after walk") {
    Fixture f;
    f.backfilled(12);

    SECTION("smaller") {
        f.source.script.totalResults = 3;
        CHECK_FALSE(f.pass().error);
        CHECK(f.lastRun("outcome walks pages") == "outcome=ok walks=1 pages=3");
    }
    SECTION("larger") {
        f.source.script.totalResults = 13;
        CHECK_FALSE(f.pass().error);
        CHECK(f.lastRun("outcome walks pages cursor_after") ==
              "outcome=held walks=3 pages=9 cursor_after=" + updatedAt(12));
        CHECK(f.cursor() == updatedAt(12));
    }
}

TEST_CASE("a listing without meta is read page after page until one brings nothing") {
    Fixture f;
    f.upstreamRooms(12);
    f.source.script.omitMeta = true;

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("outcome walks pages requests inserted") == "outcome=ok walks=1 pages=4 requests=4 inserted=12");
    CHECK(f.source.pagesRequested() == std::vector<std::int64_t>{1, 2, 3, 4});
    CHECK(f.cursor() == updatedAt(12));
}

TEST_CASE("a listing that answers page 1 for every page: each walk stops, incomplete, and nothing is deleted") {
    Fixture f;

    SECTION("backfill") {
        f.upstreamRooms(12);
        f.source.script.ignorePageNumber = true;
        CHECK_FALSE(f.pass().error);
        CHECK(f.lastRun("mode outcome walks inserted cursor_after") ==
              "mode=backfill outcome=held walks=3 inserted=5 cursor_after=NULL");
        CHECK(f.liveRooms() == "5");
        CHECK(f.cursor() == "NULL");
    }
    SECTION("reconcile: no record is checked for deletion") {
        f.backfilled(12);
        std::string fullBefore = f.lastFullAt();
        f.source.upstream.remove(rooms, roomId(9)); // a 404 if it were asked
        f.dueForReconcile();
        f.source.script.ignorePageNumber = true;
        CHECK_FALSE(f.pass().error);
        CHECK(f.lastRun("mode outcome walks deleted") == "mode=reconcile outcome=held walks=3 deleted=0");
        CHECK(f.source.idsRequested().empty());
        CHECK(f.deletedAt(9) == "NULL");
        CHECK(f.cursor() == updatedAt(12));
        CHECK(f.lastFullAt() == fullBefore);
    }
    SECTION("incremental: walked kMaxWalks times, held") {
        f.backfilled(12);
        f.source.script.ignorePageNumber = true;
        CHECK_FALSE(f.pass().error);
        CHECK(f.lastRun("mode outcome walks") == "mode=incremental outcome=held walks=3");
        CHECK(f.cursor() == updatedAt(12));
    }
}

// Without meta, a full page of records already seen is no end of the listing: a
// server that ignores page[number] must not give an ok pass, a deletion check of
// everything past page 1, or a cursor past records never read.
TEST_CASE("a listing without meta that answers page 1 for every page is incomplete") {
    Fixture f;
    f.backfilled(12);
    f.dueForReconcile();
    f.source.script.omitMeta = true;
    f.source.script.ignorePageNumber = true;

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("mode outcome") == "mode=reconcile outcome=held");
    CHECK(f.source.idsRequested().empty());
}

TEST_CASE("after a full walk, unseen records are asked for by id: a 404 deletes, a found one is written, an error "
          "deletes nothing") {
    Fixture f;
    f.backfilled(12);
    f.dueForReconcile();
    const std::string when = "2026-03-11T13:00:00.000000Z";
    // Room 3 was deleted upstream; room 7 is not listed but exists, changed; asking for room 9 fails.
    f.source.upstream.remove(rooms, roomId(3));
    f.source.upstream.remove(rooms, roomId(7));
    f.source.upstream.remove(rooms, roomId(9));
    f.source.script.getAnswers[roomId(7)] = GetAnswer::found(room(7, "2026-03-09T10:07:30.000000Z", "room 7 renamed"));
    f.source.script.getAnswers[roomId(9)] = GetAnswer::failure(ErrorKind::Transient);

    PassReport report = f.pass();

    CHECK_FALSE(report.error);
    CHECK(f.source.idsRequested() == ids({3, 7, 9}));
    // errors=1: the record left unchecked (its failed request is what made it so, not a second error).
    CHECK(f.lastRun("mode outcome walks pages records_seen inserted updated unchanged deleted errors requests") ==
          "mode=reconcile outcome=ok walks=1 pages=2 records_seen=10 inserted=0 updated=1 unchanged=9 deleted=1 "
          "errors=1 requests=5");
    CHECK(f.deletedAt(3) == when);
    CHECK(f.deletedAt(7) == "NULL");
    CHECK(f.value("SELECT unique_name FROM rooms WHERE id = 'room-0007'") == "room 7 renamed");
    CHECK(f.deletedAt(9) == "NULL");
    CHECK(f.deletedRooms() == "1");
    CHECK(f.lastFullAt() == when);

    SECTION("a record deleted upstream that is listed again is revived") {
        f.source.upstream.append(rooms, room(3));
        f.dueForReconcile();
        CHECK_FALSE(f.pass().error);
        CHECK(f.deletedAt(3) == "NULL");
        CHECK(f.deletedRooms() == "0");
    }
}

TEST_CASE("an Auth error while checking unseen records stops the pass: failed, cursor and last full pass unchanged") {
    Fixture f;
    f.backfilled(12);
    std::string fullBefore = f.lastFullAt();
    f.dueForReconcile();
    // Rooms 3, 5 and 7 are gone; the question about room 5 is refused.
    for (int n : {3, 5, 7}) f.source.upstream.remove(rooms, roomId(n));
    f.source.script.getAnswers[roomId(5)] = GetAnswer::failure(ErrorKind::Auth);
    // The pass must not get a cursor past the one it had: room 12 was updated later, and listed.
    *f.source.upstream.find(rooms, roomId(12)) = room(12, "2026-03-11T12:00:00.000000Z", "later");

    PassReport report = f.pass();

    REQUIRE(report.error);
    CHECK(report.error->kind == ErrorKind::Auth);
    CHECK(f.source.idsRequested() == ids({3, 5}));
    CHECK(f.lastRun("mode outcome deleted errors cursor_after") ==
          "mode=reconcile outcome=failed deleted=1 errors=1 cursor_after=" + updatedAt(12));
    CHECK_THAT(f.lastRun("message"), Catch::Contains("scripted auth error"));
    CHECK(f.deletedAt(3) != "NULL"); // a 404 before the refusal is evidence all the same
    CHECK(f.deletedAt(7) == "NULL");
    CHECK(f.cursor() == updatedAt(12));
    CHECK(f.lastFullAt() == fullBefore);
}

TEST_CASE("a full listing that lost more records than the budget allows deletes nothing, and says so") {
    Fixture f;
    f.options.pageSize = 250;
    f.backfilled(1100);
    f.dueForReconcile();
    // The budget is max(1000, live / 2) = 1000 unseen records.
    int kept = GENERATE(99, 100);
    CAPTURE(kept);
    for (int n = kept + 1; n <= 1100; ++n) f.source.upstream.remove(rooms, roomId(n));

    CHECK_FALSE(f.pass().error);

    if (kept == 99) {
        CHECK(f.lastRun("mode outcome deleted errors requests") ==
              "mode=reconcile outcome=ok deleted=0 errors=1 requests=1");
        CHECK(f.source.idsRequested().empty());
        CHECK(f.liveRooms() == "1100");
    } else {
        CHECK(f.lastRun("mode outcome deleted errors requests") ==
              "mode=reconcile outcome=ok deleted=1000 errors=0 requests=1001");
        CHECK(f.liveRooms() == "100");
        CHECK(f.deletedAt(101) != "NULL");
        CHECK(f.deletedAt(100) == "NULL");
    }
}

TEST_CASE("a stop while checking unseen records ends the pass cancelled, the cursor not advanced") {
    Fixture f;
    f.backfilled(12);
    std::string fullBefore = f.lastFullAt();
    f.dueForReconcile();
    for (int n : {3, 5, 7, 9}) f.source.upstream.remove(rooms, roomId(n));
    *f.source.upstream.find(rooms, roomId(12)) = room(12, "2026-03-11T12:00:00.000000Z", "later");
    std::stop_source stop;
    // The stop comes while room 5 is being asked about.
    f.source.script.beforeGet = [&](std::string_view, int request) {
        if (request == 2) stop.request_stop();
    };

    PassReport report = f.pass(stop.get_token());

    REQUIRE(report.error);
    CHECK(report.error->kind == ErrorKind::Cancelled);
    CHECK(f.source.idsRequested() == ids({3, 5}));
    CHECK(f.lastRun("mode outcome deleted cursor_after") ==
          "mode=reconcile outcome=cancelled deleted=2 cursor_after=" + updatedAt(12));
    CHECK(f.deletedAt(5) != "NULL");
    CHECK(f.deletedAt(7) == "NULL");
    CHECK(f.deletedAt(9) == "NULL");
    CHECK(f.cursor() == updatedAt(12));
    CHECK(f.lastFullAt() == fullBefore);
}

TEST_CASE("a failed request mid-walk: the pass fails or is cancelled, earlier pages stay, the cursor does not move") {
    auto [kind, outcome] = GENERATE(std::pair{ErrorKind::Transient, "failed"}, std::pair{ErrorKind::Auth, "failed"},
                                    std::pair{ErrorKind::Cancelled, "cancelled"});
    CAPTURE(toString(kind));
    Fixture f;
    f.backfilled(15);
    // Room 16 is new, on page 1 of the incremental listing; page 2 fails.
    const std::string created = "2026-03-10T11:00:00.000000Z";
    f.source.upstream.prepend(rooms, room(16, created, "room 16"));
    f.source.script.listErrors[2] = kind;

    PassReport report = f.pass();

    REQUIRE(report.error);
    CHECK(report.error->kind == kind);
    // The failure that ended the pass is its one error; a stop is none.
    std::string errors = kind == ErrorKind::Cancelled ? "0" : "1";
    CHECK(f.lastRun("mode outcome pages inserted errors cursor_before cursor_after") ==
          "mode=incremental outcome=" + std::string(outcome) + " pages=1 inserted=1 errors=" + errors +
              " cursor_before=" + updatedAt(15) + " cursor_after=" + updatedAt(15));
    CHECK_THAT(f.lastRun("message"), Catch::Contains("list request 2"));
    CHECK(f.mirrored(16));
    CHECK(f.cursor() == updatedAt(15));

    SECTION("a backfill that fails keeps no cursor, and the next pass is a backfill again") {
        Fixture b;
        b.upstreamRooms(15);
        b.source.script.listErrors[3] = kind;
        CHECK(b.pass().error);
        CHECK(b.lastRun("mode outcome pages inserted") ==
              "mode=backfill outcome=" + std::string(outcome) + " pages=2 inserted=10");
        CHECK(b.liveRooms() == "10");
        CHECK(b.cursor() == "none");
        b.source.script.listErrors.clear();
        CHECK_FALSE(b.pass().error);
        CHECK(b.lastRun("mode outcome inserted unchanged") == "mode=backfill outcome=ok inserted=5 unchanged=10");
    }
}

// A full walk (backfill or reconcile) is checked like an incremental one: a
// record that slid past the walk while the listing moved, or that lay beyond a
// total_pages that was too small, is not missing from a pass that says ok.
TEST_CASE("a backfill whose listing moved does not leave behind the record that slid past it") {
    Fixture f;
    f.upstreamRooms(12);
    // Room 6 was last updated weeks ago, so no incremental pass lists it.
    *f.source.upstream.find(rooms, roomId(6)) = room(6, "2026-02-01T10:00:00.000000Z", "room 6");
    // Room 2 is deleted while page 1 is read: room 6 slides from page 2 onto page 1.
    f.source.script.beforeList = [&](const telnyx::ListQuery& q, int request, test::Upstream& upstream) {
        if (q.pageNumber == 2 && request == 2) upstream.remove(rooms, roomId(2));
    };

    CHECK_FALSE(f.pass().error);

    // The same pass walked the listing again and found it; the next pass is not what catches it.
    CHECK(f.lastRun("mode outcome walks") == "mode=backfill outcome=ok walks=2");
    CHECK(f.mirrored(6));
    // Room 2, listed on page 1 and gone by walk 2, was asked for by id: upstream answered 404.
    CHECK(f.source.idsRequested() == ids({2}));
    CHECK(f.liveRooms() == "11");
}

TEST_CASE("a backfill that saw fewer records than meta.total_results is not ok with records missing") {
    Fixture f;
    f.upstreamRooms(12);
    f.source.script.totalPages = 2; // page 3 (rooms 11 and 12) is never asked for

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("outcome walks") == "outcome=held walks=3");
    CHECK(f.cursor() == "NULL");
}

TEST_CASE("a full listing where every re-walk finds records missed before is held after kMaxWalks walks") {
    Fixture f;
    f.upstreamRooms(12);
    // Before page 2 of every walk a room appears on page 1, already read (its created_at is old,
    // as a record upstream had all along and a walk skipped would be).
    int next = 13;
    f.source.script.beforeList = [&](const telnyx::ListQuery& q, int, test::Upstream& upstream) {
        if (q.pageNumber == 2) upstream.prepend(rooms, room(next++));
    };

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("mode outcome walks") == "mode=backfill outcome=held walks=3");
    CHECK_THAT(f.lastRun("message"), Catch::Contains("still moved"));
    CHECK(f.cursor() == "NULL");
    CHECK(f.mirrored(13)); // what the walks saw is kept
}

TEST_CASE("a record listed early in a reconcile and gone by its last walk is asked for, and deleted on a 404") {
    Fixture f;
    f.backfilled(12);
    f.dueForReconcile();
    // Room 2 is deleted once page 1 (which lists it) is read: room 6 slides onto page 1, and walk 2 is needed.
    f.source.script.beforeList = [&](const telnyx::ListQuery& q, int request, test::Upstream& upstream) {
        if (q.pageNumber == 2 && request == 2) upstream.remove(rooms, roomId(2));
    };

    CHECK_FALSE(f.pass().error);

    CHECK(f.lastRun("mode outcome walks deleted") == "mode=reconcile outcome=ok walks=2 deleted=1");
    // Only room 2, which the last walk did not see, was asked for by id.
    CHECK(f.source.idsRequested() == ids({2}));
    CHECK(f.deletedAt(2) != "NULL");
    CHECK(f.deletedAt(6) == "NULL");
}

namespace {

const model::RecordSchema& sessions = model::sessionsSchema();

json::object session(const std::string& id, int roomNumber, bool active, const std::string& updated) {
    return json::object{{"id", id},
                        {"room_id", roomId(roomNumber)},
                        {"active", active},
                        {"created_at", "2026-03-10T11:00:00.000000Z"},
                        {"updated_at", updated},
                        {"ended_at", active ? json::value(nullptr) : json::value(updated)},
                        {"record_type", "room_session"},
                        {"participants", json::array{}}};
}

} // namespace

TEST_CASE("a session that starts without its room's updated_at moving: the room is re-read by id in the same pass") {
    Fixture f;
    f.backfilled(4);
    // Room 3's session starts a minute after the rooms were mirrored; upstream's room names it, but its
    // updated_at stays, so no rooms listing filtered by updated_at would bring it.
    f.now.micros += 3600 * kMicrosPerSecond;
    json::object* room3 = f.source.upstream.find(rooms, roomId(3));
    (*room3)["active_session_id"] = "session-3";
    f.source.upstream.append(sessions, session("session-3", 3, true, formatTimestamp(f.now)));

    PassReport report = StreamPass(sessions, f.env).run({});

    CHECK_FALSE(report.error);
    CHECK(f.source.idsRequested() == ids({3}));
    CHECK(f.value("SELECT active_session_id FROM rooms WHERE id = 'room-0003'") == "session-3");

    SECTION("the next pass, with nothing new, re-reads no room") {
        f.source.clearLogs();
        f.now.micros += 60 * kMicrosPerSecond;
        CHECK_FALSE(StreamPass(sessions, f.env).run({}).error);
        CHECK(f.source.idsRequested().empty());
    }
    SECTION("the session ends: the room is re-read again and names no session") {
        f.source.clearLogs();
        f.now.micros += 60 * kMicrosPerSecond;
        (*room3)["active_session_id"] = nullptr;
        *f.source.upstream.find(sessions, "session-3") = session("session-3", 3, false, formatTimestamp(f.now));
        CHECK_FALSE(StreamPass(sessions, f.env).run({}).error);
        CHECK(f.source.idsRequested() == ids({3}));
        CHECK(f.value("SELECT active_session_id FROM rooms WHERE id = 'room-0003'") == "NULL");
    }
}

TEST_CASE("sessions mirrored with their room, and older than it, re-read no room") {
    Fixture f;
    f.upstreamRooms(3);
    f.source.upstream.append(sessions, session("session-1", 1, false, "2026-03-09T09:00:00.000000Z"));

    CHECK_FALSE(StreamPass(sessions, f.env).run({}).error);
    CHECK(f.source.idsRequested().empty()); // room 1 is not mirrored: nothing to refresh

    f.source.clearLogs();
    CHECK_FALSE(f.pass().error); // rooms, written now, after the session last changed
    *f.source.upstream.find(sessions, "session-1") = session("session-1", 1, false, "2026-03-09T09:30:00.000000Z");
    CHECK_FALSE(StreamPass(sessions, f.env).run({}).error);
    CHECK(f.source.idsRequested().empty());
}
