// The change feed's JSON: a change, a mirror row and a snapshot line, as the contract
// (README, "Change feed") writes them.
//
// One row renderer serves both a change and the snapshot: a change's row is its record
// converted by model::recordFromJson (the conversion the writer stores columns with), with
// upstream_json = the record, synced_at = applied_at and deleted_at = applied_at for a
// delete; a snapshot's row is read from the table. Either way the row has every column of
// the table, named as in SQLite, booleans as true/false.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "common/result.hpp"
#include "store/change_feed.hpp"

namespace roomsd::api {

// Every column of the row as a JSON object.
boost::json::object rowJson(const store::TableRow& row);

// The mirror's row after `change`. An error when the record is not a usable record.
Result<store::TableRow> rowAfter(const store::Change& change);

// The change as one JSON object ({"seq",...,"record","row"}).
Result<boost::json::object> changeJson(const store::Change& change);

// One snapshot line: {"kind":"rooms","row":{...}} and a newline.
std::string snapshotRowLine(const store::TableRow& row);

} // namespace roomsd::api
