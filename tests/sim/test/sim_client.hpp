// Helpers of the simulator's own tests, on top of tests/support (SimProcess, its
// apiGet and its /_sim client): JSON GETs that must succeed, whole-collection walks
// that check every page's meta, and a raw socket for the answers libcurl would hide
// (truncated bodies, closed connections). Nothing outside tests/sim includes this.
// Thread-safety: plain functions; each call makes its own connection.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/http.hpp"
#include "support/json.hpp"
#include "support/sim.hpp"
#include "support/sim_control.hpp"

namespace roomsd::simtest {

namespace json = boost::json;

// The shared helpers from tests/support, under the names these tests use unqualified.
using test::apiGet;
using test::idsOf;
using test::parseJson;

// Like apiGet, but requires status 200 and returns the parsed body.
json::value apiJson(const test::SimProcess& sim, const std::string& pathAndQuery);

// Every record of a list endpoint, walking page[number] 1.. with `pageSize`; `query`
// ("filter[x]=y&") is prepended to the paging parameters. Checks each page's meta.
json::array listAll(const test::SimProcess& sim, const std::string& path, const std::string& query = "",
                    int pageSize = 250);

// Connects to 127.0.0.1:`port`, sends `request` as is, and returns every byte read until
// the peer closes or `timeoutMs` of silence passes.
std::string rawExchange(int port, const std::string& request, int timeoutMs = 10000);

// A connection to 127.0.0.1:`port` that sent `request` and stays open until destroyed:
// for answers that never come.
class OpenConnection {
public:
    OpenConnection(int port, const std::string& request);
    ~OpenConnection();
    OpenConnection(const OpenConnection&) = delete;
    OpenConnection& operator=(const OpenConnection&) = delete;
    // True when any byte (or the peer's close) arrives within `timeoutMs`.
    bool heardWithin(int timeoutMs);

private:
    int fd_ = -1;
};

// A raw HTTP/1.1 GET request text with the given target and extra header lines.
std::string rawGet(const std::string& target, const std::vector<std::string>& headers = {});

} // namespace roomsd::simtest
