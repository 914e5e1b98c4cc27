// The rooms API itself: answers an authorised GET under /v2 from the account.
//
// Routing, query validation (422 video_Errors), lookups (404 video_Error, as the
// spec's video_ResourceNotFound), filtering, ordering and paging. Authentication,
// rate limits, faults and transport are the server's; this is pure, so tests can
// call it without a socket.
// Thread-safety: reads the account; the caller serialises access.
#pragma once

#include <string>
#include <string_view>

#include "account.hpp"

namespace roomsd::sim {

struct ApiReply {
    unsigned status = 200;
    std::string body; // JSON
};

// Answers GET `target` (path and query, starting with "/v2/").
ApiReply answerApiRequest(const Account& account, std::string_view target);

// A video_Errors body with one error: {"errors":[{"code":..,"title":..,"detail":..}]},
// with "source":{"parameter":..} when `parameter` is not empty.
std::string errorsBody(std::string_view code, std::string_view title, std::string_view detail,
                       std::string_view parameter = "");

// The default video_Errors body for an HTTP status (used by status faults, 401, 429, 404...).
std::string errorsBodyForStatus(unsigned status);

} // namespace roomsd::sim
