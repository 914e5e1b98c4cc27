// The report routes: query string in, rendered report (or one-line error) out.
// Thread-safety: see report_routes.hpp.
#include "api/report_routes.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "api/query_string.hpp"
#include "common/strings.hpp"
#include "common/version.hpp"
#include "report/produce.hpp"

namespace roomsd::api {
namespace {

Reply reportError(const Error& error) {
    switch (error.kind) {
    case ErrorKind::Usage: return errorReply(400, "invalid_parameter", "Invalid parameter", error.message);
    case ErrorKind::NotFound: return errorReply(404, "report_not_found", "Not found", error.message);
    case ErrorKind::Cancelled:
        return errorReply(503, "shutting_down", "Shutting down", "roomsd is stopping; try again once it is back");
    default: break;
    }
    spdlog::warn("report failed: {}", printableForLog(error.message));
    return errorReply(422, "report_failed", "Report failed", error.message);
}

report::ReportCatalog loadCatalog(const config::Config& config) {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return report::ReportCatalog::load(report::builtinReportsDir(exe), config.reports.dir);
}

} // namespace

void answerReports(ServerCore& core, const RouteMatch& match, std::string_view query, const ReplyCallback& done) {
    bool list = match.route == Route::Reports;
    report::ReportArguments args;
    std::string format = "html";
    for (auto& [name, value] : parseQueryString(query)) {
        if (!value) return done(reportError(fail(ErrorKind::Usage, name + ": not valid percent-encoding")));
        if (name == "from")
            args.from = *value;
        else if (name == "to")
            args.to = *value;
        else if (name == "room")
            args.room = *value;
        else if (name == "format")
            format = *value;
        else
            args.params.emplace_back(name, *value);
    }
    auto outputFormat = report::parseOutputFormat(format);
    if (!outputFormat)
        return done(reportError(
            fail(ErrorKind::Usage, "format: expected html, csv, json or table, got " + quoteForLog(format, 40))));
    bool queued = core.sqlWorkers.submit([&core, list, name = match.id, args, outputFormat,
                                          done](SQLite::Database* db, std::stop_token stop) {
        report::ReportCatalog catalog = loadCatalog(*core.live());
        Reply reply;
        if (list) {
            reply.body = report::catalogJson(catalog);
            return done(std::move(reply));
        }
        if (db == nullptr)
            return done(errorReply(503, "database_unavailable", "Database unavailable",
                                   "the mirror's database cannot be opened for reading; see roomsd's log"));
        report::Provenance provenance{kVersion, core.config.storage.database.string()};
        auto rendered = report::produceReport(*db, catalog, name, args, *outputFormat, provenance, nowUtc(), stop);
        if (!rendered) return done(reportError(rendered.error()));
        reply.body = std::move(rendered->body);
        reply.contentType = rendered->contentType;
        std::string disposition = *outputFormat == report::OutputFormat::Csv ? "attachment" : "inline";
        reply.headers.emplace_back("Content-Disposition", disposition + "; filename=\"" + rendered->fileName + "\"");
        return done(std::move(reply));
    });
    if (!queued) done(reportError(fail(ErrorKind::Cancelled, "stopping")));
}

} // namespace roomsd::api
