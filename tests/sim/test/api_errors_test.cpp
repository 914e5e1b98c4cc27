// The answers that are not data: 422, 401, 404 and 405, in the spec's shapes.
#include <catch2/catch.hpp>

#include "sim_client.hpp"
#include "support/spec.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

// The one error of a video_Errors body.
json::object onlyError(const test::HttpResponse& response) {
    json::value body = parseJson(response.body);
    REQUIRE(body.as_object().size() == 1);
    const json::array& errors = body.at("errors").as_array();
    REQUIRE(errors.size() == 1);
    return errors[0].as_object();
}

} // namespace

TEST_CASE("bad parameters are 422 with a video_Errors body naming the parameter") {
    test::SimProcess sim;
    struct Case {
        const char* target;
        const char* parameter;
    };
    for (const Case& c : {
             Case{"/rooms?page[size]=0", "page[size]"},
             Case{"/rooms?page%5Bsize%5D=251", "page[size]"},
             Case{"/room_sessions?page[size]=abc", "page[size]"},
             Case{"/room_participants?page[number]=0", "page[number]"},
             Case{"/rooms/x/sessions?page%5Bnumber%5D=1.5", "page[number]"},
             Case{"/rooms?filter[date_created_at][eq]=2026-02-30", "filter[date_created_at][eq]"},
             Case{"/room_sessions?filter%5Bdate_ended_at%5D%5Bgte%5D=26-05-01", "filter[date_ended_at][gte]"},
             Case{"/room_participants?filter[date_left_at][lte]=soon", "filter[date_left_at][lte]"},
             Case{"/room_sessions?filter[active]=yes", "filter[active]"},
             Case{"/rooms?include_sessions=1", "include_sessions"},
             Case{"/room_sessions/x?include_participants=True", "include_participants"},
         }) {
        INFO(c.target);
        test::HttpResponse response = apiGet(sim, c.target);
        CHECK(response.status == 422);
        CHECK(response.header("content-type") == "application/json");
        json::object error = onlyError(response);
        CHECK(error.at("code") == "10015");
        CHECK(error.at("title") == "Invalid parameter");
        CHECK(error.at("detail").as_string().size() > 0);
        CHECK(error.at("source").at("parameter") == c.parameter);
        CHECK(test::checkAgainstSchema("video_Errors", parseJson(response.body)).empty());
    }
}

TEST_CASE("parameters the path does not take, and unknown ones, are ignored") {
    test::SimProcess sim;
    json::value plain = apiJson(sim, "/rooms");
    CHECK(apiJson(sim, "/rooms?filter[room_id]=nope&filter[active]=maybe&include_participants=x&foo=bar") == plain);
    CHECK(apiJson(sim, "/room_participants?filter[date_created_at][eq]=bad&include_sessions=x") ==
          apiJson(sim, "/room_participants"));
}

TEST_CASE("no key or a wrong key is a 401 with the authentication error") {
    test::SimProcess sim;
    std::vector<test::HttpResponse> responses;
    responses.push_back(test::get(sim.baseUrl() + "/rooms"));
    responses.push_back(test::get(sim.baseUrl() + "/rooms", "not-" + sim.apiKey()));
    responses.push_back(test::get(sim.baseUrl() + "/rooms/x", sim.apiKey().substr(1)));
    test::HttpRequest basic;
    basic.url = sim.baseUrl() + "/room_sessions";
    basic.headers.push_back("Authorization: Basic " + sim.apiKey());
    responses.push_back(test::send(basic));
    for (const auto& response : responses) {
        CHECK(response.status == 401);
        json::object error = onlyError(response);
        CHECK(error.at("code") == "10009");
        CHECK(error.at("title") == "Authentication failed");
        CHECK(error.contains("detail"));
        CHECK(response.body.find(sim.apiKey()) == std::string::npos);
    }
    test::HttpRequest lowerCaseScheme;
    lowerCaseScheme.url = sim.baseUrl() + "/rooms";
    lowerCaseScheme.headers.push_back("Authorization: bearer " + sim.apiKey());
    CHECK(test::send(lowerCaseScheme).status == 200);
}

TEST_CASE("an unknown id is a 404 with a bare video_Error, as the spec's ResourceNotFound") {
    test::SimProcess sim;
    for (const char* path :
         {"/rooms/00000000-0000-4000-8000-000000000000", "/room_sessions/nope", "/room_participants/%20"}) {
        INFO(path);
        test::HttpResponse response = apiGet(sim, path);
        CHECK(response.status == 404);
        json::value body = parseJson(response.body);
        CHECK(body.at("code") == "10005");
        CHECK(body.at("title") == "Resource not found");
        CHECK(body.at("detail").is_string());
        CHECK_FALSE(body.as_object().contains("errors"));
        CHECK(test::checkAgainstSchema("video_Error", body).empty());
    }
}

TEST_CASE("unknown routes are 404 and other methods are 405") {
    test::SimProcess sim;
    for (const char* path : {"/calls", "/rooms/a/b/c", "/room_participants/a/sessions", ""}) {
        INFO(path);
        test::HttpResponse response = apiGet(sim, path);
        CHECK(response.status == 404);
        CHECK(onlyError(response).at("code") == "10005");
    }
    CHECK(test::get(sim.rootUrl() + "/v1/rooms", sim.apiKey()).status == 404);
    for (const char* method : {"POST", "DELETE", "PATCH", "PUT"}) {
        test::HttpRequest request;
        request.method = method;
        request.url = sim.baseUrl() + "/rooms";
        request.headers.push_back("Authorization: Bearer " + sim.apiKey());
        request.body = "{}";
        test::HttpResponse response = test::send(request);
        CHECK(response.status == 405);
        CHECK(response.header("allow") == "GET");
    }
}
