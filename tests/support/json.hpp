// JSON helpers for tests: parse a body the test expects to be JSON, and pick out
// the ids of a list of records (Telnyx records, the simulator's, roomsctl's output).
// Thread-safety: plain functions without state; parseJson fails the test through Catch,
// so it belongs on the test's own thread.
#pragma once

#include <boost/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace roomsd::test {

// Parses `text`; fails the test (showing the start of the text) when it is not JSON.
boost::json::value parseJson(const std::string& text);

// The "id" of each record of a JSON array, in order.
std::vector<std::string> idsOf(const boost::json::array& records);
// The same ids as a set, for comparisons in which order does not matter.
std::set<std::string> idSetOf(const boost::json::array& records);

} // namespace roomsd::test
