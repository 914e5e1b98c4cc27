// The request targets the client sends: parameter names percent-encoded, ids escaped in paths.
#include <catch2/catch.hpp>

#include "telnyx/client.hpp"

using namespace roomsd;
using namespace roomsd::telnyx;
using namespace std::chrono;

TEST_CASE("a plain list request names the page and its size") {
    CHECK(listRequestTarget(model::roomsSchema(), ListQuery{}) == "/rooms?page%5Bnumber%5D=1&page%5Bsize%5D=250");
}

TEST_CASE("a list request with the date filter and embedded children") {
    ListQuery query;
    query.updatedSince = year(2024) / May / 1;
    query.pageNumber = 3;
    query.pageSize = 50;
    query.includeChildren = true;
    CHECK(listRequestTarget(model::roomsSchema(), query) ==
          "/rooms?filter%5Bdate_updated_at%5D%5Bgte%5D=2024-05-01&page%5Bnumber%5D=3&page%5Bsize%5D=50"
          "&include_sessions=true");
    CHECK(listRequestTarget(model::sessionsSchema(), query) ==
          "/room_sessions?filter%5Bdate_updated_at%5D%5Bgte%5D=2024-05-01&page%5Bnumber%5D=3&page%5Bsize%5D=50"
          "&include_participants=true");
    // Participants embed nothing, so there is no flag to send.
    CHECK(listRequestTarget(model::participantsSchema(), query) ==
          "/room_participants?filter%5Bdate_updated_at%5D%5Bgte%5D=2024-05-01&page%5Bnumber%5D=3&page%5Bsize%5D=50");
}

TEST_CASE("record ids are percent-encoded in the path") {
    CHECK(recordRequestTarget(model::roomsSchema(), "7b61621f-62e0-4aad-ab11-9fd19e272e73") ==
          "/rooms/7b61621f-62e0-4aad-ab11-9fd19e272e73");
    CHECK(recordRequestTarget(model::sessionsSchema(), "a b/../c?d#e") == "/room_sessions/a%20b%2F..%2Fc%3Fd%23e");
}
