// roomsctl: asks a running roomsd about its mirror, over its local socket.
// This file only wires the command line (CLI11) to daemon/ctl, which does the work.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <list>
#include <unistd.h>

#include "common/version.hpp"
#include "ctl/commands.hpp"
#include "report/report_command.hpp"

namespace {

using namespace roomsd;
using namespace roomsd::ctl;

constexpr const char* kFooter = R"(Formats (--format):
  table  aligned columns with a header row, for people; the default when stdout is a terminal.
         Records: one row per record, columns in the API's field order; nested sessions or
         participants as a count. Values are never cut (pipe to `less -S` for wide tables);
         control characters, bidi controls and invalid UTF-8 are shown escaped (\n, \t, \xNN,
         \u{202E}) and a backslash as \\, so a record cannot break the layout or the terminal.
  json   the daemon's answer unchanged (lists keep their meta); the default otherwise.
         With --all: one document, every record in data, meta.total_results their count.
  csv    RFC 4180, a header row, CRLF line ends; status: one row per stream.

Exit status: 0 ok; 1 the daemon answered with an error (an unknown id, a refused SQL
statement, a sync already running); 2 bad usage; 3 the daemon could not be reached.

The socket is --socket, else $ROOMSD_SOCKET, else /run/roomsd/roomsd.sock.)";

// The options of one list command (rooms, sessions, participants), kept where CLI11 writes them.
struct ListCommand {
    const model::RecordSchema* schema = nullptr;
    CLI::App* app = nullptr;
    std::map<std::string, std::string> values; // flag -> value, written by CLI11
    std::vector<CLI::Option*> filterOptions;
    ListFlags flags;
    std::string page;
    std::string pageSize;
    CLI::Option* pageOption = nullptr;
    CLI::Option* pageSizeOption = nullptr;

    ListFlags collect() {
        ListFlags out = flags;
        for (CLI::Option* option : filterOptions)
            if (option->count() > 0) out.filters[option->get_name()] = values[option->get_name()];
        if (pageOption->count() > 0) out.page = page;
        if (pageSizeOption->count() > 0) out.pageSize = pageSize;
        return out;
    }
};

std::string includeFlag(const model::RecordSchema& schema) {
    std::string flag = "--" + std::string(schema.includeChildParam);
    for (char& c : flag)
        if (c == '_') c = '-';
    return flag;
}

void addListCommand(CLI::App& cli, ListCommand& command, const model::RecordSchema& schema, const char* help) {
    command.schema = &schema;
    command.app = cli.add_subcommand(std::string(schema.name), help);
    for (const FilterFlag& filter : filterFlags(schema)) {
        std::string name(filter.flag);
        const char* typeName = filter.kind == FilterKind::Date      ? "DATE"
                               : filter.kind == FilterKind::Boolean ? "true|false"
                                                                    : "TEXT";
        command.filterOptions.push_back(
            command.app->add_option(name, command.values[name], std::string(filter.help))->type_name(typeName));
    }
    if (!schema.includeChildParam.empty())
        command.app->add_flag(includeFlag(schema), command.flags.includeChildren,
                              "embed each record's " + std::string(schema.childKey));
    command.pageOption =
        command.app->add_option("--page", command.page, "the page to show, from 1 (default 1)")->type_name("N");
    command.pageSizeOption = command.app
                                 ->add_option("--page-size", command.pageSize,
                                              "records a page, " + std::to_string(schema.page.minSize) + " to " +
                                                  std::to_string(schema.page.maxSize) + " (default: the daemon's)")
                                 ->type_name("N");
    command.app->add_flag("--all", command.flags.all, "read every page and show all the records")
        ->excludes(command.pageOption);
}

int run(int argc, char** argv) {
    CLI::App cli{"roomsctl: query a running roomsd's mirror of Telnyx video rooms over its local socket"};
    cli.footer(kFooter);
    cli.fallthrough(); // global options are accepted after the command too: `roomsctl status --format json`
    cli.require_subcommand(1);
    cli.set_version_flag("--version", std::string("roomsctl ") + kVersion);

    std::string socket = defaultSocketPath(std::getenv("ROOMSD_SOCKET"));
    std::string formatName;
    double timeoutSecs = 30;
    cli.add_option("--socket", socket, "roomsd's Unix socket")->type_name("PATH")->capture_default_str();
    cli.add_option("--format", formatName, "table, json or csv (default: table on a terminal, else json)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"table", "json", "csv", "html"}));
    cli.add_option("--timeout", timeoutSecs, "seconds to wait for each answer, 0.1 to 3600")
        ->type_name("SECS")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();

    CLI::App* status = cli.add_subcommand("status", "the daemon's state: version, database, each stream's sync");

    std::list<ListCommand> lists(3);
    auto list = lists.begin();
    addListCommand(cli, *list++, model::roomsSchema(), "list rooms (GET /v2/rooms)");
    addListCommand(cli, *list++, model::sessionsSchema(), "list room sessions (GET /v2/room_sessions)");
    addListCommand(cli, *list++, model::participantsSchema(), "list room participants (GET /v2/room_participants)");

    CLI::App* get = cli.add_subcommand("get", "one record by id");
    std::string getKind;
    std::string getId;
    bool includeSessions = false;
    bool includeParticipants = false;
    get->add_option("kind", getKind, "rooms, sessions or participants")
        ->required()
        ->check(CLI::IsMember({"rooms", "sessions", "participants"}));
    get->add_option("id", getId, "the record's id")->required();
    get->add_flag("--include-sessions", includeSessions, "a room: embed its sessions");
    get->add_flag("--include-participants", includeParticipants, "a session: embed its participants");

    CLI::App* sql = cli.add_subcommand("sql", "run a read-only SQL query on the mirror (POST /sql)");
    std::string statement;
    std::vector<std::string> params;
    sql->add_option("statement", statement, "one SELECT statement; ? marks a parameter")->required();
    sql->add_option("--param", params,
                    "a value for the next ?, repeatable: integers and reals are sent as numbers, null as null, "
                    "anything else as text (write CAST(? AS TEXT) to compare a number-like value as text)")
        ->type_name("VALUE")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);

    CLI::App* sync = cli.add_subcommand("sync", "start a sync pass now (POST /sync)");

    report::ReportCommand reportCommand;
    CLI::App* reportApp = report::addReportCommand(cli, reportCommand);

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = cli.exit(e);
        return code == 0 ? kExitOk : kExitUsage;
    }

    if (formatName == "html" && !reportApp->parsed())
        return usageError(std::cerr, "--format html is for `roomsctl report` only");
    Format format = isatty(STDOUT_FILENO) ? Format::Table : Format::Json;
    if (!formatName.empty() && formatName != "html") format = *parseFormat(formatName); // CLI11 checked the name
    if (auto checked = checkSocketPath(socket); !checked) return usageError(std::cerr, checked.error().message);
    auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeoutSecs * 1000));

    UnixSocketTransport transport(socket, timeout);
    if (reportApp->parsed())
        return report::runReportCommand(std::move(reportCommand), formatName, transport, std::cout, std::cerr);
    CommandRunner runner(transport, format, std::cout, std::cerr);
    if (status->parsed()) return runner.status();
    for (ListCommand& command : lists) {
        if (!command.app->parsed()) continue;
        auto query = parseListFlags(*command.schema, command.collect());
        if (!query) return usageError(std::cerr, query.error().message);
        return runner.list(*command.schema, *query);
    }
    if (get->parsed()) {
        const model::RecordSchema& schema = *model::findSchema(getKind);
        if ((includeSessions && schema.childKey != "sessions") ||
            (includeParticipants && schema.childKey != "participants"))
            return usageError(std::cerr,
                              getKind + " have no " + (includeSessions ? "sessions" : "participants") + " to include");
        return runner.get(schema, getId, includeSessions || includeParticipants);
    }
    if (sql->parsed()) return runner.sql(statement, params);
    if (sync->parsed()) return runner.sync();
    return usageError(std::cerr, "no command given");
}

} // namespace

int main(int argc, char** argv) {
    int code = run(argc, argv);
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "roomsctl: cannot write the output" << std::endl;
        return code == kExitOk ? kExitDaemonError : code;
    }
    return code;
}
