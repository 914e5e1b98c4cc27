// Account: documented order, lookups, rendering and the mutations of /_sim/mutate.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "account.hpp"
#include "spec_fixture.hpp"

using namespace roomsd;
using namespace roomsd::sim;
using namespace roomsd::sim::testing;
namespace json = boost::json;

namespace {

const Timestamp kNow = *parseTimestamp("2026-07-04T12:00:00.5Z");

Account makeAccount(std::int64_t rooms = 30) { return testAccount(rooms, 11, 99); }

json::object parseObject(std::string_view text) { return json::parse(text).as_object(); }

} // namespace

TEST_CASE("every stream is kept newest first, then by id") {
    Account account = makeAccount();
    for (Stream stream : {Stream::Rooms, Stream::Sessions, Stream::Participants}) {
        const StreamSchema& schema = schemaOf(stream);
        const auto& records = account.records(stream);
        REQUIRE(records.size() > 10);
        for (std::size_t i = 1; i < records.size(); ++i) {
            auto previous = *timestampOf(schema, records[i - 1], schema.orderField);
            auto current = *timestampOf(schema, records[i], schema.orderField);
            CHECK((previous > current || (previous == current && records[i - 1].id < records[i].id)));
        }
    }
}

TEST_CASE("records are found by id and children by parent") {
    Account account = makeAccount();
    const Record& session = account.records(Stream::Sessions).front();
    const std::string& roomId = *stringOf(schemaOf(Stream::Sessions), session, "room_id");
    REQUIRE(account.find(Stream::Rooms, roomId) != nullptr);
    CHECK(account.find(Stream::Rooms, session.id) == nullptr); // a session id is not a room id
    auto sessions = account.childrenOf(Stream::Rooms, roomId);
    CHECK(std::any_of(sessions.begin(), sessions.end(), [&](const Record* s) { return s->id == session.id; }));
    CHECK(account.childrenOf(Stream::Rooms, "no-such-room").empty());
    CHECK_FALSE(account.childrenOf(Stream::Sessions, session.id).empty());
}

TEST_CASE("rendering gives every field of the schema, null where null, and the nested array") {
    Account account = makeAccount();
    const Record* roomWithSessions = nullptr;
    for (const Record& room : account.records(Stream::Rooms))
        if (!account.childrenOf(Stream::Rooms, room.id).empty()) roomWithSessions = &room;
    REQUIRE(roomWithSessions != nullptr);
    json::object plain = account.render(Stream::Rooms, *roomWithSessions, false);
    for (const char* key :
         {"id", "max_participants", "unique_name", "created_at", "updated_at", "active_session_id", "sessions",
          "enable_recording", "webhook_event_url", "webhook_event_failover_url", "webhook_timeout_secs", "record_type"})
        CHECK(plain.contains(key));
    CHECK(plain.size() == 12);
    CHECK(plain.at("sessions").as_array().empty());
    CHECK(plain.at("record_type") == "room");
    json::object embedded = account.render(Stream::Rooms, *roomWithSessions, true);
    const json::array& sessions = embedded.at("sessions").as_array();
    CHECK(sessions.size() == account.childrenOf(Stream::Rooms, roomWithSessions->id).size());
    for (const auto& s : sessions) CHECK(s.at("participants").as_array().empty());
}

TEST_CASE("update sets the named fields and stamps updated_at") {
    Account account = makeAccount();
    std::string id = account.records(Stream::Rooms).back().id;
    auto updated =
        account.update(Stream::Rooms, id, parseObject(R"({"unique_name":"renamed","max_participants":7})"), kNow);
    REQUIRE(updated.ok());
    const StreamSchema& rooms = schemaOf(Stream::Rooms);
    const Record* stored = account.find(Stream::Rooms, id);
    REQUIRE(stored != nullptr);
    CHECK(*stringOf(rooms, *stored, "unique_name") == "renamed");
    CHECK(std::get<std::int64_t>(valueOf(rooms, *stored, "max_participants")) == 7);
    CHECK(*timestampOf(rooms, *stored, "updated_at") == kNow);

    auto explicitStamp =
        account.update(Stream::Rooms, id, parseObject(R"({"updated_at":"2020-01-02T03:04:05.000006Z"})"), kNow);
    REQUIRE(explicitStamp.ok());
    CHECK(formatTimestamp(*timestampOf(rooms, *account.find(Stream::Rooms, id), "updated_at")) ==
          "2020-01-02T03:04:05.000006Z");
}

TEST_CASE("update re-sorts: a room made newest comes first") {
    Account account = makeAccount();
    std::string id = account.records(Stream::Rooms).back().id;
    REQUIRE(account.update(Stream::Rooms, id, parseObject(R"({"created_at":"2026-07-01T00:00:00Z"})"), kNow).ok());
    CHECK(account.records(Stream::Rooms).front().id == id);
}

TEST_CASE("update refuses unknown ids, unknown or read-only fields and wrong types") {
    Account account = makeAccount();
    std::string id = account.records(Stream::Sessions).front().id;
    auto missing = account.update(Stream::Sessions, "nope", parseObject(R"({"active":true})"), kNow);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().kind == ErrorKind::NotFound);
    for (const char* bad :
         {R"({"colour":"red"})", R"({"id":"x"})", R"({"record_type":"room"})", R"({"participants":[]})",
          R"({"active":"yes"})", R"({"ended_at":"yesterday"})", R"({"room_id":5})"}) {
        INFO(bad);
        auto result = account.update(Stream::Sessions, id, parseObject(bad), kNow);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().kind == ErrorKind::Usage);
    }
    auto outOfRange = account.update(Stream::Rooms, account.records(Stream::Rooms).front().id,
                                     parseObject(R"({"webhook_timeout_secs":31})"), kNow);
    CHECK_FALSE(outOfRange.ok());
}

TEST_CASE("delete removes that record only") {
    Account account = makeAccount();
    const Record& room = account.records(Stream::Rooms).front();
    std::string id = room.id;
    std::size_t sessionsBefore = account.childrenOf(Stream::Rooms, id).size();
    std::size_t roomsBefore = account.records(Stream::Rooms).size();
    REQUIRE(account.remove(Stream::Rooms, id).ok());
    CHECK(account.find(Stream::Rooms, id) == nullptr);
    CHECK(account.records(Stream::Rooms).size() == roomsBefore - 1);
    CHECK(account.childrenOf(Stream::Rooms, id).size() == sessionsBefore);
    auto again = account.remove(Stream::Rooms, id);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().kind == ErrorKind::NotFound);
}

TEST_CASE("create fills the spec's defaults and generates an id") {
    Account account = makeAccount();
    std::string sessionId = account.records(Stream::Sessions).front().id;
    auto created = account.create(Stream::Participants,
                                  parseObject(R"({"session_id":")" + sessionId + R"(","context":"Zo\u00eb"})"), kNow);
    REQUIRE(created.ok());
    const StreamSchema& participants = schemaOf(Stream::Participants);
    CHECK(created->id.size() == 36);
    CHECK(*timestampOf(participants, *created, "joined_at") == kNow);
    CHECK(*timestampOf(participants, *created, "updated_at") == kNow);
    CHECK_FALSE(timestampOf(participants, *created, "left_at"));
    CHECK(*stringOf(participants, *created, "context") == "Zo\xC3\xAB");
    auto children = account.childrenOf(Stream::Sessions, sessionId);
    CHECK(std::any_of(children.begin(), children.end(), [&](const Record* p) { return p->id == created->id; }));
    CHECK(account.records(Stream::Participants).front().id == created->id); // joined now: the newest

    auto room = account.create(Stream::Rooms, parseObject(R"({"id":"my-room","unique_name":"x"})"), kNow);
    REQUIRE(room.ok());
    json::object rendered = account.render(Stream::Rooms, *room, false);
    CHECK(rendered.at("id") == "my-room");
    CHECK(rendered.at("enable_recording") == false);
    CHECK(rendered.at("webhook_event_failover_url") == "");
    CHECK(rendered.at("webhook_timeout_secs").is_null());
    CHECK(rendered.at("active_session_id").is_null());
}

TEST_CASE("create refuses a taken id, a wrong record_type and bad fields") {
    Account account = makeAccount();
    std::string taken = account.records(Stream::Rooms).front().id;
    CHECK_FALSE(account.create(Stream::Rooms, parseObject(R"({"id":")" + taken + R"("})"), kNow).ok());
    CHECK_FALSE(account.create(Stream::Rooms, parseObject(R"({"record_type":"room_session"})"), kNow).ok());
    CHECK_FALSE(account.create(Stream::Rooms, parseObject(R"({"max_participants":"many"})"), kNow).ok());
    CHECK_FALSE(account.create(Stream::Rooms, parseObject(R"({"id":""})"), kNow).ok());
    CHECK(account.create(Stream::Rooms, parseObject(R"({"record_type":"room"})"), kNow).ok());
}
