// Fuzz targets: each calls one of roomsd's pure parsers with an input and checks
// the contract its header documents. fuzz_smoke (Catch2, fixed-seed mutations)
// and the libFuzzer harnesses (fuzz_*.cpp, ROOMSD_FUZZ=ON) call these same
// functions, so the two cannot drift apart.
//
// A check returns the first broken promise as a Violation, or nothing. An
// exception that escapes a function that promises a Result, variant or optional
// is a violation too; sanitizers catch what a check cannot see.
//
// Some targets take more than one argument; their input starts with one
// selector byte (see each target's line below) and the rest is the text.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace roomsd::fuzz {

// What a check found wrong; nullopt when every promise held.
using Violation = std::optional<std::string>;

// telnyx::parseListPage; selector % 3 picks rooms, sessions or participants.
Violation checkListPage(std::string_view input);
// telnyx::parseRecordBody; selector % 3 picks the schema.
Violation checkRecordBody(std::string_view input);
// telnyx::describeErrorBody.
Violation checkErrorBody(std::string_view input);
// telnyx::parseRetryAfter and telnyx::parseRateLimitReset on the same header value.
Violation checkServerWait(std::string_view input);
// api::parseTelnyxQuery; selector % 8 picks the /v2 route, then "id?query".
Violation checkTelnyxQuery(std::string_view input);
// api::parseSqlRequest; selector % 4 picks the Content-Type (JSON, plain, none, or
// the input's first line), the rest is the body.
Violation checkSqlRequest(std::string_view input);
// api::negotiateSqlFormat and api::isJsonContentType on a header value.
Violation checkSqlAccept(std::string_view input);
// api::parseQueryString.
Violation checkQueryString(std::string_view input);
// The input as a value in ctl::listRequest and an id in telnyx::recordRequestTarget, read back by
// api::parseQueryString and api::decodePathSegment; and as encoded text those two decode.
Violation checkPercentCoding(std::string_view input);
// parseInteger.
Violation checkInteger(std::string_view input);
// quoteForLog and printableForLog.
Violation checkLogQuoting(std::string_view input);
// parseTimestamp, normalizeTimestamp and formatTimestamp.
Violation checkTimestamp(std::string_view input);
// parseDate and formatDate.
Violation checkDate(std::string_view input);
// config::loadConfigFromString.
Violation checkConfig(std::string_view input);
// roomsctl's renderers (ctl/render.hpp) on a JSON document; selector % 8 picks the
// renderer, (selector / 8) % 3 the schema, selector & 0x20 the children flag.
// Input that roomsctl would not parse as JSON is skipped.
Violation checkCtlRender(std::string_view input);

struct FuzzTarget {
    std::string_view name; // also the harness's name (fuzz_<name>) and its corpus folder
    bool hasSelector;      // the input's first byte picks a variant
    Violation (*check)(std::string_view input);
};

// Every target, in a fixed order.
std::span<const FuzzTarget> allTargets();

// The target called `name`; throws std::out_of_range for an unknown name.
const FuzzTarget& targetNamed(std::string_view name);

// For a libFuzzer harness: runs `check` on the bytes and aborts with the
// violation on stderr, so that libFuzzer keeps the input as a crash.
int runHarness(Violation (*check)(std::string_view input), const std::uint8_t* data, std::size_t size);

} // namespace roomsd::fuzz
