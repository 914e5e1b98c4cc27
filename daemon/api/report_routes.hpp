// GET /reports (the catalog as JSON) and GET /reports/NAME?from=&to=&room=&format=&<param>=
// (one report, or all, rendered by daemon/report). The definitions are read on every
// request, so a file dropped into reports.dir is picked up without a restart; the query
// runs on the SQL workers, never on the event loop.
// Thread-safety: called on the event loop; the answer comes from a worker thread.
#pragma once

#include <string_view>

#include "api/server_core.hpp"

namespace roomsd::api {

// Answers a Reports or Report route by calling `done` once.
void answerReports(ServerCore& core, const RouteMatch& match, std::string_view query, const ReplyCallback& done);

} // namespace roomsd::api
