// The change feed's routes (README, "Change feed"):
//
//   GET    /changes                       a page of changes after since (json or jsonl), long-polled with wait
//   GET    /changes/stream                server-sent events from since or Last-Event-ID, with keepalives
//   GET    /changes/snapshot              every row in one read transaction, streamed as NDJSON
//   GET    /changes/consumers             the named consumers and their lag
//   PUT    /changes/consumers/{name}      registers one (idempotent)
//   DELETE /changes/consumers/{name}      forgets one
//   POST   /changes/consumers/{name}/ack  acknowledges everything up to a seq
//
// A long-poll or a stream holds no worker while it waits: it re-checks on an Asio timer
// (kChangePollInterval) and each check is one short job on the reader pool. A wait ends when
// a change commits, when `wait` runs out, when the client closes the connection, and when the
// server stops. A `since` older than what retention kept answers 410 changes_trimmed.
// Thread-safety: answerChanges() on the event loop; see server_core.hpp.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "api/routes.hpp"
#include "api/server_core.hpp"

namespace roomsd::api {

// How often a waiting long-poll or stream looks for new changes.
inline constexpr auto kChangePollInterval = std::chrono::milliseconds(250);
// The most a stream stays silent: then it sends ": keepalive".
inline constexpr auto kKeepaliveInterval = std::chrono::seconds(15);

// Answers a request to one of the routes above.
void answerChanges(const std::shared_ptr<ServerCore>& core, const RouteMatch& match, const ApiRequest& request,
                   std::string_view query, ReplyCallback done);

} // namespace roomsd::api
