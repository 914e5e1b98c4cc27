// Error bodies of the query API.
// Thread-safety: pure functions.
#include "api/reply.hpp"

#include <boost/json.hpp>

namespace roomsd::api {

namespace json = boost::json;

std::string errorsBody(std::string_view code, std::string_view title, std::string_view detail,
                       std::string_view parameter) {
    json::object error;
    error["code"] = code;
    error["title"] = title;
    error["detail"] = detail;
    if (!parameter.empty()) error["source"] = json::object{{"parameter", parameter}};
    return json::serialize(json::object{{"errors", json::array{std::move(error)}}});
}

Reply errorReply(unsigned status, std::string_view code, std::string_view title, std::string_view detail) {
    Reply reply;
    reply.status = status;
    reply.body = errorsBody(code, title, detail);
    return reply;
}

std::string syncedAtHeader(const std::optional<Timestamp>& syncedAt) {
    return syncedAt ? formatTimestamp(*syncedAt) : "never";
}

} // namespace roomsd::api
