// The generated account: deterministic, and shaped like a real account.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>

#include "account.hpp"
#include "generator.hpp"
#include "random.hpp"
#include "spec_fixture.hpp"

using namespace roomsd;
using namespace roomsd::sim;
using namespace roomsd::sim::testing;
namespace json = boost::json;

namespace {

GeneratorOptions options(std::int64_t rooms, std::uint64_t seed) { return {rooms, seed, kAnchor, 30}; }

std::string serialized(const GeneratedAccount& generated) {
    return json::serialize(Account(testSpec(), generated, 1).renderAll());
}

Timestamp at(const StreamSchema& schema, const Record& r, std::string_view field) {
    auto t = timestampOf(schema, r, field);
    REQUIRE(t);
    return *t;
}

} // namespace

TEST_CASE("SeededRandom draws stay in their bounds and repeat for a seed") {
    SeededRandom a(42), b(42);
    std::set<std::int64_t> seen;
    for (int i = 0; i < 2000; ++i) {
        std::int64_t v = a.uniform(-3, 3);
        CHECK(v == b.uniform(-3, 3));
        CHECK(v >= -3);
        CHECK(v <= 3);
        seen.insert(v);
    }
    CHECK(seen.size() == 7);
    CHECK(a.uniform(5, 5) == 5);
    static const std::regex kUuidV4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    for (int i = 0; i < 100; ++i) CHECK(std::regex_match(a.uuid(), kUuidV4));
}

TEST_CASE("the same options generate byte-identical accounts - another seed does not") {
    std::string first = serialized(generateAccount(*testSpec(), options(40, 7)));
    CHECK(first == serialized(generateAccount(*testSpec(), options(40, 7))));
    CHECK(first != serialized(generateAccount(*testSpec(), options(40, 8))));
    CHECK(first != serialized(generateAccount(*testSpec(), {40, 7, kAnchor, 10})));
}

TEST_CASE("the generator's output is pinned, so a change to it is a deliberate one") {
    // If this fails after an intended change to the generator, update the values:
    // every seed's data changes with it, for every user of the simulator.
    GeneratedAccount generated = generateAccount(*testSpec(), options(3, 1));
    const StreamSchema& rooms = schemaOf(Stream::Rooms);
    REQUIRE(generated.rooms.size() == 3);
    CHECK(generated.rooms[0].id == "2245bd5f-bb68-4f68-a2eb-92502318fa4e");
    CHECK(*stringOf(rooms, generated.rooms[0], "unique_name") == "room-0000-violet");
    CHECK(formatTimestamp(at(rooms, generated.rooms[0], "created_at")) == "2026-05-08T11:49:10.408996Z");
}

TEST_CASE("the generated account has the documented shape") {
    const std::int64_t roomCount = 400;
    GeneratedAccount generated = generateAccount(*testSpec(), options(roomCount, 3));
    const StreamSchema& rooms = schemaOf(Stream::Rooms);
    const StreamSchema& sessions = schemaOf(Stream::Sessions);
    const StreamSchema& participants = schemaOf(Stream::Participants);
    const Timestamp earliest{kAnchor.micros - 30LL * 86400 * kMicrosPerSecond};
    REQUIRE(generated.rooms.size() == static_cast<std::size_t>(roomCount));

    std::set<std::string> ids, names;
    std::map<std::string, const Record*> roomById, sessionById;
    std::map<std::string, std::vector<const Record*>> sessionsOfRoom, participantsOfSession;
    for (const Record& r : generated.rooms) {
        ids.insert(r.id);
        names.insert(*stringOf(rooms, r, "unique_name"));
        roomById[r.id] = &r;
    }
    for (const Record& s : generated.sessions) {
        ids.insert(s.id);
        sessionById[s.id] = &s;
        sessionsOfRoom[*stringOf(sessions, s, "room_id")].push_back(&s);
    }
    for (const Record& p : generated.participants) {
        ids.insert(p.id);
        participantsOfSession[*stringOf(participants, p, "session_id")].push_back(&p);
    }
    CHECK(names.size() == generated.rooms.size());
    CHECK(ids.size() == generated.rooms.size() + generated.sessions.size() + generated.participants.size());

    double meanSessions = static_cast<double>(generated.sessions.size()) / static_cast<double>(roomCount);
    CHECK(meanSessions > 1.6);
    CHECK(meanSessions < 2.5);

    int roomsWithActive = 0;
    std::set<std::string> failoverKinds, timeoutKinds;
    for (const Record& r : generated.rooms) {
        Timestamp created = at(rooms, r, "created_at");
        CHECK(created >= earliest);
        CHECK(created <= at(rooms, r, "updated_at"));
        CHECK(at(rooms, r, "updated_at") <= kAnchor);
        auto maxParticipants = std::get<std::int64_t>(valueOf(rooms, r, "max_participants"));
        CHECK(maxParticipants >= 2);
        CHECK(maxParticipants <= 50);
        const FieldValue& failover = valueOf(rooms, r, "webhook_event_failover_url");
        failoverKinds.insert(std::holds_alternative<std::monostate>(failover) ? "null"
                             : std::get<std::string>(failover).empty()        ? "empty"
                                                                              : "url");
        timeoutKinds.insert(std::holds_alternative<std::monostate>(valueOf(rooms, r, "webhook_timeout_secs")) ? "null"
                                                                                                              : "int");
        auto& ofRoom = sessionsOfRoom[r.id];
        CHECK(ofRoom.size() <= 5);
        std::sort(ofRoom.begin(), ofRoom.end(),
                  [&](auto* a, auto* b) { return at(sessions, *a, "created_at") < at(sessions, *b, "created_at"); });
        const std::string* activeId = stringOf(rooms, r, "active_session_id");
        if (activeId != nullptr) {
            ++roomsWithActive;
            REQUIRE_FALSE(ofRoom.empty());
            CHECK(ofRoom.back()->id == *activeId); // the latest session is the active one
        }
        for (const Record* s : ofRoom) {
            bool active = std::get<bool>(valueOf(sessions, *s, "active"));
            CHECK(active == (activeId != nullptr && s->id == *activeId));
            CHECK(at(sessions, *s, "created_at") >= created);
            CHECK(at(sessions, *s, "created_at") <= at(sessions, *s, "updated_at"));
            auto ended = timestampOf(sessions, *s, "ended_at");
            CHECK(ended.has_value() == !active);
            if (ended) CHECK(*ended >= at(sessions, *s, "created_at"));
            Timestamp end = ended.value_or(kAnchor);
            auto& ofSession = participantsOfSession[s->id];
            CHECK(ofSession.size() >= 1);
            CHECK(ofSession.size() <= 6);
            for (const Record* p : ofSession) {
                Timestamp joined = at(participants, *p, "joined_at");
                CHECK(joined >= at(sessions, *s, "created_at"));
                CHECK(joined <= end);
                CHECK(joined <= at(participants, *p, "updated_at"));
                auto left = timestampOf(participants, *p, "left_at");
                if (!active) CHECK(left.has_value());
                if (left) {
                    CHECK(*left >= joined);
                    CHECK(*left <= end);
                }
            }
        }
    }
    CHECK(roomsWithActive > roomCount * 15 / 100);
    CHECK(roomsWithActive < roomCount * 45 / 100);
    CHECK(failoverKinds == std::set<std::string>{"null", "empty", "url"});
    CHECK(timeoutKinds == std::set<std::string>{"null", "int"});

    bool nonAscii = false, quote = false, activeWithoutLeft = false;
    for (const Record& p : generated.participants) {
        const std::string& context = *stringOf(participants, p, "context");
        nonAscii |= std::any_of(context.begin(), context.end(), [](char c) { return (c & 0x80) != 0; });
        quote |= context.find('"') != std::string::npos;
        activeWithoutLeft |= !timestampOf(participants, p, "left_at").has_value();
    }
    CHECK(nonAscii);
    CHECK(quote);
    CHECK(activeWithoutLeft);
}

TEST_CASE("zero rooms is an empty account") {
    GeneratedAccount generated = generateAccount(*testSpec(), options(0, 1));
    CHECK(generated.rooms.empty());
    CHECK(generated.sessions.empty());
    CHECK(generated.participants.empty());
}
