// Reply: what a route answers, before it becomes an HTTP response; and the
// JSON error bodies every route uses.
//
// Errors are {"errors":[{"code","title","detail"[,"source":{"parameter"}]}]},
// the shape of Telnyx's video_Errors, so one parser reads both; a /v2 by-id 404
// is the spec's bare video_Error {"code":"10005","title":...,"detail":...}.
// Thread-safety: plain values and pure functions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"

namespace roomsd::api {

struct Reply {
    unsigned status = 200;
    std::string body;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers; // extra: Allow, Retry-After, ...
    // Set when the reply read mirrored data: the Roomsd-Synced-At header ("never" when nullopt inside).
    std::optional<std::optional<Timestamp>> syncedAt;
    bool close = false; // close the connection after this reply
    // Set when the body is produced while it is sent (an SQL export): `body` is empty and the
    // connection sends the stream's pieces as HTTP chunks; a body cut short ends the connection
    // without the last chunk, so no client takes it for a whole one.
    std::shared_ptr<class BodyStream> stream;
};

// {"errors":[{...}]} with one error; "source":{"parameter":...} when `parameter` is not empty.
std::string errorsBody(std::string_view code, std::string_view title, std::string_view detail,
                       std::string_view parameter = "");

// A JSON reply with one error.
Reply errorReply(unsigned status, std::string_view code, std::string_view title, std::string_view detail);

// 503 shutting_down: roomsd is stopping.
Reply shuttingDown();
// 503 database_unavailable: the mirror cannot be opened for reading.
Reply databaseUnavailable();
// 500 internal_error with the error's message, which is logged.
Reply internalError(const Error& error);

// The header value for a freshness: the timestamp, or "never".
std::string syncedAtHeader(const std::optional<Timestamp>& syncedAt);

} // namespace roomsd::api
