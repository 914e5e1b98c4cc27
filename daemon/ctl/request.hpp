// What roomsctl asks roomsd: command-line values checked and turned into HTTP requests.
//
// Everything here is pure, so a bad date or page size is refused (exit 2) before
// any connection is made, and the exact request targets can be unit-tested.
// The filter flags of each list command are described once, as data, for both
// the command line (--help) and the request. Thread-safety: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/records.hpp"

namespace roomsd::ctl {

// A path segment, query name or value escaped down to RFC 3986's unreserved characters.
std::string escapeComponent(std::string_view text);

// One request to the daemon.
struct HttpRequest {
    std::string method = "GET";
    std::string target; // "/v2/rooms?filter%5Bunique_name%5D=x"
    std::string accept = "application/json";
    std::string contentType; // empty when there is no body
    std::string body;
};

using model::FilterKind;

// One filter flag of a list command: `--created-since DATE` -> filter[date_created_at][gte].
// Derived from the schema's filters: an exact or boolean filter on `unique_name` is
// --unique-name; a date filter on `created_at` is --created-on, --created-since, --created-until.
struct FilterFlag {
    std::string flag;  // long option, with its dashes: "--created-since"
    std::string param; // query parameter: "filter[date_created_at][gte]"
    FilterKind kind;
    std::string help;
};

// The filter flags of the list command for `schema` (rooms, sessions, participants), in --help order.
std::span<const FilterFlag> filterFlags(const model::RecordSchema& schema);

// A list command's options as typed on the command line, before any checking.
struct ListFlags {
    std::map<std::string, std::string> filters; // flag ("--created-since") -> value, only those given
    bool includeChildren = false;
    std::optional<std::string> page;
    std::optional<std::string> pageSize;
    bool all = false;
};

// A checked list query.
struct ListQuery {
    std::vector<std::pair<std::string, std::string>> filters; // param -> value, in filterFlags() order
    bool includeChildren = false;
    std::optional<std::int64_t> pageNumber; // absent: the daemon's default (the first page)
    std::optional<std::int64_t> pageSize;   // absent: the daemon's default
    bool all = false;                       // follow every page
};

// Checks the flags of a list command; a Usage error that names the flag otherwise.
Result<ListQuery> parseListFlags(const model::RecordSchema& schema, const ListFlags& flags);

// GET /v2/<kind>?filters&include_<children>=true&page[number]=N&page[size]=S, names and values percent-encoded.
HttpRequest listRequest(const model::RecordSchema& schema, const ListQuery& query);

// GET /v2/<kind>/<id>[?include_<children>=true]; a Usage error for an empty id, or for
// embedding children a kind does not have.
Result<HttpRequest> recordRequest(const model::RecordSchema& schema, std::string_view id, bool includeChildren);

// The JSON value a --param VALUE stands for: a 64-bit integer or a finite real as a
// number, "null" as null, anything else (including an integer too large) as a string.
boost::json::value sqlParamValue(std::string_view text);

// POST /sql: the statement as text/plain, or with parameters as application/json
// {"sql":...,"params":[...]}, asking for `accept` (text/csv and application/x-ndjson
// answers stream). A Usage error for an empty statement.
Result<HttpRequest> sqlRequest(std::string_view sql, const std::vector<std::string>& params,
                               std::string_view accept = "application/json");

HttpRequest statusRequest(); // GET /status
HttpRequest syncRequest();   // POST /sync

// The socket roomsctl talks to when --socket is not given: `environmentValue`
// ($ROOMSD_SOCKET) when set and not empty, else roomsd's default.
std::string defaultSocketPath(const char* environmentValue);

// A Usage error when `path` cannot name a Unix socket (empty, or too long for sun_path).
Result<void> checkSocketPath(std::string_view path);

} // namespace roomsd::ctl
