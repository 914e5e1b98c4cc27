// roomsctl's commands: one request (or, for --all, one per page) to the daemon, the
// answer printed in the chosen format, and the exit status a script can act on.
//
// Exit statuses: 0 ok; 1 the daemon answered with an error (its errors[].detail
// printed as "roomsctl: <detail>"), with something roomsctl cannot read, or with
// an export cut short; 2 bad usage; 3 the daemon could not be reached (no socket,
// refused, no answer in time, connection closed without an answer), with a hint on
// how to start it; 4 (status only) the daemon answered but a stream's last pass failed.
// Thread-safety: one owner per object; output goes only to the streams it was given.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ctl/render.hpp"
#include "ctl/request.hpp"
#include "ctl/transport.hpp"

namespace roomsd::ctl {

constexpr int kExitOk = 0;
constexpr int kExitDaemonError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitStreamFailed = 4;

// The lines to print for an error answer: each errors[].detail (else its title, else
// its code), the bare {"code","title","detail"} of a by-id 404, or the HTTP status
// when the body says nothing usable. Never empty; not yet escaped.
std::vector<std::string> errorMessages(const HttpReply& reply);

// What to print when `endpoint` cannot be reached for `error` (a Transient or Auth transport error).
std::string unreachableMessage(const std::string& endpoint, const Error& error);

// Prints "roomsctl: <message>" and a pointer to --help on `err`; returns kExitUsage.
int usageError(std::ostream& err, const std::string& message);

// `roomsctl changes`: where to start, what to show, and how a --follow is stopped.
struct ChangesOptions {
    std::int64_t since = 0;
    std::string kind;                  // rooms, room_sessions, room_participants; empty: all
    std::optional<std::int64_t> limit; // changes per request; absent: the daemon's default
    bool follow = false;               // keep asking (long-polls of waitSecs) until stopRequested()
    int waitSecs = 25;
    std::function<bool()> stopRequested; // checked between requests
    // Told true while a --follow waits for the daemon with everything printed so far flushed
    // (a signal may then end roomsctl at once), false otherwise.
    std::function<void(bool)> waiting;
};

class CommandRunner {
public:
    CommandRunner(Transport& transport, Format format, std::ostream& out, std::ostream& err, TableOptions table = {});

    // GET /status; kExitStreamFailed when a stream's last pass failed.
    int status();
    // GET /v2/<kind> with the query's filters; with query.all, every page from the first.
    int list(const model::RecordSchema& schema, const ListQuery& query);
    // GET /v2/<kind>/<id>.
    int get(const model::RecordSchema& schema, const std::string& id, bool includeChildren);
    // POST /sql. CSV and JSON lines ask the daemon for text/csv or application/x-ndjson,
    // which it streams: the rows are written as they arrive, and an answer cut short
    // (a limit, a shutdown) is reported on stderr with kExitDaemonError.
    int sql(const std::string& statement, const std::vector<std::string>& params);
    // The tables and views POST /sql reads, or one of them, with their columns and types.
    int schema(const std::optional<std::string>& table);
    // POST /sync.
    int sync();
    // GET /changes: one page, or with follow every change from since on until stopped
    // (then kExitOk). A trimmed since (410) says how to start again, kExitDaemonError.
    int changes(const ChangesOptions& options);
    // GET /changes/consumers.
    int consumers();

private:
    // The answer to `request`, whatever its status; when none arrived, prints why and sets `exitCode`.
    std::optional<HttpReply> send(const HttpRequest& request, int& exitCode);
    // send(), with an error answer (not 2xx) also printed and turned into kExitDaemonError.
    std::optional<HttpReply> exchange(const HttpRequest& request, int& exitCode);
    void reportErrorAnswer(const HttpReply& reply);
    // Prints why no answer arrived; returns the exit status.
    int unanswered(const Error& error);
    int sqlExport(const std::string& statement, const std::vector<std::string>& params);
    // The body of a successful answer as JSON; prints why and sets `exitCode` when it is not.
    std::optional<boost::json::value> parseBody(const HttpReply& reply, int& exitCode);
    // The data array of a parsed answer; nullptr (why printed, `exitCode` set) when it has none.
    const boost::json::array* dataArray(const boost::json::value& body, int& exitCode);
    int listAllPages(const model::RecordSchema& schema, ListQuery query);
    void printBody(const std::string& body);
    void printSyncedAt(const std::optional<std::string>& syncedAt);

    Transport& transport_;
    Format format_;
    std::ostream& out_;
    std::ostream& err_;
    TableOptions table_;
};

} // namespace roomsd::ctl
