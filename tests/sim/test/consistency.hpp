// The account invariants upstream keeps, checked on an account as /_sim/account renders
// it: what the activity tests require after every change and of every snapshot.
// Thread-safety: pure function.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace roomsd::simtest {

// Every broken invariant, one line each; empty when the account is consistent. `clock`
// is the latest time any timestamp may carry.
std::vector<std::string> inconsistencies(const boost::json::object& account, Timestamp clock);

} // namespace roomsd::simtest
