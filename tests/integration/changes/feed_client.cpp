// The change feed's test helpers.
// Thread-safety: see feed_client.hpp.
#include "feed_client.hpp"

#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

#include "../api/raw_connection.hpp"
#include "support/json.hpp"

namespace json = boost::json;

namespace roomsd::test {

Rows mirrorRows(const std::filesystem::path& database) {
    SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    Rows rows;
    for (const char* table : {"rooms", "room_sessions", "room_participants"}) {
        // The booleans: the columns the schema checks to be 0 or 1.
        std::string ddl =
            db.execAndGet(std::string("SELECT sql FROM sqlite_master WHERE name = '") + table + "'").getString();
        SQLite::Statement q(db, std::string("SELECT * FROM ") + table);
        while (q.executeStep()) {
            json::object row;
            std::string id;
            for (int i = 0; i < q.getColumnCount(); ++i) {
                std::string name = q.getColumnName(i);
                SQLite::Column c = q.getColumn(i);
                bool boolean = ddl.find("CHECK (" + name + " IN (0, 1))") != std::string::npos;
                if (c.isNull())
                    row[name] = nullptr;
                else if (c.isInteger())
                    row[name] = boolean ? json::value(c.getInt64() != 0) : json::value(c.getInt64());
                else
                    row[name] = c.getString();
                if (name == "id") id = c.getString();
            }
            rows[{table, id}] = std::move(row);
        }
    }
    return rows;
}

void applyChange(Rows& rows, const json::object& change) {
    std::string kind(change.at("kind").as_string());
    std::string id(change.at("id").as_string());
    rows[{kind, id}] = change.at("row").as_object();
}

std::int64_t appendChange(const std::filesystem::path& database, const std::string& kind, const std::string& id,
                          const std::string& op, const std::string& fieldsJson) {
    SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(10000);
    SQLite::Statement insert(db, "INSERT INTO change_log (kind, record_id, op, fields, record, applied_at) "
                                 "SELECT ?, id, ?, ?, upstream_json, synced_at FROM " +
                                     kind + " WHERE id = ?");
    insert.bind(1, kind);
    insert.bind(2, op);
    if (fieldsJson.empty())
        insert.bind(3);
    else
        insert.bind(3, fieldsJson);
    insert.bind(4, id);
    REQUIRE(insert.exec() == 1);
    return db.getLastInsertRowid();
}

json::object changesPage(const RoomsdDaemon& daemon, const std::string& query) {
    HttpResponse r = daemon.get("/changes?" + query);
    INFO("GET /changes?" << query << " -> " << r.status << " " << r.body.substr(0, 400));
    REQUIRE(r.status == 200);
    return parseJson(r.body).as_object();
}

std::int64_t lastSeq(const RoomsdDaemon& daemon) { return daemon.status().at("changes").at("last_seq").as_int64(); }

std::vector<SseEvent> parseEvents(const std::string& body, int* comments) {
    std::vector<SseEvent> events;
    SseEvent current;
    bool any = false;
    int commentLines = 0;
    std::size_t start = 0;
    while (start < body.size()) {
        std::size_t end = body.find('\n', start);
        if (end == std::string::npos) break; // a line not yet whole
        std::string line = body.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
            if (any) events.push_back(current);
            current = {};
            any = false;
        } else if (line.front() == ':') {
            ++commentLines;
        } else if (line.starts_with("id: ")) {
            current.id = line.substr(4), any = true;
        } else if (line.starts_with("event: ")) {
            current.event = line.substr(7), any = true;
        } else if (line.starts_with("data: ")) {
            current.data += line.substr(6), any = true;
        }
    }
    if (comments != nullptr) *comments = commentLines;
    return events;
}

namespace {

// The body of a chunked message so far: whole chunks only.
std::string dechunk(const std::string& raw, bool& last) {
    std::string out;
    std::size_t at = 0;
    last = false;
    while (at < raw.size()) {
        std::size_t eol = raw.find("\r\n", at);
        if (eol == std::string::npos) break;
        std::size_t size = std::stoul(raw.substr(at, eol - at), nullptr, 16);
        if (size == 0) {
            last = true;
            break;
        }
        if (eol + 2 + size + 2 > raw.size()) break;
        out += raw.substr(eol + 2, size);
        at = eol + 2 + size + 2;
    }
    return out;
}

} // namespace

StreamRead readEvents(const std::filesystem::path& socket, const std::string& target,
                      const std::vector<std::string>& headers, std::size_t wantEvents,
                      std::chrono::milliseconds limit) {
    RawConnection connection(socket);
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n";
    for (const auto& h : headers) request += h + "\r\n";
    REQUIRE(connection.send(request + "\r\n"));
    StreamRead out;
    std::string raw;
    auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[65536];
    while (std::chrono::steady_clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{connection.fd(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) break;
        ssize_t n = ::recv(connection.fd(), buffer, sizeof buffer, 0);
        if (n <= 0) {
            out.closed = true;
            break;
        }
        raw.append(buffer, static_cast<std::size_t>(n));
        std::size_t headEnd = raw.find("\r\n\r\n");
        if (headEnd == std::string::npos) continue;
        out.head = raw.substr(0, headEnd);
        bool chunked = out.head.find("chunked") != std::string::npos;
        bool last = false;
        out.body = chunked ? dechunk(raw.substr(headEnd + 4), last) : raw.substr(headEnd + 4);
        out.events = parseEvents(out.body, &out.comments);
        out.lastChunk = last;
        if (out.events.size() >= wantEvents || last) break;
    }
    return out;
}

} // namespace roomsd::test
