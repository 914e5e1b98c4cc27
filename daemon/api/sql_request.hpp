// POST /sql requests: the body (plain SQL, or JSON {"sql","params"}) and the
// answer's format (JSON; CSV or JSON lines, which are streamed, when the client asks).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/sql_query.hpp"

namespace roomsd::api {

struct SqlRequest {
    std::string sql;
    std::vector<store::SqlParam> params;
};

// The statement and its parameters. An application/json body must be an object
// {"sql": string, "params": [JSON scalars]} ("params" optional, no other keys);
// any other body is the SQL text itself. Booleans bind as 1/0. A refusal is a
// Usage error whose message says what to fix.
Result<SqlRequest> parseSqlRequest(std::string_view contentType, std::string body);

enum class SqlFormat { Json, Csv, JsonLines };

// The format the Accept header prefers: text/csv (Csv), application/x-ndjson or
// application/jsonl (JsonLines), application/json (Json). Q-values are honoured,
// wildcards count for JSON, and JSON wins a tie; JSON when nothing is named.
SqlFormat negotiateSqlFormat(std::string_view accept);

// True when a Content-Type names application/json (parameters ignored).
bool isJsonContentType(std::string_view contentType);

} // namespace roomsd::api
