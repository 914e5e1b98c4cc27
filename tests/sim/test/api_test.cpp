// The /v2 routes answered in process: status codes and body shapes.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "api.hpp"
#include "spec_fixture.hpp"

using namespace roomsd;
using namespace roomsd::sim;
using namespace roomsd::sim::testing;
namespace json = boost::json;

namespace {

Account makeAccount() { return testAccount(12, 5, 1); }

json::value body(const ApiReply& reply) { return json::parse(reply.body); }

} // namespace

TEST_CASE("every route of the spec answers 200") {
    Account account = makeAccount();
    std::string room = account.records(Stream::Rooms).front().id;
    std::string session = account.records(Stream::Sessions).front().id;
    std::string participant = account.records(Stream::Participants).front().id;
    for (const std::string& target : {std::string("/v2/rooms"), "/v2/rooms/" + room, "/v2/rooms/" + room + "/sessions",
                                      std::string("/v2/room_sessions"), "/v2/room_sessions/" + session,
                                      "/v2/room_sessions/" + session + "/participants",
                                      std::string("/v2/room_participants"), "/v2/room_participants/" + participant}) {
        INFO(target);
        ApiReply reply = answerApiRequest(account, target);
        CHECK(reply.status == 200);
        CHECK(body(reply).as_object().contains("data"));
    }
}

TEST_CASE("unknown records are 404 with a bare video_Error - unknown routes are 404 too") {
    Account account = makeAccount();
    for (const char* target : {"/v2/rooms/nope", "/v2/room_sessions/nope", "/v2/room_participants/nope"}) {
        ApiReply reply = answerApiRequest(account, target);
        CHECK(reply.status == 404);
        json::object error = body(reply).as_object();
        CHECK(error.at("code") == "10005");
        CHECK(error.at("title") == "Resource not found");
        CHECK(error.contains("detail"));
    }
    for (const char* target : {"/v2", "/v2/", "/v2/rooms/", "/v2/roomz", "/v2/rooms/a/participants",
                               "/v2/room_participants/a/sessions", "/v2/rooms/a/sessions/b", "/v2/rooms/%zz"}) {
        INFO(target);
        CHECK(answerApiRequest(account, target).status == 404);
    }
}

TEST_CASE("a nested list of an unknown parent is an empty 200") {
    Account account = makeAccount();
    for (const char* target : {"/v2/rooms/nope/sessions", "/v2/room_sessions/nope/participants"}) {
        ApiReply reply = answerApiRequest(account, target);
        CHECK(reply.status == 200);
        json::value b = body(reply);
        CHECK(b.at("data").as_array().empty());
        CHECK(b.at("meta").at("total_results") == 0);
        CHECK(b.at("meta").at("total_pages") == 0);
    }
}

TEST_CASE("a 422 carries a video_Errors body with the parameter") {
    ApiReply reply = answerApiRequest(makeAccount(), "/v2/rooms?page%5Bsize%5D=251");
    CHECK(reply.status == 422);
    json::value error = body(reply).at("errors").at(0);
    CHECK(error.at("code") == "10015");
    CHECK(error.at("title") == "Invalid parameter");
    CHECK(error.at("source").at("parameter") == "page[size]");
}

TEST_CASE("path ids are percent-decoded") {
    Account account = makeAccount();
    REQUIRE(account.create(Stream::Rooms, json::parse(R"({"id":"a b/c"})").as_object(), nowUtc()).ok());
    CHECK(answerApiRequest(account, "/v2/rooms/a%20b%2Fc").status == 200);
}
