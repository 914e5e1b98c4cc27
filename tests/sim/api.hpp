// The rooms API itself: answers an authorised GET below the spec's base path (/v2).
//
// Routing by the spec's path templates, query validation (422 with the spec's
// video_Errors body), lookups (404, a bare video_Error where the spec says so),
// filtering, ordering and paging. Authentication, rate limits, faults and transport
// are the server's; this is pure, so tests can call it without a socket.
// Thread-safety: reads the account; the caller serialises access.
#pragma once

#include <string>
#include <string_view>

#include "account.hpp"

namespace roomsd::sim {

struct ApiReply {
    unsigned status = 200;
    std::string body;  // JSON
    bool list = false; // the answer of a list operation (what activity's every_requests counts)
};

// Answers GET `target` (path and query, starting with the base path "/v2/").
ApiReply answerApiRequest(const Account& account, std::string_view target);

// What one error says; the codes and titles are the simulator's (the spec has none).
struct ErrorText {
    std::string code;
    std::string title;
    std::string detail;
    std::string parameter; // source.parameter, when not empty
};

// {"errors":[{...}]}, the spec's video_Errors shape (its list key read from the spec).
std::string errorListBody(const ApiSpec& spec, const ErrorText& error);
// The simulator's error for an HTTP status (status faults, 401, 429, 405, 404...).
ErrorText errorForStatus(unsigned status);

} // namespace roomsd::sim
