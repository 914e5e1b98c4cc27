// The hand-made mirror of report_fixture.hpp.
#include "report_fixture.hpp"

#include <catch2/catch.hpp>

#include "store/database.hpp"
#include "store/mirror_writer.hpp"
#include "store/sync_state.hpp"
#include "telnyx/parse.hpp"

namespace roomsd::test {
namespace {

Timestamp at(const char* text) { return *parseTimestamp(text); }

void write(store::MirrorWriter& writer, const model::RecordSchema& schema, const std::vector<std::string>& records) {
    std::string data;
    for (const std::string& r : records) data += (data.empty() ? "" : ",") + r;
    auto page = telnyx::parseListPage(schema, "{\"data\":[" + data + "]}");
    REQUIRE(page);
    REQUIRE(page->rejected.empty());
    REQUIRE(writer.upsertPage(page->records, at("2026-03-31T00:00:00Z")));
}

std::string room(const char* id, const char* name, bool recording, const char* webhook, const char* failover,
                 const char* timeout) {
    return std::string("{\"id\":\"") + id + "\",\"unique_name\":\"" + name + "\",\"max_participants\":10," +
           "\"enable_recording\":" + (recording ? "true" : "false") + ",\"webhook_event_url\":" + webhook +
           ",\"webhook_event_failover_url\":" + failover + ",\"webhook_timeout_secs\":" + timeout +
           ",\"active_session_id\":null,\"created_at\":\"2026-03-01T00:00:00.000000Z\","
           "\"updated_at\":\"2026-03-01T00:00:00.000000Z\",\"record_type\":\"room\",\"sessions\":[]}";
}

std::string session(const char* id, const char* roomId, const char* created, const char* ended) {
    bool active = ended == nullptr;
    return std::string("{\"id\":\"") + id + "\",\"room_id\":\"" + roomId +
           "\",\"active\":" + (active ? "true" : "false") + ",\"created_at\":\"" + created + "\",\"updated_at\":\"" +
           created + "\",\"ended_at\":" + (active ? std::string("null") : "\"" + std::string(ended) + "\"") +
           ",\"record_type\":\"room_session\",\"participants\":[]}";
}

std::string participant(const char* id, const char* sessionId, const char* joined, const char* left) {
    return std::string("{\"id\":\"") + id + "\",\"session_id\":\"" + sessionId + "\",\"context\":\"<b>&" + id +
           "</b>\",\"joined_at\":\"" + joined + "\",\"updated_at\":\"" + joined +
           "\",\"left_at\":" + (left ? "\"" + std::string(left) + "\"" : std::string("null")) +
           ",\"record_type\":\"room_participant\"}";
}

store::SyncRun run(const char* stream, const char* finished, const char* outcome) {
    store::SyncRun r;
    r.stream = stream;
    r.mode = store::PassMode::Incremental;
    r.startedAt = *parseTimestamp(finished);
    r.finishedAt = *parseTimestamp(finished);
    r.outcome = *store::parsePassOutcome(outcome);
    r.counters.requests = 3;
    r.counters.retries = 1;
    return r;
}

} // namespace

std::filesystem::path builtinSourceDir() { return sourceDir() / "config" / "reports"; }

report::ReportArguments fixturePeriod() {
    report::ReportArguments args;
    args.from = "2026-03-10";
    args.to = "2026-03-11";
    return args;
}

ReportFixture::ReportFixture() : database_(dir_ / "mirror.db") {
    {
        SQLite::Database db = store::openWriter(database_);
        store::MirrorWriter writer(db);
        write(writer, model::roomsSchema(),
              {room("room-alpha", "alpha", true, "\"https://h.example/a\"", "\"https://f.example/a\"", "10"),
               room("room-beta", "beta <&>", false, "null", "\"\"", "45"),
               room("room-gamma", "gamma", true, "null", "null", "null")});
        write(writer, model::sessionsSchema(),
              {// spans midnight: belongs to the 10th, 110 minutes
               session("s1", "room-alpha", "2026-03-10T23:00:00.000000Z", "2026-03-11T00:50:00.000000Z"),
               // still running
               session("s2", "room-beta", "2026-03-11T10:00:00.000000Z", nullptr),
               // created before the period
               session("s3", "room-alpha", "2026-03-09T22:00:00.000000Z", "2026-03-10T02:00:00.000000Z"),
               // of the deleted room
               session("s4", "room-gamma", "2026-03-10T12:00:00.000000Z", "2026-03-10T13:00:00.000000Z"),
               // deleted itself
               session("s5", "room-alpha", "2026-03-11T05:00:00.000000Z", "2026-03-11T05:10:00.000000Z"),
               session("s6", "room-beta", "2026-03-10T08:00:00.000000Z", "2026-03-10T08:03:00.000000Z"),
               session("s7", "room-beta", "2026-03-10T09:00:00.000000Z", "2026-03-10T09:20:00.000000Z")});
        write(writer, model::participantsSchema(),
              {participant("p1", "s1", "2026-03-10T23:00:00.000000Z", "2026-03-11T00:30:00.000000Z"),
               participant("p2", "s1", "2026-03-10T23:30:00.000000Z", "2026-03-11T00:50:00.000000Z"),
               // still present: counts until the period's end
               participant("p3", "s2", "2026-03-11T10:00:00.000000Z", nullptr),
               // joined before the period: clipped at its start
               participant("p4", "s3", "2026-03-09T22:00:00.000000Z", "2026-03-10T01:00:00.000000Z"),
               // deleted
               participant("p5", "s2", "2026-03-11T10:30:00.000000Z", "2026-03-11T11:00:00.000000Z"),
               // in the deleted room's session, and in the deleted session
               participant("p6", "s4", "2026-03-10T12:00:00.000000Z", "2026-03-10T13:00:00.000000Z"),
               participant("p7", "s5", "2026-03-11T05:00:00.000000Z", "2026-03-11T05:10:00.000000Z"),
               // joins the instant p1 leaves: no overlap with it
               participant("p9", "s1", "2026-03-11T00:30:00.000000Z", "2026-03-11T00:40:00.000000Z")});
        REQUIRE(writer.markDeleted(model::roomsSchema(), "room-gamma", at("2026-03-31T00:00:00Z")).value());
        REQUIRE(writer.markDeleted(model::sessionsSchema(), "s5", at("2026-03-31T00:00:00Z")).value());
        REQUIRE(writer.markDeleted(model::participantsSchema(), "p5", at("2026-03-31T00:00:00Z")).value());

        store::SyncStateStore state(db);
        store::StreamState ok;
        ok.lastSuccessAt = parseTimestamp("2026-03-31T12:00:00.000000Z");
        auto prune = at("2026-01-01T00:00:00Z");
        REQUIRE(state.recordPass(run("rooms", "2026-03-10T06:00:00.000000Z", "ok"), ok, prune));
        REQUIRE(state.recordPass(run("rooms", "2026-03-11T06:00:00.000000Z", "failed"), std::nullopt, prune));
        REQUIRE(state.recordPass(run("sessions", "2026-03-10T06:00:00.000000Z", "held"), ok, prune));
        REQUIRE(state.recordPass(run("participants", "2026-03-20T06:00:00.000000Z", "ok"), ok, prune));
    }
    catalog_ = report::ReportCatalog::load(builtinSourceDir(), std::nullopt);
    INFO(catalog_.problems().size() << " problems, first: "
                                    << (catalog_.problems().empty() ? "" : catalog_.problems().front()));
    REQUIRE(catalog_.problems().empty());
}

std::string ReportFixture::render(const std::string& name, const report::ReportArguments& args,
                                  report::OutputFormat format, const std::string& now) const {
    auto db = report::openMirror(database_);
    REQUIRE(db);
    auto out =
        report::produceReport(*db, catalog_, name, args, format, {"test", database_.string()}, *parseTimestamp(now));
    INFO(name << ": " << (out ? "" : out.error().message));
    REQUIRE(out);
    return out->body;
}

boost::json::object ReportFixture::json(const std::string& name, const report::ReportArguments& args,
                                        const std::string& now) const {
    return boost::json::parse(render(name, args, report::OutputFormat::Json, now)).as_object();
}

Error ReportFixture::error(const std::string& name, const report::ReportArguments& args,
                           report::OutputFormat format) const {
    auto db = report::openMirror(database_);
    REQUIRE(db);
    auto out = report::produceReport(*db, catalog_, name, args, format, {}, *parseTimestamp("2026-04-01T00:00:00Z"));
    REQUIRE_FALSE(out);
    return out.error();
}

} // namespace roomsd::test
