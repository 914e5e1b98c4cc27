// What the change feed sends, read into the replica's terms: a row of one mirror table as
// the parameters of its upsert, a page of GET /changes, the lines of GET /changes/snapshot.
// The feed's contract is /work/shared feed-contract (README, "Change feed"): every change
// carries the mirror's whole row after it, so insert, update, delete and restore all become
// one upsert of that row.
// Errors are ErrorKind::Protocol and say what did not fit: the replica never guesses a column.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/records.hpp"
#include "replicate/pg_connection.hpp"

namespace roomsd::replicate {

// One row of one table: values parallel to replicaColumns(*schema), as PostgreSQL text.
struct RowImage {
    const model::RecordSchema* schema = nullptr;
    std::string id;
    std::vector<PgParam> values;
};

// A "row" object of the feed (columns named as in SQLite, typed as in JSON) of `kind`'s table.
// A missing or unknown column, or a value of the wrong JSON type, is an Error.
Result<RowImage> rowFromJson(std::string_view kind, const boost::json::value& row);

struct Change {
    std::int64_t seq = 0;
    std::string op;        // insert, update, delete, restore
    std::string appliedAt; // when roomsd applied it
    RowImage row;
};

struct ChangesPage {
    std::vector<Change> changes; // in seq order
    std::int64_t nextSince = 0;  // the since of the next request
    std::int64_t lastSeq = 0;    // the newest seq in the log
    std::int64_t oldestSeq = 0;
};

// The body of GET /changes?format=json.
Result<ChangesPage> parseChangesPage(std::string_view body);

// One line of GET /changes/snapshot.
struct SnapshotLine {
    enum class Kind { Header, Row, End } kind = Kind::Row;
    std::int64_t seq = 0;  // Header: the seq the snapshot is consistent with
    std::string takenAt;   // Header
    std::int64_t rows = 0; // End: how many rows it sent
    RowImage row;          // Row
};
Result<SnapshotLine> parseSnapshotLine(std::string_view line);

} // namespace roomsd::replicate
