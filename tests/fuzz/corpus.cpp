// Seed corpora: every seed is an input the code meets in normal use.
#include "fuzz/corpus.hpp"

#include <boost/json.hpp>

#include <array>
#include <stdexcept>

#include "support/process.hpp"
#include "support/spec.hpp"

namespace json = boost::json;

namespace roomsd::fuzz {
namespace {

// The spec's example of each schema, in the order of model::allSchemas().
constexpr std::array<const char*, 3> kExamples{"Room", "RoomSession", "RoomParticipant"};

std::string withSelector(int selector, std::string_view text) {
    return std::string(1, static_cast<char>(selector)) + std::string(text);
}

json::object meta(std::int64_t page, std::int64_t size, std::int64_t pages, std::int64_t results) {
    return json::object{{"page_number", page}, {"page_size", size}, {"total_pages", pages}, {"total_results", results}};
}

// A room as GET /rooms?include_sessions=true sends it: its session embeds a participant.
json::value roomWithEverything() {
    json::value room = test::specExample("Room");
    json::value session = test::specExample("RoomSession");
    session.as_object()["participants"] = json::array{test::specExample("RoomParticipant")};
    room.as_object()["sessions"] = json::array{session};
    return room;
}

// Each schema's example, a second record of the same kind, and a room with every level embedded.
std::vector<std::pair<int, json::array>> recordLists() {
    std::vector<std::pair<int, json::array>> lists;
    for (int s = 0; s < 3; ++s) {
        json::value first = test::specExample(kExamples[static_cast<std::size_t>(s)]);
        json::value second = first;
        second.as_object()["id"] = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";
        lists.emplace_back(s, json::array{first, second});
    }
    lists.emplace_back(0, json::array{roomWithEverything()});
    return lists;
}

std::vector<std::string> listPages() {
    std::vector<std::string> out;
    for (const auto& [schema, records] : recordLists())
        out.push_back(withSelector(
            schema, json::serialize(json::object{
                        {"data", records}, {"meta", meta(2, 25, 3, 52 + static_cast<std::int64_t>(records.size()))}})));
    for (int s = 0; s < 3; ++s)
        out.push_back(
            withSelector(s, json::serialize(json::object{{"data", json::array{}}, {"meta", meta(1, 20, 0, 0)}})));
    return out;
}

std::vector<std::string> recordBodies() {
    std::vector<std::string> out;
    for (int s = 0; s < 3; ++s)
        out.push_back(withSelector(
            s, json::serialize(json::object{{"data", test::specExample(kExamples[static_cast<std::size_t>(s)])}})));
    out.push_back(withSelector(0, json::serialize(json::object{{"data", roomWithEverything()}})));
    return out;
}

std::vector<std::string> errorBodies() {
    return {
        R"({"errors":[{"code":"10015","title":"Invalid parameter","detail":"page[size] must be between 1 and 250","source":{"parameter":"page[size]"}}]})",
        R"({"errors":[{"code":"10009","title":"Authentication failed","detail":"The API key is invalid.","meta":{"url":"https://developers.telnyx.com/docs/overview/errors/10009"}}]})",
        R"({"errors":[{"code":"10005","title":"Resource not found","source":{"pointer":"/room_id"}},{"code":10015,"title":"Invalid parameter"}]})",
        R"({"code":"10005","title":"Resource not found","detail":"Room not found"})",
        R"({"message":"Error","success":false})",
        "<html><body>502 Bad Gateway</body></html>\n",
        "",
    };
}

std::vector<std::string> serverWaits() {
    return {"120",
            "0",
            " 1 ",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
            "Thu, 26 Nov 2026 09:00:30 GMT",
            "30",
            "1.5",
            "0.001",
            "1795683630",
            "1795683630.250"};
}

// Query strings as clients of the /v2 routes send them.
std::vector<std::string> queries() {
    return {"",
            "page[size]=20&page[number]=1",
            "page%5Bsize%5D=7&page%5Bnumber%5D=3",
            "filter[date_created_at][gte]=2024-05-01&filter[date_created_at][lte]=2024-05-31",
            "filter[date_updated_at][eq]=2026-11-25&include_sessions=true",
            "filter[unique_name]=my+room%21",
            "filter[room_id]=7b61621f-62e0-4aad-ab11-9fd19e272e73&filter[active]=false",
            "filter[date_ended_at][gte]=2024-05-01&include_participants=true&page[size]=250",
            "filter[context]=Alice&filter[date_joined_at][eq]=2026-11-25",
            "filter[session_id]=7b61621f-5fe4-4aad-ab11-9fd19e272e73&filter[date_left_at][lte]=2021-04-25",
            "filter%5Bdate_updated_at%5D%5Bgte%5D=2021-04-25&page%5Bnumber%5D=2"};
}

std::vector<std::string> telnyxQueries() {
    std::vector<std::string> out;
    for (int route = 0; route < 8; ++route) {
        for (const std::string& query : queries())
            out.push_back(withSelector(route, "7b61621f-62e0-4aad-ab11-9fd19e272e73?" + query));
    }
    return out;
}

std::vector<std::string> sqlRequests() {
    const std::string statement = "SELECT unique_name, count(*) FROM session_stats GROUP BY 1 ORDER BY 2 DESC LIMIT 5";
    return {
        withSelector(0, R"({"sql": "SELECT * FROM session_stats WHERE room_id = ?1", "params": ["ROOM_ID"]})"),
        withSelector(0, R"({"sql":"SELECT ?1, ?2, ?3, ?4, ?5","params":[1,2.5,true,null,"x"]})"),
        withSelector(0, R"({"sql":"SELECT day, sum(participants_joined) FROM room_daily_activity GROUP BY day"})"),
        withSelector(1, statement),
        withSelector(2, "SELECT * FROM rooms WHERE unique_name = 'my-room'"),
        withSelector(3, "application/json; charset=utf-8\n{\"sql\":\"" + statement + "\",\"params\":null}"),
        withSelector(3, "text/csv\n" + statement),
    };
}

std::vector<std::string> accepts() {
    return {"text/csv", "application/json",    "text/csv;q=0.9, application/json;q=0.8",
            "*/*",      "text/csv, */*;q=0.1", "application/*;q=0.5, text/csv;q=0.4",
            ""};
}

std::vector<std::string> configs() {
    return {test::readFile(test::sourceDir() / "config/roomsd.example.yaml"),
            test::readFile(test::sourceDir() / "config/demo.yaml"), "",
            "server:\n  tcp: \"[::1]:8080\"\n  socket_mode: \"0600\"\n  socket: roomsd.sock\n",
            "telnyx:\n  api_key_file: /etc/roomsd/api_key\n  page_size: 50\nlog:\n  level: debug\n"};
}

// A /status answer with a stream of every kind of state.
std::string statusAnswer() {
    json::object run{{"mode", "incremental"},
                     {"filter_date", "2026-11-24"},
                     {"started_at", "2026-11-26T09:00:00Z"},
                     {"finished_at", "2026-11-26T09:00:02Z"},
                     {"outcome", "failed"},
                     {"message", "HTTP 500"},
                     {"requests", 6},
                     {"retries", 5},
                     {"pages", 1},
                     {"walks", 1},
                     {"records_seen", 20},
                     {"inserted", 3},
                     {"updated", 2},
                     {"unchanged", 15},
                     {"deleted", 0},
                     {"embedded_written", 4},
                     {"errors", 1}};
    json::object rooms{{"cursor", "2026-11-25T23:59:00.000000Z"},
                       {"last_full_at", "2026-11-26T00:00:05Z"},
                       {"last_success_at", "2026-11-26T09:00:02Z"},
                       {"lag_seconds", 42},
                       {"live_records", 55},
                       {"deleted_records", 2},
                       {"last_run", run}};
    json::object never{{"cursor", nullptr},      {"last_full_at", nullptr}, {"last_success_at", nullptr},
                       {"lag_seconds", nullptr}, {"live_records", 0},       {"deleted_records", 0},
                       {"last_run", nullptr}};
    json::object status{{"version", "0.1.0"},
                        {"started_at", "2026-11-26T07:00:00Z"},
                        {"uptime_seconds", 7500},
                        {"database",
                         {{"path", "/var/lib/roomsd/roomsd.db"},
                          {"size_bytes", 13002342},
                          {"wal_bytes", 1153433},
                          {"schema_version", 1}}},
                        {"sync",
                         {{"running", true},
                          {"running_since", "2026-11-26T09:05:00Z"},
                          {"next_pass_at", "2026-11-26T09:10:00Z"},
                          {"interval_secs", 300},
                          {"streams", {{"rooms", rooms}, {"sessions", never}, {"participants", never}}}}},
                        {"telnyx",
                         {{"base_url", "https://api.telnyx.com/v2"},
                          {"requests", 1234},
                          {"retries", 3},
                          {"rate_limit_remaining", 98}}}};
    return json::serialize(status);
}

std::vector<std::string> ctlAnswers() {
    std::vector<std::string> out;
    // Renderers 0 (table), 1 (CSV) and 6 (footer) on list answers, 2 on by-id answers.
    for (const auto& [schema, records] : recordLists()) {
        std::string list = json::serialize(json::object{{"data", records}, {"meta", meta(1, 20, 3, 55)}});
        for (int renderer : {0, 1, 6})
            for (int children : {0, 0x20}) out.push_back(withSelector(renderer + 8 * schema + children, list));
        std::string one = json::serialize(json::object{{"data", records[0]}});
        for (int children : {0, 0x20}) out.push_back(withSelector(2 + 8 * schema + children, one));
    }
    std::string status = statusAnswer();
    out.push_back(withSelector(3, status));
    out.push_back(withSelector(4, status));
    out.push_back(withSelector(
        5,
        R"json({"columns":["unique_name","count(*)","avg"],"rows":[["My Room",3,1.5],["Other",1,null],[null,0,2]]})json"));
    out.push_back(withSelector(5, R"({"columns":[],"rows":[]})"));
    out.push_back(withSelector(7, R"({"id":"7b61621f","tags":["a","b"],"n":1.25})"));
    return out;
}

std::vector<std::string> timestamps() {
    return {"2021-04-16T09:46:20.954863Z",
            "2021-04-16T10:24:55.962200Z",
            "2021-03-26T17:51:59.588408Z",
            "2021-04-16T09:46:20Z",
            "2021-04-16T11:46:20.954+02:00",
            "2021-04-16T11:46:20.954863+02:00",
            "2021-04-16T09:46:20.954863+00:00",
            "2021-04-16T09:46:20.123456789Z",
            "2021-04-16T04:16:20-0530",
            "1969-12-31T23:59:59.999999Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z"};
}

} // namespace

std::vector<std::string> seedCorpus(std::string_view name) {
    if (name == "list_page") return listPages();
    if (name == "record_body") return recordBodies();
    if (name == "error_body") return errorBodies();
    if (name == "server_wait") return serverWaits();
    if (name == "telnyx_query") return telnyxQueries();
    if (name == "sql_request") return sqlRequests();
    if (name == "sql_accept") return accepts();
    if (name == "query_string") return queries();
    if (name == "percent_coding") {
        std::vector<std::string> out = queries();
        for (const char* s : {"my+room%21", "%E2%9C%93 done", "a%20b", "caf\xc3\xa9"}) out.emplace_back(s);
        return out;
    }
    if (name == "integer") return {"0", "-1", "250", "20", "9223372036854775807", "-9223372036854775808", "007"};
    if (name == "log_quoting")
        return {"My Room", "with \"quotes\" and \\ back", "line\nbreak \x1b[31mred", "caf\xc3\xa9 \xe2\x9c\x93", ""};
    if (name == "timestamp") return timestamps();
    if (name == "date") return {"2021-04-16", "2024-02-29", "2026-11-25", "0000-01-01", "9999-12-31", "1970-01-01"};
    if (name == "config") return configs();
    if (name == "ctl_render") return ctlAnswers();
    throw std::out_of_range("no seed corpus for " + std::string(name));
}

} // namespace roomsd::fuzz
