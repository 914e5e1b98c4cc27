#include "ctl/commands.hpp"

#include <boost/json.hpp>
#include <set>

#include "ctl/table.hpp"
#include "ctl/text.hpp"

namespace roomsd::ctl {
namespace {

namespace json = boost::json;

// A bound on --all's walk, far above any real mirror (250 records a page), so a
// daemon that keeps announcing more pages cannot keep roomsctl busy forever.
constexpr std::int64_t kMaxPagesWalked = 1'000'000;

std::string stringMember(const json::object& object, std::string_view key) {
    const json::value* v = object.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The message of one error object: detail, else title, else code.
std::string messageOf(const json::object& error) {
    for (std::string_view key : {"detail", "title", "code"}) {
        std::string text = stringMember(error, key);
        if (!text.empty()) return text;
    }
    return {};
}

bool isSuccess(int status) { return status >= 200 && status < 300; }

// Whether a /status answer shows a stream whose last pass failed.
bool anyPassFailed(const json::value& status) {
    const json::value* sync = status.as_object().if_contains("sync");
    const json::value* streams =
        sync != nullptr && sync->is_object() ? sync->as_object().if_contains("streams") : nullptr;
    if (streams == nullptr || !streams->is_object()) return false;
    for (const auto& [name, stream] : streams->as_object()) {
        const json::value* run = stream.is_object() ? stream.as_object().if_contains("last_run") : nullptr;
        if (run == nullptr || !run->is_object()) continue;
        const json::value* outcome = run->as_object().if_contains("outcome");
        if (outcome != nullptr && outcome->is_string() && outcome->get_string() == "failed") return true;
    }
    return false;
}

// Why a streamed answer stopped early: its last line when the daemon wrote the reason there
// (CSV "roomsd error: ...", JSON lines {"errors":[...]}), else how the connection ended.
std::string cutShortReason(const std::string& tail, const std::string& connectionReason) {
    std::string_view text = tail;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    std::string_view last = text.substr(text.rfind('\n') == std::string_view::npos ? 0 : text.rfind('\n') + 1);
    constexpr std::string_view kCsvPrefix = "roomsd error: ";
    if (last.starts_with(kCsvPrefix)) return std::string(last.substr(kCsvPrefix.size()));
    if (last.starts_with("{\"errors\"")) {
        HttpReply reply;
        reply.body = std::string(last);
        return errorMessages(reply).front();
    }
    return connectionReason.empty() ? "the connection ended before the answer did" : connectionReason;
}

} // namespace

std::vector<std::string> errorMessages(const HttpReply& reply) {
    std::vector<std::string> messages;
    json::error_code ec;
    json::value body = json::parse(reply.body, ec);
    if (!ec && body.is_object()) {
        const json::object& object = body.as_object();
        if (const json::value* errors = object.if_contains("errors"); errors != nullptr && errors->is_array()) {
            for (const auto& e : errors->as_array()) {
                if (!e.is_object()) continue;
                std::string text = messageOf(e.as_object());
                if (!text.empty()) messages.push_back(std::move(text));
            }
        } else if (std::string text = messageOf(object); !text.empty()) {
            messages.push_back(std::move(text));
        }
    }
    if (messages.empty()) {
        std::string text = "roomsd answered HTTP " + std::to_string(reply.status);
        if (!reply.body.empty() && reply.body.size() <= 200 && reply.contentType.starts_with("text/plain"))
            text += ": " + reply.body;
        messages.push_back(std::move(text));
    }
    return messages;
}

std::string unreachableMessage(const std::string& endpoint, const Error& error) {
    std::string where = "roomsctl: cannot reach roomsd at " + escapeForTerminal(endpoint) + ": " + error.message;
    if (error.kind == ErrorKind::Auth)
        return where + ". The socket is reserved to roomsd's user and group: ask to be added to its group " +
               "(see `ls -l " + escapeForTerminal(endpoint) + "`), or use --socket if it listens elsewhere.";
    return where + ". Is it running? Start it with `systemctl start roomsd`, or `roomsd --config FILE`; " +
           "use --socket if it listens elsewhere.";
}

int usageError(std::ostream& err, const std::string& message) {
    err << "roomsctl: " << escapeForTerminal(message) << "\nRun with --help for more information.\n";
    return kExitUsage;
}

CommandRunner::CommandRunner(Transport& transport, Format format, std::ostream& out, std::ostream& err,
                             TableOptions table)
    : transport_(transport), format_(format), out_(out), err_(err), table_(std::move(table)) {}

std::optional<HttpReply> CommandRunner::send(const HttpRequest& request, int& exitCode) {
    auto reply = transport_.send(request);
    if (reply) return std::move(reply).value();
    exitCode = unanswered(reply.error());
    return std::nullopt;
}

int CommandRunner::unanswered(const Error& error) {
    if (error.kind == ErrorKind::Transient || error.kind == ErrorKind::Auth) {
        err_ << unreachableMessage(transport_.endpoint(), error) << '\n';
        return kExitUnreachable;
    }
    err_ << "roomsctl: roomsd at " << escapeForTerminal(transport_.endpoint())
         << " answered something roomsctl cannot read: " << escapeForTerminal(error.message) << '\n';
    return kExitDaemonError;
}

std::optional<HttpReply> CommandRunner::exchange(const HttpRequest& request, int& exitCode) {
    auto reply = send(request, exitCode);
    if (reply && !isSuccess(reply->status)) {
        reportErrorAnswer(*reply);
        exitCode = kExitDaemonError;
        return std::nullopt;
    }
    return reply;
}

void CommandRunner::reportErrorAnswer(const HttpReply& reply) {
    for (const auto& message : errorMessages(reply)) err_ << "roomsctl: " << escapeForTerminal(message) << '\n';
}

std::optional<json::value> CommandRunner::parseBody(const HttpReply& reply, int& exitCode) {
    json::error_code ec;
    json::value body = json::parse(reply.body, ec);
    if (ec || !body.is_object()) {
        err_ << "roomsctl: roomsd answered HTTP " << reply.status << " with a body that is not a JSON object\n";
        exitCode = kExitDaemonError;
        return std::nullopt;
    }
    return body;
}

void CommandRunner::printBody(const std::string& body) {
    out_ << body;
    if (!body.empty() && body.back() != '\n') out_ << '\n';
}

void CommandRunner::printSyncedAt(const std::optional<std::string>& syncedAt) {
    if (!syncedAt) return;
    if (*syncedAt == "never") {
        out_ << "mirror not synced yet\n";
    } else {
        out_ << "mirror synced at " << escapeForTerminal(*syncedAt) << '\n';
    }
}

int CommandRunner::status() {
    int exitCode = kExitOk;
    auto reply = exchange(statusRequest(), exitCode);
    if (!reply) return exitCode;
    auto body = parseBody(*reply, exitCode);
    if (format_ == Format::Json) {
        printBody(reply->body);
    } else {
        if (!body) return exitCode;
        out_ << (format_ == Format::Csv ? statusCsv(body->as_object()) : statusText(body->as_object()));
    }
    return body && anyPassFailed(*body) ? kExitStreamFailed : kExitOk;
}

int CommandRunner::list(const model::RecordSchema& schema, const ListQuery& query) {
    if (query.all) return listAllPages(schema, query);
    int exitCode = kExitOk;
    auto reply = exchange(listRequest(schema, query), exitCode);
    if (!reply) return exitCode;
    if (format_ == Format::Json) {
        printBody(reply->body);
        return kExitOk;
    }
    auto body = parseBody(*reply, exitCode);
    if (!body) return exitCode;
    const json::value* data = body->as_object().if_contains("data");
    if (data == nullptr || !data->is_array()) {
        err_ << "roomsctl: roomsd's answer has no data array\n";
        return kExitDaemonError;
    }
    if (format_ == Format::Csv) {
        out_ << recordsCsv(schema, data->as_array(), query.includeChildren, table_.columns);
        return kExitOk;
    }
    out_ << recordsTable(schema, data->as_array(), query.includeChildren, table_);
    std::string footer = listFooter(pageMeta(*body), false, data->as_array().size(), std::nullopt);
    out_ << footer;
    printSyncedAt(reply->syncedAt);
    return kExitOk;
}

int CommandRunner::listAllPages(const model::RecordSchema& schema, ListQuery query) {
    if (!query.pageSize) query.pageSize = schema.page.maxSize; // fewest requests
    json::array records;
    std::set<std::string> seen; // a record that moved to a later page while we read is shown once
    std::optional<std::string> firstSyncedAt;
    bool syncedWhileReading = false;
    std::int64_t pagesRead = 0;
    std::optional<std::string> syncedAt;
    for (std::int64_t page = 1; page <= kMaxPagesWalked; ++page) {
        query.pageNumber = page;
        int exitCode = kExitOk;
        auto reply = exchange(listRequest(schema, query), exitCode);
        if (!reply) return exitCode;
        auto body = parseBody(*reply, exitCode);
        if (!body) return exitCode;
        json::value* data = body->as_object().if_contains("data");
        if (data == nullptr || !data->is_array()) {
            err_ << "roomsctl: roomsd's answer has no data array\n";
            return kExitDaemonError;
        }
        ++pagesRead;
        if (page == 1) {
            firstSyncedAt = reply->syncedAt;
        } else if (reply->syncedAt != firstSyncedAt) {
            syncedWhileReading = true;
        }
        syncedAt = reply->syncedAt;
        for (auto& record : data->as_array()) {
            const json::value* id = record.is_object() ? record.as_object().if_contains("id") : nullptr;
            if (id != nullptr && id->is_string() && !seen.insert(std::string(id->get_string())).second) continue;
            records.push_back(std::move(record));
        }
        PageMeta meta = pageMeta(*body);
        if (data->as_array().empty() || !meta.totalPages || page >= *meta.totalPages) break;
    }
    if (syncedWhileReading)
        err_ << "roomsctl: warning: the mirror was synced while its pages were read; the listing may miss "
                "records changed meanwhile\n";

    switch (format_) {
    case Format::Json: {
        json::object meta{{"page_size", *query.pageSize},
                          {"total_pages", pagesRead},
                          {"total_results", static_cast<std::int64_t>(records.size())}};
        out_ << json::serialize(json::object{{"data", std::move(records)}, {"meta", std::move(meta)}}) << '\n';
        break;
    }
    case Format::JsonLines: // refused before any request: lists have no JSON-lines form
    case Format::Csv: out_ << recordsCsv(schema, records, query.includeChildren, table_.columns); break;
    case Format::Table: {
        PageMeta meta;
        meta.totalPages = pagesRead;
        out_ << recordsTable(schema, records, query.includeChildren, table_)
             << listFooter(meta, true, records.size(), std::nullopt);
        printSyncedAt(syncedAt);
        break;
    }
    }
    return kExitOk;
}

int CommandRunner::get(const model::RecordSchema& schema, const std::string& id, bool includeChildren) {
    auto request = recordRequest(schema, id, includeChildren);
    if (!request) return usageError(err_, request.error().message);
    int exitCode = kExitOk;
    auto reply = exchange(*request, exitCode);
    if (!reply) return exitCode;
    if (format_ == Format::Json) {
        printBody(reply->body);
        return kExitOk;
    }
    auto body = parseBody(*reply, exitCode);
    if (!body) return exitCode;
    const json::value* data = body->as_object().if_contains("data");
    if (data == nullptr || !data->is_object()) {
        err_ << "roomsctl: roomsd's answer has no data object\n";
        return kExitDaemonError;
    }
    if (format_ == Format::Csv) {
        out_ << recordsCsv(schema, json::array{*data}, includeChildren, table_.columns);
        return kExitOk;
    }
    out_ << recordDetail(schema, data->as_object(), includeChildren, table_);
    printSyncedAt(reply->syncedAt);
    return kExitOk;
}

int CommandRunner::sql(const std::string& statement, const std::vector<std::string>& params) {
    if (format_ == Format::Csv || format_ == Format::JsonLines) return sqlExport(statement, params);
    auto request = sqlRequest(statement, params);
    if (!request) return usageError(err_, request.error().message);
    int exitCode = kExitOk;
    auto reply = exchange(*request, exitCode);
    if (!reply) return exitCode;
    if (format_ == Format::Json) {
        printBody(reply->body);
        return kExitOk;
    }
    auto body = parseBody(*reply, exitCode);
    if (!body) return exitCode;
    out_ << sqlTable(body->as_object(), table_);
    return kExitOk;
}

int CommandRunner::sqlExport(const std::string& statement, const std::vector<std::string>& params) {
    bool csv = format_ == Format::Csv;
    auto request = sqlRequest(statement, params, csv ? "text/csv" : "application/x-ndjson");
    if (!request) return usageError(err_, request.error().message);
    // The rows go out as they arrive; the last few KiB are kept to read the reason of an
    // answer cut short from its last line. A daemon that ignored Accept answers JSON, kept whole.
    std::string tail;
    std::string whole;
    bool buffered = false;
    auto reply = transport_.stream(*request, [&](const HttpReply& head, std::string_view piece) {
        buffered = head.contentType.starts_with("application/json");
        if (buffered) {
            whole.append(piece);
            return;
        }
        out_.write(piece.data(), static_cast<std::streamsize>(piece.size()));
        out_.flush();
        tail.append(piece);
        if (tail.size() > 16384) tail.erase(0, tail.size() - 8192);
    });
    int exitCode = kExitOk;
    if (!reply) return unanswered(reply.error());
    if (!isSuccess(reply->status)) {
        reportErrorAnswer(*reply);
        return kExitDaemonError;
    }
    if (!reply->complete) {
        err_ << "roomsctl: the answer was cut short, the output is incomplete: "
             << escapeForTerminal(cutShortReason(tail, reply->incompleteReason)) << '\n';
        return kExitDaemonError;
    }
    if (!buffered) return kExitOk;
    HttpReply answer = *reply;
    answer.body = std::move(whole);
    auto body = parseBody(answer, exitCode);
    if (!body) return exitCode;
    out_ << (csv ? sqlCsv(body->as_object()) : sqlJsonLines(body->as_object()));
    return kExitOk;
}

int CommandRunner::schema(const std::optional<std::string>& table) {
    // Through POST /sql, with the schema pragmas it allows: what it can read is what it lists.
    std::string sql = "SELECT t.name AS \"table\", t.type AS type, c.name AS column, c.type AS column_type, "
                      "c.\"notnull\" AS not_null, c.pk AS primary_key "
                      "FROM pragma_table_list AS t, pragma_table_xinfo(t.name) AS c "
                      "WHERE t.schema = 'main' AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND c.hidden = 0";
    std::vector<std::string> params;
    if (table) {
        sql += " AND t.name = ?";
        params.push_back(*table);
    }
    sql += " ORDER BY t.type, t.name, c.cid";
    if (format_ == Format::Csv || format_ == Format::JsonLines) return this->sql(sql, params);
    auto request = sqlRequest(sql, params);
    int exitCode = kExitOk;
    auto reply = exchange(*request, exitCode);
    if (!reply) return exitCode;
    auto body = parseBody(*reply, exitCode);
    if (!body) return exitCode;
    const json::value* rows = body->as_object().if_contains("rows");
    if (rows == nullptr || !rows->is_array()) {
        err_ << "roomsctl: roomsd's answer has no rows\n";
        return kExitDaemonError;
    }
    if (table && rows->as_array().empty()) {
        err_ << "roomsctl: there is no table or view " << escapeForTerminal(*table)
             << " that POST /sql reads; run `roomsctl schema` for the list\n";
        return kExitDaemonError;
    }
    if (format_ == Format::Json) {
        printBody(reply->body);
        return kExitOk;
    }
    // One block per table or view: "rooms (table)", then its columns and their types.
    std::string current;
    std::optional<TextTable> columns;
    auto flush = [&] {
        if (columns) out_ << columns->render();
    };
    for (const auto& row : rows->as_array()) {
        if (!row.is_array() || row.as_array().size() < 6) continue;
        const json::array& r = row.as_array();
        std::string name = cellText(r[0]);
        if (name != current) {
            flush();
            if (!current.empty()) out_ << '\n';
            current = name;
            out_ << escapeForTerminal(name) << " (" << escapeForTerminal(cellText(r[1])) << ")\n";
            columns.emplace(std::vector<std::string>{"column", "type", "not null", "primary key"});
        }
        std::string pk = cellText(r[5]);
        columns->addRow({cellText(r[2]), cellText(r[3]), cellText(r[4]) == "1" ? "yes" : "", pk == "0" ? "" : pk});
    }
    flush();
    return kExitOk;
}

int CommandRunner::sync() {
    int exitCode = kExitOk;
    auto reply = send(syncRequest(), exitCode);
    if (!reply) return exitCode;
    if (reply->status == 409) {
        err_ << "roomsctl: a sync pass is already running; it was not started again\n";
        return kExitDaemonError;
    }
    if (!isSuccess(reply->status)) {
        reportErrorAnswer(*reply);
        return kExitDaemonError;
    }
    if (format_ == Format::Json) {
        printBody(reply->body);
    } else {
        out_ << "sync started\n";
    }
    return kExitOk;
}

} // namespace roomsd::ctl
