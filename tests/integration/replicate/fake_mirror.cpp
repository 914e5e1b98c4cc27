#include "fake_mirror.hpp"

#include <chrono>
#include <thread>

namespace json = boost::json;

namespace roomsd::test {
namespace {

// Every column of the mirror's tables (schema/0001_init.sql), by kind.
const std::map<std::string, std::vector<std::string>>& columnsByKind() {
    static const std::map<std::string, std::vector<std::string>> columns{
        {"rooms",
         {"id", "unique_name", "max_participants", "enable_recording", "webhook_event_url",
          "webhook_event_failover_url", "webhook_timeout_secs", "active_session_id", "created_at", "updated_at",
          "record_type", "upstream_json", "synced_at", "deleted_at"}},
        {"room_sessions",
         {"id", "room_id", "active", "created_at", "updated_at", "ended_at", "record_type", "upstream_json",
          "synced_at", "deleted_at"}},
        {"room_participants",
         {"id", "session_id", "context", "joined_at", "updated_at", "left_at", "record_type", "upstream_json",
          "synced_at", "deleted_at"}},
    };
    return columns;
}

std::optional<std::string> canonicalCell(const std::string& column, const json::value& v) {
    if (v.is_null()) return std::nullopt;
    if (v.is_bool()) return std::string(v.as_bool() ? "1" : "0");
    if (v.is_int64()) return std::to_string(v.as_int64());
    if (column == "upstream_json") return canonicalJsonText(std::string(v.as_string()));
    return std::string(v.as_string());
}

std::string queryValue(const std::string& target, const std::string& name) {
    auto q = target.find('?');
    if (q == std::string::npos) return "";
    std::string query = target.substr(q + 1);
    for (std::size_t start = 0; start <= query.size();) {
        auto end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        std::string pair = query.substr(start, end - start);
        if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
        start = end + 1;
    }
    return "";
}

ctl::HttpReply reply(int status, const json::value& body) {
    ctl::HttpReply r;
    r.status = status;
    r.contentType = "application/json";
    r.body = json::serialize(body);
    return r;
}

} // namespace

json::object mirrorRow(const std::string& kind, const std::string& id, const json::object& fields,
                       const std::string& syncedAt) {
    json::object record = fields;
    record["id"] = id;
    json::object row;
    for (const auto& column : columnsByKind().at(kind)) row[column] = nullptr;
    for (const auto& [k, v] : record)
        if (row.contains(k)) row[k] = v;
    row["upstream_json"] = canonicalJsonText(json::serialize(record));
    row["synced_at"] = syncedAt;
    return row;
}

std::int64_t FakeMirror::change(const std::string& kind, const std::string& op, json::object row) {
    std::lock_guard lock(mutex_);
    std::int64_t seq = static_cast<std::int64_t>(log_.size()) + 1;
    std::string id(row.at("id").as_string());
    json::object c{{"seq", seq},
                   {"kind", kind},
                   {"id", id},
                   {"op", op},
                   {"fields", json::array{}},
                   {"applied_at", row.at("synced_at")},
                   {"record", json::parse(row.at("upstream_json").as_string())},
                   {"row", row}};
    log_.push_back(std::move(c));
    rows_[{kind, id}] = std::move(row);
    return seq;
}

void FakeMirror::trimThrough(std::int64_t through) {
    std::lock_guard lock(mutex_);
    trimmed_ = through;
}

void FakeMirror::refuseRequests(int n) {
    std::lock_guard lock(mutex_);
    refuse_ = n;
}

void FakeMirror::cutSnapshots(int n) {
    std::lock_guard lock(mutex_);
    cut_ = n;
}

CanonicalTable FakeMirror::table(const std::string& kind) const {
    std::lock_guard lock(mutex_);
    CanonicalTable out;
    for (const auto& [key, row] : rows_) {
        if (key.first != kind) continue;
        CanonicalRow r;
        for (const auto& [column, v] : row) r[std::string(column)] = canonicalCell(std::string(column), v);
        out[key.second] = std::move(r);
    }
    return out;
}

std::int64_t FakeMirror::lastSeq() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(log_.size());
}

std::int64_t FakeMirror::acked(const std::string& consumer) const {
    std::lock_guard lock(mutex_);
    auto it = consumers_.find(consumer);
    return it == consumers_.end() ? -1 : it->second;
}

int FakeMirror::snapshotsServed() const {
    std::lock_guard lock(mutex_);
    return snapshots_;
}

int FakeMirror::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

Result<ctl::HttpReply> FakeMirror::send(const ctl::HttpRequest& request) {
    std::unique_lock lock(mutex_);
    ++requests_;
    if (refuse_ > 0) {
        --refuse_;
        return fail(ErrorKind::Transient, "connect: No such file or directory");
    }
    const std::string path = request.target.substr(0, request.target.find('?'));
    const std::int64_t last = static_cast<std::int64_t>(log_.size());
    const std::string consumersPrefix = "/changes/consumers/";
    if (request.method == "PUT" && path.rfind(consumersPrefix, 0) == 0) {
        std::string name = path.substr(consumersPrefix.size());
        bool created = !consumers_.count(name);
        if (created) {
            std::int64_t acked = last;
            if (!request.body.empty()) acked = json::parse(request.body).at("acked_seq").as_int64();
            if (acked > last) return reply(400, json::object{{"errors", json::array{}}});
            consumers_[name] = acked;
        }
        return reply(created ? 201 : 200, json::object{{"name", name}, {"acked_seq", consumers_[name]}});
    }
    if (request.method == "POST" && path.rfind(consumersPrefix, 0) == 0) {
        std::string name = path.substr(consumersPrefix.size());
        name = name.substr(0, name.find('/'));
        if (!consumers_.count(name)) return reply(404, json::object{{"errors", json::array{}}});
        std::int64_t seq = json::parse(request.body).at("seq").as_int64();
        if (seq > last) return reply(400, json::object{{"errors", json::array{}}});
        consumers_[name] = std::max(consumers_[name], seq);
        return reply(200, json::object{{"name", name}, {"acked_seq", consumers_[name]}});
    }
    if (path == "/changes/snapshot") {
        ++snapshots_;
        std::string body =
            json::serialize(json::object{{"snapshot", {{"seq", last}, {"taken_at", "2026-12-01T15:00:00.000000Z"}}}}) +
            "\n";
        std::int64_t n = 0;
        for (const char* kind : {"rooms", "room_sessions", "room_participants"})
            for (const auto& [key, row] : rows_)
                if (key.first == kind) {
                    body += json::serialize(json::object{{"kind", kind}, {"row", row}}) + "\n";
                    ++n;
                }
        bool cut = cut_ > 0;
        if (cut) --cut_;
        if (!cut) body += json::serialize(json::object{{"end", {{"rows", n}}}}) + "\n";
        ctl::HttpReply r;
        r.status = 200;
        r.contentType = "application/x-ndjson";
        r.body = body;
        r.complete = true;
        return r;
    }
    if (path == "/changes") {
        std::int64_t since = std::stoll("0" + queryValue(request.target, "since"));
        std::int64_t limit = std::stoll(queryValue(request.target, "limit"));
        if (since < trimmed_)
            return reply(410,
                         json::object{{"errors", json::array{json::object{{"code", "changes_trimmed"},
                                                                          {"title", "Changes trimmed"},
                                                                          {"meta", {{"oldest_seq", trimmed_ + 1}}}}}}});
        if (since >= last) { // the long-poll, shortened: nothing new yet
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            lock.lock();
        }
        json::array data;
        std::int64_t next = since;
        for (std::int64_t s = since + 1; s <= static_cast<std::int64_t>(log_.size()) && s - since <= limit; ++s) {
            data.push_back(log_[static_cast<std::size_t>(s - 1)]);
            next = s;
        }
        std::int64_t now = static_cast<std::int64_t>(log_.size());
        return reply(
            200,
            json::object{
                {"data", data},
                {"meta", {{"since", since}, {"next_since", next}, {"last_seq", now}, {"oldest_seq", trimmed_ + 1}}}});
    }
    return reply(404, json::object{{"errors", json::array{}}});
}

} // namespace roomsd::test
