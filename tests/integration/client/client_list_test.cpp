// TelnyxClient against the real telnyx-sim: pages of all three record kinds, the
// date filter, embedded children, records by id, gzip and kept-alive connections.
#include <catch2/catch.hpp>

#include <algorithm>

#include "support/json.hpp"
#include "support/sim_control.hpp"
#include "telnyx/client.hpp"
#include "telnyx/curl.hpp"

namespace json = boost::json;
using namespace roomsd;
using namespace roomsd::telnyx;

namespace {

ClientOptions optionsFor(const test::SimProcess& sim) {
    ClientOptions options;
    options.baseUrl = sim.baseUrl();
    options.timeout = std::chrono::seconds(10);
    options.connectTimeout = std::chrono::seconds(5);
    options.backoffBase = std::chrono::milliseconds(20);
    options.backoffCap = std::chrono::milliseconds(200);
    return options;
}

// Every record of `schema` the client lists, page by page, with `query`'s filter and flags.
std::vector<model::MirrorRecord> listAll(TelnyxClient& client, const model::RecordSchema& schema, ListQuery query) {
    std::vector<model::MirrorRecord> all;
    for (query.pageNumber = 1;; ++query.pageNumber) {
        auto page = client.listPage(schema, query, {});
        INFO(schema.name << " page " << query.pageNumber);
        REQUIRE(page.ok());
        CHECK(page->rejected.empty());
        REQUIRE(page->meta);
        for (auto& r : page->records) all.push_back(std::move(r));
        if (query.pageNumber >= page->meta->totalPages.value_or(1)) break;
        REQUIRE(query.pageNumber < 1000);
    }
    return all;
}

std::set<std::string> idsOf(const std::vector<model::MirrorRecord>& records) {
    std::set<std::string> ids;
    for (const auto& r : records) ids.insert(r.id);
    return ids;
}

} // namespace

TEST_CASE("listing each kind page by page yields exactly the simulated account") {
    CurlGlobal curl;
    test::SimProcess sim({"--rooms", "30", "--seed", "11"});
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    json::object account = sim.control().account();
    for (const model::RecordSchema* schema : model::allSchemas()) {
        ListQuery query;
        query.pageSize = 7; // several pages for every kind
        auto records = listAll(client, *schema, query);
        INFO(schema->name);
        CHECK(records.size() == account.at(schema->table).as_array().size());
        CHECK(idsOf(records) == test::idSetOf(account.at(schema->table).as_array()));
        CHECK(std::all_of(records.begin(), records.end(), [&](const auto& r) { return r.schema == schema; }));
        CHECK(std::all_of(records.begin(), records.end(), [](const auto& r) { return r.children.empty(); }));
    }
    auto stats = client.stats();
    CHECK(stats.retries == 0);
    CHECK(stats.requests == stats.byStatus[200]);
}

TEST_CASE("asking for children embeds each room's sessions and each session's participants") {
    CurlGlobal curl;
    test::SimProcess sim({"--rooms", "15", "--seed", "3"});
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    json::object account = sim.control().account();
    ListQuery query;
    query.includeChildren = true;

    std::set<std::string> embeddedSessions;
    for (const auto& room : listAll(client, model::roomsSchema(), query))
        for (const auto& session : room.children) {
            CHECK(session.schema == &model::sessionsSchema());
            CHECK(std::get<std::string>(session.value("room_id")) == room.id);
            embeddedSessions.insert(session.id);
        }
    CHECK(embeddedSessions == test::idSetOf(account.at("room_sessions").as_array()));

    std::set<std::string> embeddedParticipants;
    for (const auto& session : listAll(client, model::sessionsSchema(), query))
        for (const auto& participant : session.children) {
            CHECK(participant.schema == &model::participantsSchema());
            embeddedParticipants.insert(participant.id);
        }
    CHECK(embeddedParticipants == test::idSetOf(account.at("room_participants").as_array()));
}

TEST_CASE("the updated-since filter returns the records updated on or after that date") {
    CurlGlobal curl;
    test::SimProcess sim({"--rooms", "40", "--seed", "5"});
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    json::object account = sim.control().account();
    for (const model::RecordSchema* schema : model::allSchemas()) {
        // The median update date of this kind, so that the filter keeps some records and drops others.
        std::vector<Date> dates;
        for (const auto& record : account.at(schema->table).as_array()) {
            auto updated = parseTimestamp(record.at("updated_at").as_string());
            REQUIRE(updated);
            dates.push_back(dateOf(*updated));
        }
        REQUIRE(dates.size() >= 2);
        std::sort(dates.begin(), dates.end());
        Date since = dates[dates.size() / 2];
        std::set<std::string> expected;
        for (const auto& record : account.at(schema->table).as_array())
            if (dateOf(*parseTimestamp(record.at("updated_at").as_string())) >= since)
                expected.insert(json::value_to<std::string>(record.at("id")));

        ListQuery query;
        query.updatedSince = since;
        query.pageSize = 250;
        INFO(schema->name << " since " << formatDate(since));
        auto records = listAll(client, *schema, query);
        CHECK(idsOf(records) == expected);
        CHECK(expected.size() < dates.size());
    }
}

TEST_CASE("a record by id, and nullopt for an id the API does not know") {
    CurlGlobal curl;
    test::SimProcess sim;
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    json::object account = sim.control().account();
    for (const model::RecordSchema* schema : model::allSchemas()) {
        std::string id = json::value_to<std::string>(account.at(schema->table).as_array().at(0).at("id"));
        auto record = client.getRecord(*schema, id, {});
        INFO(schema->name << " " << id);
        REQUIRE(record.ok());
        REQUIRE(record->has_value());
        CHECK((*record)->id == id);
        CHECK((*record)->schema == schema);

        auto missing = client.getRecord(*schema, "00000000-0000-4000-8000-000000000000", {});
        REQUIRE(missing.ok());
        CHECK_FALSE(missing->has_value());
    }
    // An id with characters that mean something in a URL stays one path segment.
    auto odd = client.getRecord(model::roomsSchema(), "../rooms?x=1#", {});
    REQUIRE(odd.ok());
    CHECK_FALSE(odd->has_value());
    auto log = sim.control().requestLog();
    REQUIRE_FALSE(log.requests.empty());
    CHECK(log.requests.back().target == "/v2/rooms/..%2Frooms%3Fx%3D1%23");
    CHECK(log.requests.back().status == 404);
}

TEST_CASE("sequential requests reuse one kept-alive connection") {
    CurlGlobal curl;
    test::SimProcess sim;
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    auto before = sim.control().requestLog().connectionsAccepted;
    for (int i = 0; i < 10; ++i) REQUIRE(client.listPage(model::roomsSchema(), ListQuery{}, {}).ok());
    auto after = sim.control().requestLog();
    CHECK(after.to("/v2/").size() == 10);
    // The second look at the log came on a connection of its own.
    CHECK(after.connectionsAccepted - before - 1 == 1);
}

TEST_CASE("gzip responses are asked for and decoded") {
    CurlGlobal curl;
    ListQuery query;
    query.pageSize = 250;
    SECTION("a simulator that compresses") {
        test::SimProcess sim({"--rooms", "60", "--seed", "9"});
        TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
        auto page = client.listPage(model::roomsSchema(), query, {});
        REQUIRE(page.ok());
        CHECK(page->records.size() == 60);
        auto stats = client.stats();
        CHECK(stats.bodyBytesOnWire > 0);
        CHECK(stats.bodyBytesOnWire * 2 < stats.bodyBytesDecoded); // JSON compresses far better than 2:1
    }
    SECTION("a simulator that does not") {
        test::SimProcess sim({"--rooms", "60", "--seed", "9", "--no-gzip"});
        TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
        auto page = client.listPage(model::roomsSchema(), query, {});
        REQUIRE(page.ok());
        CHECK(page->records.size() == 60);
        auto stats = client.stats();
        CHECK(stats.bodyBytesOnWire == stats.bodyBytesDecoded);
    }
}
