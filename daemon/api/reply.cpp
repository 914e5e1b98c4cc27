// Error bodies of the query API.
// Thread-safety: pure functions.
#include "api/reply.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

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

Reply shuttingDown() {
    return errorReply(503, "shutting_down", "Shutting down", "roomsd is stopping; try again once it is back");
}

Reply databaseUnavailable() {
    return errorReply(503, "database_unavailable", "Database unavailable",
                      "the mirror's database cannot be opened for reading; see roomsd's log");
}

Reply internalError(const Error& error) {
    spdlog::error("query API: {}", error.message);
    return errorReply(500, "internal_error", "Internal error", error.message);
}

std::string syncedAtHeader(const std::optional<Timestamp>& syncedAt) {
    return syncedAt ? formatTimestamp(*syncedAt) : "never";
}

} // namespace roomsd::api
