// Query strings and path segments as the query API decodes them (api/query_string.hpp),
// and the round trip from what roomsctl and the Telnyx client encode.
#include <catch2/catch.hpp>

#include "api/query_string.hpp"
#include "ctl/request.hpp"
#include "telnyx/client.hpp"

using namespace roomsd;
using api::decodePathSegment;
using api::parseQueryString;

namespace {

// The query of a request target, after its '?'.
std::string_view queryOf(std::string_view target) {
    auto mark = target.find('?');
    REQUIRE(mark != std::string_view::npos);
    return target.substr(mark + 1);
}

// The last path segment of a request target, before any '?'.
std::string_view lastSegmentOf(std::string_view target) {
    target = target.substr(0, target.find('?'));
    return target.substr(target.rfind('/') + 1);
}

} // namespace

TEST_CASE("escapes and '+' decode in a query, '+' stays '+' in a path, and a bad escape is refused") {
    CHECK(parseQueryString("filter%5Bunique_name%5D=x").count("filter[unique_name]") == 1);
    CHECK(parseQueryString("v=My+Room%21").at("v") == "My Room!");
    CHECK(decodePathSegment("a+b") == "a+b");
    CHECK(decodePathSegment("s%2F1%3Fx") == "s/1?x");
    for (std::string bad : {"bad%2", "bad%zz"}) {
        INFO(bad);
        CHECK_FALSE(decodePathSegment(bad));
        CHECK(parseQueryString("v=" + bad).at("v") == std::nullopt);
    }
}

TEST_CASE("query strings decode names and values, and bad escapes are told apart") {
    auto q = parseQueryString("filter%5Bunique_name%5D=My+Room&page[size]=5&flag&bad=%zz&%zz=1&page[size]=7");
    CHECK(q.at("filter[unique_name]") == "My Room");
    CHECK(q.at("page[size]") == "7");
    CHECK(q.at("flag") == "");
    CHECK(q.at("bad") == std::nullopt);
    CHECK(q.size() == 4);
    CHECK(parseQueryString("").empty());
}

TEST_CASE("what roomsctl and the Telnyx client encode, the query API decodes to the same text") {
    for (std::string text : {"My Room&x=1", "C++ + c", "100%", "a=b", "[x]", "#frag", "?q", "/", " lead ",
                             "Dr. \"Q\" O'Neil", "\xE7\x94\xB0\xE4\xB8\xAD", "%41"}) {
        INFO(text);
        ctl::ListQuery query;
        query.filters = {{"filter[context]", text}};
        auto parameters = parseQueryString(queryOf(ctl::listRequest(model::participantsSchema(), query).target));
        CHECK(parameters.at("filter[context]") == text);

        auto byId = ctl::recordRequest(model::sessionsSchema(), text, true);
        REQUIRE(byId.ok());
        CHECK(decodePathSegment(lastSegmentOf(byId->target)) == text);
        CHECK(parseQueryString(queryOf(byId->target)).at("include_participants") == "true");
        CHECK(decodePathSegment(lastSegmentOf(telnyx::recordRequestTarget(model::roomsSchema(), text))) == text);
    }
}
