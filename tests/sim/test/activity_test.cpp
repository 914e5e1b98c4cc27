// Live activity on an account, in process: consistency after every batch of changes,
// determinism under a seed, stamps, and the switch for parents' updated_at.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "activity.hpp"
#include "consistency.hpp"
#include "spec_fixture.hpp"

using namespace roomsd;
using namespace roomsd::sim;
using namespace roomsd::sim::testing;
namespace json = boost::json;

namespace {

Timestamp later(std::int64_t seconds) { return Timestamp{kMonthLater.micros + seconds * kMicrosPerSecond}; }

std::vector<std::string> run(std::uint64_t seed, std::int64_t count) {
    Account account = testAccount(20, 4, 8);
    Activity activity(ActivityOptions{seed, false, 0, 0, 1});
    std::vector<std::string> out;
    for (const ActivityChange& c : activity.apply(account, count, kMonthLater)) out.push_back(c.change + " " + c.id);
    return out;
}

} // namespace

TEST_CASE("activity keeps the account consistent, batch after batch") {
    Account account = testAccount(30, 11, 99);
    REQUIRE(simtest::inconsistencies(account.renderAll(), kAnchor).empty());
    Activity activity(ActivityOptions{3, false, 0, 0, 1});
    std::map<std::string, int> kinds;
    for (int batch = 0; batch < 40; ++batch) {
        for (const ActivityChange& c : activity.apply(account, 25, later(batch))) ++kinds[c.change];
        std::vector<std::string> problems = simtest::inconsistencies(account.renderAll(), later(batch + 1));
        INFO("batch " << batch << ": " << (problems.empty() ? std::string() : problems.front()));
        REQUIRE(problems.empty());
    }
    CHECK(activity.changesApplied() == 1000);
    for (const char* kind : {"room_created", "room_updated", "room_deleted", "session_started", "session_ended",
                             "participant_joined", "participant_left"})
        CHECK(kinds[kind] > 10);
}

TEST_CASE("the same seed makes the same changes to the same records - another seed does not") {
    std::vector<std::string> first = run(21, 200);
    CHECK(first.size() == 200);
    CHECK(first == run(21, 200));
    CHECK(first != run(22, 200));
}

TEST_CASE("a change stamps what it touches with now, and stamps never go backwards") {
    Account account = testAccount(15, 2, 3);
    Activity activity(ActivityOptions{9, true, 0, 0, 1});
    Timestamp previous{};
    for (int i = 0; i < 300; ++i) {
        // The clock stands still for ten changes at a time: stamps still move on.
        std::vector<ActivityChange> changes = activity.apply(account, 1, later(i / 10));
        REQUIRE(changes.size() == 1);
        const ActivityChange& c = changes.front();
        CHECK(previous < c.at);
        previous = c.at;
        for (const auto& [streamName, id] : c.touched) {
            const StreamSchema* schema = testSpec()->findSchema(streamName);
            const Record* record = account.find(schema->stream, id);
            if (c.change == "room_deleted") {
                CHECK(record == nullptr);
                continue;
            }
            REQUIRE(record != nullptr);
            CHECK(timestampOf(*schema, *record, "updated_at") == c.at);
        }
    }
}

TEST_CASE("a session starting moves its room's updated_at only with the switch") {
    for (bool bumps : {false, true}) {
        INFO("bumps_parents " << bumps);
        Account account = testAccount(15, 2, 3);
        Activity activity(ActivityOptions{9, bumps, 0, 0, 1});
        bool seen = false;
        for (int i = 0; i < 200 && !seen; ++i) {
            std::map<std::string, std::optional<Timestamp>> before;
            for (const Record& room : account.records(Stream::Rooms))
                before[room.id] = timestampOf(schemaOf(Stream::Rooms), room, "updated_at");
            ActivityChange c = activity.apply(account, 1, later(i)).front();
            if (c.change != "session_started") continue;
            seen = true;
            const Record* session = account.find(Stream::Sessions, c.id);
            REQUIRE(session != nullptr);
            std::string roomId = *stringOf(schemaOf(Stream::Sessions), *session, "room_id");
            const Record* room = account.find(Stream::Rooms, roomId);
            REQUIRE(room != nullptr);
            CHECK(*stringOf(schemaOf(Stream::Rooms), *room, "active_session_id") == c.id);
            auto updated = timestampOf(schemaOf(Stream::Rooms), *room, "updated_at");
            if (bumps)
                CHECK(updated == c.at);
            else
                CHECK(updated == before[roomId]);
        }
        CHECK(seen);
    }
}

TEST_CASE("every Nth list request triggers, and the options read from JSON are checked") {
    Activity activity(ActivityOptions{1, false, 3, 0, 2});
    std::string pattern;
    for (int i = 0; i < 9; ++i) pattern += activity.countListRequest() ? 'x' : '.';
    CHECK(pattern == "..x..x..x");
    auto set = activityOptionsFromJson(
        json::parse(R"({"every_requests":1,"changes":4,"bumps_parents":true})").as_object(), activity.options());
    REQUIRE(set.ok());
    CHECK(set->everyRequests == 1);
    CHECK(set->changes == 4);
    CHECK(set->bumpsParents);
    for (const char* bad : {R"({"changes":0})", R"({"every_requests":-1})", R"({"interval_ms":"5"})",
                            R"({"bumps_parents":1})", R"({"often":true})"})
        CHECK_FALSE(activityOptionsFromJson(json::parse(bad).as_object(), activity.options()).ok());
}
