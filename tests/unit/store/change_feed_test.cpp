// ChangeFeed and ChangeConsumers on a real SQLite file whose change_log the test fills itself.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>

#include "store/change_consumers.hpp"
#include "store/change_feed.hpp"
#include "store/database.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::store;

namespace {

void append(SQLite::Database& db, const std::string& kind, int n) {
    SQLite::Statement q(db, "INSERT INTO change_log (kind, record_id, op, fields, record, applied_at) "
                            "VALUES (?, 'r', 'update', '[\"updated_at\"]', '{\"id\":\"r\"}', '2026-12-01T00:00:00Z')");
    for (int i = 0; i < n; ++i) {
        q.reset();
        q.bind(1, kind);
        q.exec();
    }
}

} // namespace

TEST_CASE("an empty log has last_seq 0 and oldest_seq 1, and one trimmed to nothing has oldest_seq last_seq + 1") {
    test::TempDir dir;
    auto db = openWriter(dir / "m.db");
    auto empty = ChangeFeed(db).bounds();
    REQUIRE(empty);
    CHECK(empty->lastSeq == 0);
    CHECK(empty->oldestSeq == 1);
    CHECK(empty->retained == 0);
    append(db, "rooms", 4);
    db.exec("DELETE FROM change_log; UPDATE change_log_trim SET through = 4");
    auto trimmed = ChangeFeed(db).bounds();
    REQUIRE(trimmed);
    CHECK(trimmed->lastSeq == 4); // AUTOINCREMENT remembers: seqs are never reused
    CHECK(trimmed->oldestSeq == 5);
    CHECK(trimmed->trimmedThrough == 4);
    CHECK(trimmed->retained == 0);
}

TEST_CASE("a kind filter examines at most scanRows seqs a call and says how far it looked") {
    test::TempDir dir;
    auto db = openWriter(dir / "m.db");
    append(db, "rooms", 25);
    append(db, "room_sessions", 2); // seqs 26, 27
    ChangeFeed feed(db);
    const model::RecordSchema* sessions = schemaOfKind("room_sessions");
    REQUIRE(sessions != nullptr);

    auto first = feed.page(0, 100, sessions, 10);
    REQUIRE(first);
    CHECK(first->changes.empty());
    CHECK(first->nextSince == 10);
    auto third = feed.page(20, 100, sessions, 10);
    REQUIRE(third);
    REQUIRE(third->changes.size() == 2);
    CHECK(third->changes[0].seq == 26);
    CHECK(third->nextSince == 27); // the end of the log, not since + scanRows
    // A full page stops at its last change.
    auto one = feed.page(20, 1, sessions, 10);
    REQUIRE(one);
    CHECK(one->nextSince == 26);
    // Without a filter the limit bounds it.
    auto plain = feed.page(0, 5, nullptr, 10);
    REQUIRE(plain);
    CHECK(plain->changes.size() == 5);
    CHECK(plain->nextSince == 5);
}

TEST_CASE("consumers: registration is idempotent, an ack never goes back, and nothing past the last seq") {
    test::TempDir dir;
    auto db = openWriter(dir / "m.db");
    append(db, "rooms", 10);
    auto writer = openConsumerWriter(dir / "m.db");
    ChangeConsumers consumers(writer);
    auto made = consumers.registerConsumer("a", 3);
    REQUIRE(made);
    CHECK(made->created);
    CHECK(made->consumer.lag == 7);
    auto again = consumers.registerConsumer("a", 9);
    REQUIRE(again);
    CHECK_FALSE(again->created);
    CHECK(again->consumer.ackedSeq == 3);
    CHECK(consumers.registerConsumer("b", 11).error().parameter == "acked_seq");

    auto acked = consumers.ack("a", 8);
    REQUIRE(acked);
    REQUIRE(*acked);
    CHECK((*acked)->ackedSeq == 8);
    auto back = consumers.ack("a", 2);
    REQUIRE(back);
    CHECK((*back)->ackedSeq == 8);
    CHECK(consumers.ack("a", 11).error().parameter == "seq");
    auto unknown = consumers.ack("nobody", 1);
    REQUIRE(unknown);
    CHECK_FALSE(*unknown);

    CHECK(isConsumerName("warehouse.v1_x-2"));
    CHECK_FALSE(isConsumerName(""));
    CHECK_FALSE(isConsumerName("a/b"));
    CHECK_FALSE(isConsumerName(std::string(65, 'a')));
    auto removed = consumers.remove("a");
    REQUIRE(removed);
    CHECK(*removed);
    auto list = consumers.list();
    REQUIRE(list);
    CHECK(list->empty());
}
