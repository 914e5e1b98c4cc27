#include "store/change_log.hpp"

#include <SQLiteCpp/Transaction.h>
#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace roomsd::store {

namespace json = boost::json;

std::string_view toString(ChangeOp op) noexcept {
    switch (op) {
    case ChangeOp::Insert: return "insert";
    case ChangeOp::Update: return "update";
    case ChangeOp::Delete: return "delete";
    case ChangeOp::Restore: return "restore";
    }
    return "update";
}

ChangeLog::ChangeLog(SQLite::Database& db)
    : db_(db),
      insert_(db, "INSERT INTO change_log (kind, record_id, op, fields, record, applied_at) VALUES (?, ?, ?, ?, ?, ?)"),
      // AUTOINCREMENT's own record of the largest seq: still there when retention trimmed every row.
      lastSeq_(db, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0)"),
      trimmedThrough_(db, "SELECT through FROM change_log_trim WHERE id = 1"),
      changedAfter_(db, "SELECT record_id FROM change_log WHERE seq > ? AND kind = ?") {}

void ChangeLog::append(std::string_view kind, const std::string& id, ChangeOp op,
                       const std::optional<std::string>& fields, const std::string& record,
                       const std::string& appliedAt) {
    insert_.reset();
    // Bound without copies: exec() runs the statement to its end, and every parameter is bound
    // again before the next run.
    insert_.bind(1, std::string(kind));
    insert_.bindNoCopy(2, id);
    insert_.bind(3, std::string(toString(op)));
    if (fields)
        insert_.bindNoCopy(4, *fields);
    else
        insert_.bind(4);
    insert_.bindNoCopy(5, record);
    insert_.bindNoCopy(6, appliedAt);
    insert_.exec();
}

std::int64_t ChangeLog::lastSeq() {
    lastSeq_.reset();
    lastSeq_.executeStep();
    std::int64_t last = lastSeq_.getColumn(0).getInt64();
    lastSeq_.reset();
    return last;
}

std::optional<std::vector<std::string>> ChangeLog::idsChangedAfter(std::string_view kind, std::int64_t after,
                                                                   std::int64_t limit) {
    std::int64_t last = lastSeq();
    if (last < after || last - after > limit) return std::nullopt;
    std::vector<std::string> ids;
    // Nothing after it (and retention never trims past the last seq).
    if (last == after) return ids;
    trimmedThrough_.reset();
    std::int64_t through = trimmedThrough_.executeStep() ? trimmedThrough_.getColumn(0).getInt64() : 0;
    trimmedThrough_.reset();
    if (through > after) return std::nullopt;
    changedAfter_.reset();
    changedAfter_.bind(1, static_cast<int64_t>(after));
    changedAfter_.bind(2, std::string(kind));
    while (changedAfter_.executeStep()) ids.push_back(changedAfter_.getColumn(0).getString());
    changedAfter_.reset();
    return ids;
}

void ChangeLog::reset() noexcept {
    for (SQLite::Statement* st : {&insert_, &lastSeq_, &trimmedThrough_, &changedAfter_}) {
        try {
            st->reset();
        } catch (...) {
            // reset() rethrows the statement's last error, which was reported when it happened.
        }
    }
}

Result<TrimResult> ChangeLog::trim(const ChangeRetention& policy, Timestamp now) {
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        TrimResult result;
        std::int64_t through = db_.execAndGet("SELECT through FROM change_log_trim WHERE id = 1").getInt64();
        result.through = through;
        std::int64_t last = db_.execAndGet("SELECT coalesce(max(seq), 0) FROM change_log").getInt64();
        // By count: all but the newest `count`.
        std::int64_t target = std::max<std::int64_t>(0, last - policy.count);
        // By age: everything before the first change young enough to keep. seq order is the
        // order changes were applied in, so the scan stops at the first young one.
        Timestamp cutoff{now.micros - static_cast<std::int64_t>(policy.days) * 86400 * kMicrosPerSecond};
        SQLite::Statement young(db_,
                                "SELECT seq FROM change_log WHERE seq > ? AND applied_at >= ? ORDER BY seq LIMIT 1");
        young.bind(1, static_cast<int64_t>(through));
        young.bind(2, formatTimestamp(cutoff));
        std::int64_t byAge = young.executeStep() ? young.getColumn(0).getInt64() - 1 : last;
        young.reset();
        target = std::max(target, byAge);
        // Never past what a registered consumer has not acknowledged.
        SQLite::Statement acked(db_, "SELECT min(acked_seq) FROM change_consumers");
        if (acked.executeStep() && !acked.getColumn(0).isNull()) {
            std::int64_t floor = acked.getColumn(0).getInt64();
            if (target > floor) {
                target = floor;
                result.heldByConsumer = true;
            }
        }
        target = std::min(target, through + policy.maxPerTrim);
        if (target <= through) return result;
        SQLite::Statement remove(db_, "DELETE FROM change_log WHERE seq <= ?");
        remove.bind(1, static_cast<int64_t>(target));
        result.deleted = remove.exec();
        SQLite::Statement mark(db_, "UPDATE change_log_trim SET through = ? WHERE id = 1");
        mark.bind(1, static_cast<int64_t>(target));
        mark.exec();
        tx.commit();
        result.through = target;
        return result;
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, std::string("cannot trim the change log: ") + e.what());
    }
}

std::optional<std::string> changedFields(std::string_view before, std::string_view after, std::string_view extra) {
    json::error_code ec1, ec2;
    json::value a = json::parse(before, ec1);
    json::value b = json::parse(after, ec2);
    if (ec1 || ec2 || !a.is_object() || !b.is_object()) return std::nullopt;
    std::set<std::string_view> names;
    for (const auto& kv : a.get_object()) {
        auto it = b.get_object().find(kv.key());
        if (it == b.get_object().end() || it->value() != kv.value()) names.insert(kv.key());
    }
    for (const auto& kv : b.get_object())
        if (!a.get_object().contains(kv.key())) names.insert(kv.key());
    if (!extra.empty()) names.insert(extra);
    json::array out;
    for (std::string_view name : names) out.emplace_back(name);
    return json::serialize(out);
}

} // namespace roomsd::store
