// roomsctl report: checking the command line, then the socket or the file.
// Thread-safety: see report_command.hpp.
#include "report/report_command.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <unistd.h>

#include <fstream>

#include "common/strings.hpp"
#include "common/version.hpp"
#include "ctl/commands.hpp"
#include "ctl/request.hpp"
#include "ctl/table.hpp"
#include "ctl/text.hpp"
#include "report/produce.hpp"
#include "report/runner.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace roomsd::report {
namespace {

int failWith(std::ostream& err, const std::string& message, int code) {
    err << "roomsctl: " << ctl::escapeForTerminal(message) << '\n';
    return code;
}

int exitFor(const Error& error) { return error.kind == ErrorKind::Usage ? ctl::kExitUsage : ctl::kExitDaemonError; }

// Prints the catalog (GET /reports' body) as a table or as is; its problems go to `err`.
int printCatalog(const std::string& body, bool asJson, std::ostream& out, std::ostream& err) {
    json::error_code ec;
    json::value doc = json::parse(body, ec);
    if (ec || !doc.is_object()) return failWith(err, "the report list is not JSON", ctl::kExitDaemonError);
    if (const auto* problems = doc.as_object().if_contains("problems"); problems && problems->is_array())
        for (const auto& p : problems->as_array())
            if (p.is_string())
                err << "roomsctl: warning: " << ctl::escapeForTerminal(std::string(p.as_string())) << '\n';
    if (asJson) {
        out << body;
        return ctl::kExitOk;
    }
    ctl::TextTable table({"name", "title", "parameters"});
    if (const auto* reports = doc.as_object().if_contains("reports"); reports && reports->is_array()) {
        for (const auto& r : reports->as_array()) {
            if (!r.is_object()) continue;
            std::string params;
            if (const auto* ps = r.as_object().if_contains("parameters"); ps && ps->is_array())
                for (const auto& p : ps->as_array())
                    if (p.is_object() && p.as_object().if_contains("name"))
                        params += (params.empty() ? "" : " ") + std::string(p.at("name").as_string()) + "=" +
                                  (p.at("default").is_string() ? std::string(p.at("default").as_string()) : "none");
            std::string builtin = r.at("builtin").is_bool() && r.at("builtin").as_bool() ? "" : " (user)";
            table.addRow(
                {std::string(r.at("name").as_string()) + builtin, std::string(r.at("title").as_string()), params});
        }
    }
    out << table.render();
    return ctl::kExitOk;
}

int deliver(const ReportCommand& command, const std::string& body, std::ostream& out, std::ostream& err) {
    if (!command.output) {
        out << body;
        return ctl::kExitOk;
    }
    if (auto written = writeFileAtomically(*command.output, body); !written)
        return failWith(err, written.error().message, ctl::kExitDaemonError);
    return ctl::kExitOk;
}

int runOnFile(const ReportCommand& command, std::ostream& out, std::ostream& err) {
    auto db = openMirror(*command.database);
    if (!db) return failWith(err, db.error().message, ctl::kExitDaemonError);
    ReportCatalog catalog = ReportCatalog::load(command.builtinDir, command.userDir);
    if (command.list) return printCatalog(catalogJson(catalog), command.format == "json", out, err);
    for (const std::string& problem : catalog.problems())
        if (problem.find(command.name) != std::string::npos) err << "roomsctl: warning: " << problem << '\n';
    Provenance provenance{kVersion, command.database->string()};
    auto rendered = produceReport(*db, catalog, command.name, command.args, *parseOutputFormat(command.format),
                                  provenance, nowUtc());
    if (!rendered) return failWith(err, rendered.error().message, ctl::kExitDaemonError);
    return deliver(command, rendered->body, out, err);
}

int runOnDaemon(const ReportCommand& command, ctl::Transport& transport, std::ostream& out, std::ostream& err) {
    ctl::HttpRequest request;
    request.target = command.list ? std::string("/reports") : reportTarget(command.name, command.args, command.format);
    request.accept = "*/*";
    auto reply = transport.send(request);
    if (!reply) {
        const Error& e = reply.error();
        if (e.kind == ErrorKind::Transient || e.kind == ErrorKind::Auth) {
            err << ctl::unreachableMessage(transport.endpoint(), e) << '\n';
            return ctl::kExitUnreachable;
        }
        return failWith(err, "roomsd answered something roomsctl cannot read: " + e.message, ctl::kExitDaemonError);
    }
    if (reply->status < 200 || reply->status > 299) {
        for (const std::string& message : ctl::errorMessages(*reply))
            err << "roomsctl: " << ctl::escapeForTerminal(message) << '\n';
        return ctl::kExitDaemonError;
    }
    if (command.list) return printCatalog(reply->body, command.format == "json", out, err);
    return deliver(command, reply->body, out, err);
}

} // namespace

std::string reportTarget(const std::string& name, const ReportArguments& args, const std::string& format) {
    std::string target = "/reports/" + ctl::escapeComponent(name);
    std::vector<std::pair<std::string, std::string>> query;
    if (args.from) query.emplace_back("from", *args.from);
    if (args.to) query.emplace_back("to", *args.to);
    if (args.room) query.emplace_back("room", *args.room);
    query.emplace_back("format", format);
    for (const auto& p : args.params) query.push_back(p);
    char sep = '?';
    for (const auto& [k, v] : query) {
        target += sep + ctl::escapeComponent(k) + "=" + ctl::escapeComponent(v);
        sep = '&';
    }
    return target;
}

Result<void> writeFileAtomically(const fs::path& path, const std::string& body) {
    fs::path temp = path;
    temp += ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream file(temp, std::ios::binary | std::ios::trunc);
        if (!file) return fail(ErrorKind::Storage, "--output " + path.string() + ": cannot create " + temp.string());
        file.write(body.data(), static_cast<std::streamsize>(body.size()));
        file.flush();
        if (!file) {
            std::error_code ignored;
            fs::remove(temp, ignored);
            return fail(ErrorKind::Storage, "--output " + path.string() + ": cannot write the file (disk full?)");
        }
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        return fail(ErrorKind::Storage, "--output " + path.string() + ": " + ec.message());
    }
    return {};
}

// `report list` and `report NAME [--from] [--to] [--room] [--param k=v]... [--output] [--db] [--reports-dir]`.
CLI::App* addReportCommand(CLI::App& cli, ReportCommand& c) {
    CLI::App* app =
        cli.add_subcommand("report", "built-in and user reports: `report list`, `report NAME`, `report all`");
    app->add_option("name", c.name, "list, a report's name, or all (every built-in report on one page)")->required();
    auto date = [&](const char* flag, std::optional<std::string>& into, const char* help) {
        app->add_option_function<std::string>(
               flag, [&into](const std::string& v) { into = v; }, help)
            ->type_name("YYYY-MM-DD");
    };
    date("--from", c.args.from, "the period's first UTC day (default: the first of last month)");
    date("--to", c.args.to,
         "the period's last UTC day, included (default: the end of last month, or today with --from)");
    app->add_option_function<std::string>(
           "--room", [&c](const std::string& v) { c.args.room = v; }, "only this room (its id)")
        ->type_name("ID");
    app->add_option("--param", c.rawParams, "a report parameter, repeatable (see `report list`)")
        ->type_name("NAME=VALUE")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option_function<std::string>(
           "--output", [&c](const std::string& v) { c.output = v; },
           "write to FILE (complete or not at all) instead of stdout")
        ->type_name("FILE");
    app->add_option_function<std::string>(
           "--db", [&c](const std::string& v) { c.database = v; },
           "read this database file (read-only) instead of asking the daemon")
        ->type_name("PATH");
    c.userDir = "/etc/roomsd/reports.d";
    app->add_option("--reports-dir", c.userDir, "with --db: the folder of user reports (the daemon uses reports.dir)")
        ->type_name("DIR")
        ->capture_default_str();
    return app;
}

int runReportCommand(ReportCommand command, const std::string& format, ctl::Transport& transport, std::ostream& out,
                     std::ostream& err) {
    command.format = format.empty() ? (isatty(STDOUT_FILENO) != 0 ? "table" : "json") : format;
    command.list = command.name == "list";
    std::error_code ec;
    command.builtinDir = builtinReportsDir(fs::read_symlink("/proc/self/exe", ec));
    if (!parseOutputFormat(command.format))
        return failWith(err, "--format: expected table, csv, json or html, got " + command.format, ctl::kExitUsage);
    if (!command.list) {
        if (command.name.empty()) return failWith(err, "report: give a report name, `all` or `list`", ctl::kExitUsage);
        for (const std::string& raw : command.rawParams) {
            auto kv = splitParam(raw);
            if (!kv) return failWith(err, kv.error().message, exitFor(kv.error()));
            command.args.params.push_back(*kv);
        }
        // Dates are checked here, before any connection, the same way in both modes.
        if (auto period = resolvePeriod(command.args, nowUtc()); !period)
            return failWith(err, period.error().message, exitFor(period.error()));
        if (command.name == "all" && command.format == "csv")
            return failWith(err, std::string(kAllIsNotCsv), ctl::kExitUsage);
    }
    return command.database ? runOnFile(command, out, err) : runOnDaemon(command, transport, out, err);
}

} // namespace roomsd::report
