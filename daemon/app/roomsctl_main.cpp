// roomsctl: asks a running roomsd about its mirror, over its local socket.
// This file only wires the command line (CLI11) to daemon/ctl, which does the work.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <list>
#include <sstream>
#include <unistd.h>

#include "common/version.hpp"
#include "ctl/commands.hpp"
#include "ctl/completion.hpp"
#include "report/report_command.hpp"

namespace {

using namespace roomsd;
using namespace roomsd::ctl;

constexpr const char* kFooter = R"(Formats (--format):
  table  aligned columns with a header row, for people; the default when stdout is a terminal.
         Records: the kind's main columns (they fit 120 characters), --columns for others,
         --wide for all; with --include-sessions or --include-participants each record's
         children are listed under it, indented. Null shows as NULL (dimmed on a terminal;
         --null TEXT for another marker), an empty string as nothing. Values are never cut;
         control characters, bidi controls and invalid UTF-8 are shown escaped (\n, \t, \xNN,
         \u{202E}) and a backslash as \\, so a record cannot break the layout or the terminal.
  json   the daemon's answer unchanged (lists keep their meta); the default otherwise.
         With --all: one document, every record in data, meta.total_results their count.
  csv    RFC 4180, a header row, CRLF line ends, null as an empty field; status: one row per
         stream. `sql` streams CSV as the daemon produces it, of any size.
  jsonl  `sql`, `schema` and `changes` only: one JSON object per row (per change), streamed like CSV.

Exit status: 0 ok (also `changes --follow` stopped by SIGINT or SIGTERM); 1 the daemon answered
with an error (an unknown id, a refused SQL statement, a sync already running, changes trimmed
past --since) or an export was cut short (a limit; the output ends with the reason and is
incomplete); 2 bad usage; 3 the daemon could not be reached; 4 (status) the daemon answered but
a stream's last pass failed.

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
                              "embed each record's " + std::string(schema.childKey) + " (a table lists them under it)");
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

// The statement of `roomsctl sql`: the argument, standard input for "-", or --file's contents.
Result<std::string> readStatement(const std::string& argument, const std::string& file, bool fromFile) {
    if (fromFile) {
        std::ifstream in(file, std::ios::binary);
        if (!in) return fail(ErrorKind::Usage, "--file: cannot read " + file);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (argument != "-") return argument;
    std::ostringstream text;
    text << std::cin.rdbuf();
    return text.str();
}

// The global options, as CLI11 prints them, for the foot of every command's --help.
std::string globalOptionsHelp(const CLI::App& cli) {
    CLI::Formatter formatter; // CLI11's own layout of an option line
    std::string out = "Global options (before or after the command):\n";
    for (const CLI::Option* option : cli.get_options())
        if (!option->get_name().empty() && option->get_name() != "--help") out += formatter.make_option(option, false);
    return out;
}

// The kinds of the change feed: the mirror's tables.
std::vector<std::string> changeKinds() {
    std::vector<std::string> kinds;
    for (const model::RecordSchema* schema : model::allSchemas()) kinds.emplace_back(schema->table);
    return kinds;
}

// The completion description of `app`'s options (--help only with `withHelp`: it is a global one).
std::vector<CompletionOption> completionOptions(const CLI::App& app, bool withHelp) {
    std::vector<CompletionOption> out;
    for (const CLI::Option* option : app.get_options()) {
        if (option->get_lnames().empty()) continue; // positionals
        if (!withHelp && option->get_name() == "--help") continue;
        CompletionOption o;
        o.name = "--" + option->get_lnames().front();
        o.takesValue = option->get_type_size() != 0;
        o.path = o.name == "--socket" || o.name == "--file" || o.name == "--db" || o.name == "--reports-dir";
        if (o.name == "--format") o.choices = {"table", "json", "csv", "jsonl", "html"};
        if (o.name == "--kind") o.choices = changeKinds();
        out.push_back(std::move(o));
    }
    return out;
}

CompletionSpec completionSpec(const CLI::App& cli) {
    CompletionSpec spec;
    spec.program = "roomsctl";
    spec.globals = completionOptions(cli, true);
    for (const CLI::App* command : cli.get_subcommands([](const CLI::App*) { return true; })) {
        CompletionCommand c;
        c.name = command->get_name();
        c.help = command->get_description();
        c.options = completionOptions(*command, false);
        if (c.name == "get") c.arguments = {"rooms", "sessions", "participants"};
        if (c.name == "completion") c.arguments = {"bash", "zsh"};
        spec.commands.push_back(std::move(c));
    }
    return spec;
}

// --follow ends on SIGINT or SIGTERM with status 0: at once while it waits for the daemon
// (everything printed is flushed by then), else once the page being printed is done.
volatile std::sig_atomic_t gStop = 0;
volatile std::sig_atomic_t gWaiting = 0;

extern "C" void onFollowSignal(int) {
    if (gWaiting != 0) _exit(kExitOk);
    gStop = 1;
}

void installFollowSignals() {
    struct sigaction action {};
    action.sa_handler = onFollowSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
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
    cli.add_option("--format", formatName, "table, json, csv or jsonl (default: table on a terminal, else json)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"table", "json", "csv", "jsonl", "html"}));
    TableOptions tableOptions;
    std::string columnList;
    CLI::Option* nullOption = cli.add_option("--null", tableOptions.nullText,
                                             "tables: what a null shows as (default NULL, dimmed on a terminal)")
                                  ->type_name("TEXT");
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
    std::string sqlFile;
    std::vector<std::string> params;
    CLI::Option* statementOption =
        sql->add_option("statement", statement,
                        "one SELECT statement, or - to read it from standard input; ? marks a "
                        "parameter");
    CLI::Option* fileOption = sql->add_option("--file", sqlFile, "read the statement from this file")
                                  ->type_name("FILE")
                                  ->excludes(statementOption);
    sql->add_option("--param", params,
                    "a value for the next ?, repeatable: integers and reals are sent as numbers, null as null, "
                    "anything else as text (write CAST(? AS TEXT) to compare a number-like value as text)")
        ->type_name("VALUE")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);

    CLI::App* schemaApp =
        cli.add_subcommand("schema", "the tables and views `sql` reads, with their columns and types");
    std::string schemaTable;
    schemaApp->add_option("table", schemaTable, "only this table or view");

    CLI::App* sync = cli.add_subcommand("sync", "start a sync pass now (POST /sync)");

    CLI::App* changesApp =
        cli.add_subcommand("changes", "the change feed: what each pass changed, in order (GET /changes)");
    ChangesOptions changes;
    std::int64_t changesLimit = 0;
    changesApp->add_option("--since", changes.since, "start after this seq (default 0: from the oldest held)")
        ->type_name("SEQ")
        ->check(CLI::NonNegativeNumber);
    changesApp->add_option("--kind", changes.kind, "only rooms, room_sessions or room_participants")
        ->type_name("KIND")
        ->check(CLI::IsMember(changeKinds()));
    CLI::Option* limitOption =
        changesApp->add_option("--limit", changesLimit, "changes per request, 1 to 10000 (default 1000)")
            ->type_name("N")
            ->check(CLI::Range(1, 10000));
    changesApp->add_flag("--follow", changes.follow, "keep printing changes as they commit, until SIGINT or SIGTERM");
    CLI::App* consumersApp = cli.add_subcommand("consumers", "the change feed's registered consumers and their lag");

    CLI::App* completion = cli.add_subcommand("completion", "print a shell completion script (bash or zsh)");
    std::string shell;
    completion->add_option("shell", shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));

    report::ReportCommand reportCommand;
    CLI::App* reportApp = report::addReportCommand(cli, reportCommand);

    // Table columns, for the commands that print records.
    std::vector<CLI::App*> recordCommands{get};
    for (ListCommand& command : lists) recordCommands.push_back(command.app);
    for (CLI::App* app : recordCommands) {
        app->add_option("--columns", columnList, "table and CSV: these fields, comma-separated (see --wide)")
            ->type_name("A,B,...");
        app->add_flag("--wide", tableOptions.wide, "table: every field, not only the main ones");
    }
    std::string globals = globalOptionsHelp(cli);
    for (CLI::App* command : cli.get_subcommands([](const CLI::App*) { return true; }))
        command->footer(globals + "\nRun `roomsctl --help` for the formats and exit statuses.");

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = cli.exit(e);
        return code == 0 ? kExitOk : kExitUsage;
    }

    if (completion->parsed()) {
        std::cout << (shell == "bash" ? bashCompletion(completionSpec(cli)) : zshCompletion(completionSpec(cli)));
        return kExitOk;
    }
    if (formatName == "html" && !reportApp->parsed())
        return usageError(std::cerr, "--format html is for `roomsctl report` only");
    if (formatName == "jsonl" && !sql->parsed() && !schemaApp->parsed() && !changesApp->parsed())
        return usageError(std::cerr,
                          "--format jsonl is for `roomsctl sql`, `roomsctl schema` and `roomsctl changes` only");
    if (formatName == "csv" && changesApp->parsed())
        return usageError(std::cerr, "--format csv is not for `roomsctl changes`: use table, json or jsonl");
    bool terminal = isatty(STDOUT_FILENO);
    Format format = terminal ? Format::Table : Format::Json;
    if (!formatName.empty() && formatName != "html") format = *parseFormat(formatName); // CLI11 checked the name
    tableOptions.dimNull = terminal && nullOption->count() == 0;
    if (!columnList.empty()) {
        for (std::string_view rest = columnList; !rest.empty();) {
            auto comma = rest.find(',');
            std::string_view name = rest.substr(0, comma);
            while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
            while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
            if (!name.empty()) tableOptions.columns.emplace_back(name);
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        const model::RecordSchema* columnsOf = nullptr;
        for (ListCommand& command : lists)
            if (command.app->parsed()) columnsOf = command.schema;
        if (get->parsed()) columnsOf = model::findSchema(getKind);
        if (columnsOf != nullptr)
            if (auto checked = checkColumns(*columnsOf, tableOptions.columns); !checked)
                return usageError(std::cerr, checked.error().message);
    }
    if (auto checked = checkSocketPath(socket); !checked) return usageError(std::cerr, checked.error().message);
    auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeoutSecs * 1000));

    UnixSocketTransport transport(socket, timeout);
    if (reportApp->parsed())
        return report::runReportCommand(std::move(reportCommand), formatName, transport, std::cout, std::cerr);
    CommandRunner runner(transport, format, std::cout, std::cerr, tableOptions);
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
    if (sql->parsed()) {
        if (statementOption->count() == 0 && fileOption->count() == 0)
            return usageError(std::cerr, "sql: give the statement, - to read it from standard input, or --file FILE");
        auto text = readStatement(statement, sqlFile, fileOption->count() > 0);
        if (!text) return usageError(std::cerr, text.error().message);
        return runner.sql(*text, params);
    }
    if (schemaApp->parsed())
        return runner.schema(schemaTable.empty() ? std::nullopt : std::optional<std::string>(schemaTable));
    if (sync->parsed()) return runner.sync();
    if (changesApp->parsed()) {
        if (limitOption->count() > 0) changes.limit = changesLimit;
        // A long-poll a little shorter than the time roomsctl waits for an answer.
        changes.waitSecs = std::clamp(static_cast<int>(timeoutSecs * 0.8), 1, 300);
        if (changes.follow) {
            installFollowSignals();
            changes.stopRequested = [] { return gStop != 0; };
            changes.waiting = [](bool waiting) { gWaiting = waiting ? 1 : 0; };
        }
        return runner.changes(changes);
    }
    if (consumersApp->parsed()) return runner.consumers();
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
