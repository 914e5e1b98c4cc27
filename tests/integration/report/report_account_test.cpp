// The built-in reports on the simulator's account (telnyx-sim + a real roomsd), checked
// against figures computed here, in C++, from the records GET /_sim/account gives: the
// test's own reading of the README's semantics, not the report SQL's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "common/time.hpp"
#include "integration/ctl/ctl_fixture.hpp"
#include "support/sim_control.hpp"

using namespace roomsd;
using namespace roomsd::test;
namespace json = boost::json;

namespace {

constexpr std::int64_t kMinute = 60 * kMicrosPerSecond;

std::optional<Timestamp> timeOf(const json::value& v) {
    if (!v.is_string()) return std::nullopt;
    return parseTimestamp(std::string(v.as_string()));
}

double number(const json::value& v) { return v.is_int64() ? static_cast<double>(v.as_int64()) : v.as_double(); }

struct Presence {
    std::string participant, room;
    Timestamp start, end; // clipped to the period
};

struct Expected {
    std::map<std::string, double> minutesByDay;
    std::map<std::string, std::int64_t> sessionsByDay;
    std::map<std::string, std::set<std::string>> participantsByDay;
    std::map<std::string, double> minutesByRoom;
    std::map<std::string, std::int64_t> peakByRoom;
    std::int64_t endedSessions = 0;
};

// The README's semantics, over the account's records, for [from, to + 1 day).
Expected compute(const json::object& account, Date from, Date to) {
    Timestamp start = startOf(from), end = startOf(addDays(to, 1));
    std::map<std::string, std::string> roomOfSession;
    Expected e;
    for (const auto& s : account.at("room_sessions").as_array()) {
        std::string id(s.at("id").as_string());
        roomOfSession[id] = std::string(s.at("room_id").as_string());
        auto created = timeOf(s.at("created_at"));
        if (created && *created >= start && *created < end) {
            e.sessionsByDay[formatDate(dateOf(*created))]++;
            if (timeOf(s.at("ended_at"))) e.endedSessions++;
        }
    }
    std::vector<Presence> presences;
    for (const auto& p : account.at("room_participants").as_array()) {
        auto joined = timeOf(p.at("joined_at"));
        if (!joined) continue;
        Timestamp left = timeOf(p.at("left_at")).value_or(end); // still present: to the report's end
        Presence x{std::string(p.at("id").as_string()), roomOfSession[std::string(p.at("session_id").as_string())],
                   std::max(*joined, start), std::min(left, end)};
        if (x.start > x.end || *joined >= end || left <= start) continue;
        presences.push_back(x);
    }
    for (const Presence& x : presences) {
        e.minutesByRoom[x.room] += static_cast<double>(x.end.micros - x.start.micros) / kMinute;
        for (Date d = from; d <= to; d = addDays(d, 1)) {
            Timestamp ds = startOf(d), de = startOf(addDays(d, 1));
            bool present = x.start < de && (x.end > ds || x.start >= ds);
            if (!present) continue;
            std::int64_t piece = std::max<std::int64_t>(0, std::min(x.end, de).micros - std::max(x.start, ds).micros);
            e.minutesByDay[formatDate(d)] += static_cast<double>(piece) / kMinute;
            e.participantsByDay[formatDate(d)].insert(x.participant);
        }
    }
    // Peak: a sweep over each room's joins (+1) and leaves (-1), leaves first at one instant.
    std::map<std::string, std::vector<std::pair<std::int64_t, int>>> events;
    for (const Presence& x : presences) {
        if (x.start == x.end) continue;
        events[x.room].push_back({x.start.micros, 1});
        events[x.room].push_back({x.end.micros, -1});
    }
    for (auto& [room, list] : events) {
        std::sort(list.begin(), list.end());
        std::int64_t now = 0, peak = 0;
        for (const auto& [t, delta] : list) peak = std::max(peak, now += delta);
        e.peakByRoom[room] = peak;
    }
    return e;
}

class AccountMirror {
public:
    AccountMirror() : sim_({"--rooms", "40", "--seed", "11"}), daemon_(sim_) {}
    RunResult ctl(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--socket", daemon_.socket().string()});
        return runRoomsctl(args);
    }
    json::object report(const std::string& name, const std::string& from, const std::string& to) const {
        RunResult r = ctl({"report", name, "--from", from, "--to", to, "--format", "json"});
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        return json::parse(r.out).as_object();
    }
    SimProcess& sim() { return sim_; }
    const RoomsdDaemon& daemon() const { return daemon_; }

private:
    SimProcess sim_;
    RoomsdDaemon daemon_;
};

} // namespace

TEST_CASE("usage-by-day, top-rooms, peak-concurrency and session-durations match a computation over the account") {
    AccountMirror mirror;
    json::object account = mirror.sim().control().account();
    Date from = *parseDate("2026-05-10"), to = *parseDate("2026-05-25");
    Expected e = compute(account, from, to);
    REQUIRE(e.minutesByDay.size() > 5); // the period holds real activity, clipped at both ends

    json::object usage = mirror.report("usage-by-day", "2026-05-10", "2026-05-25");
    const json::array& days = usage.at("rows").as_array();
    REQUIRE(days.size() == 16);
    double total = 0;
    for (const auto& row : days) {
        std::string day(row.at("day").as_string());
        INFO(day);
        CHECK(number(row.at("participant_minutes")) == Approx(e.minutesByDay[day]).margin(0.002));
        CHECK(number(row.at("sessions_started")) == e.sessionsByDay[day]);
        CHECK(number(row.at("unique_participants")) == static_cast<double>(e.participantsByDay[day].size()));
        total += e.minutesByDay[day];
    }
    CHECK(number(usage.at("total").at("participant_minutes")) == Approx(total).margin(0.01));

    json::object top = mirror.report("top-rooms", "2026-05-10", "2026-05-25");
    std::map<std::string, double> byRoom;
    double previous = 1e18;
    for (const auto& row : top.at("rows").as_array()) {
        double minutes = number(row.at("participant_minutes"));
        CHECK(minutes <= previous); // largest first
        previous = minutes;
        byRoom[std::string(row.at("room_id").as_string())] = minutes;
    }
    for (const auto& [room, minutes] : e.minutesByRoom) {
        INFO(room);
        CHECK(byRoom[room] == Approx(minutes).margin(0.002));
    }

    json::object peaks = mirror.report("peak-concurrency", "2026-05-10", "2026-05-25");
    std::map<std::string, std::int64_t> peakByRoom;
    for (const auto& row : peaks.at("rows").as_array())
        peakByRoom[std::string(row.at("room_id").as_string())] = row.at("peak_participants").as_int64();
    CHECK(peakByRoom == e.peakByRoom);

    json::object durations = mirror.report("session-durations", "2026-05-10", "2026-05-25");
    CHECK(number(durations.at("total").at("sessions")) == e.endedSessions);
}

TEST_CASE("roomsctl report gives the same bytes through the socket and with --db on the daemon's file") {
    AccountMirror mirror;
    for (const char* name : {"usage-by-day", "top-rooms", "webhook-audit", "recording-rooms"}) {
        INFO(name);
        RunResult viaSocket =
            mirror.ctl({"report", name, "--from", "2026-05-01", "--to", "2026-05-31", "--format", "csv"});
        RunResult viaFile = runRoomsctl({"report", name, "--db", mirror.daemon().database().string(), "--from",
                                         "2026-05-01", "--to", "2026-05-31", "--format", "csv"});
        CHECK(viaSocket.exitCode == 0);
        CHECK(viaFile.exitCode == 0);
        CHECK(viaSocket.out == viaFile.out);
        CHECK(viaSocket.out.find("\r\n") != std::string::npos);
    }
    RunResult list = mirror.ctl({"report", "list", "--format", "table"});
    CHECK(list.exitCode == 0);
    for (const char* name : {"usage-by-day", "top-rooms", "session-durations", "peak-concurrency", "recording-rooms",
                             "webhook-audit", "stale-active-sessions", "sync-health"})
        CHECK(list.out.find(name) != std::string::npos);
}
