// SqlExport: a POST /sql answer in CSV or JSON lines, sent while the statement runs.
//
// The sink SqlRunner feeds on a worker thread. Once the statement is accepted
// (columns()), it answers 200 with a BodyStream, and from then on hands the
// encoded rows to the connection in pieces of about 64 KiB, waiting while the
// client is slower than the query (so memory stays bounded whatever the row
// count). A statement refused before that gets an ordinary error answer; one
// stopped after it (time limit, server.sql_max_export_bytes, shutdown) ends
// with one last line that says why (CSV: "roomsd error: <detail>"; JSON lines:
// {"errors":[...]}) and no last chunk, so the answer is visibly incomplete.
// Thread-safety: one worker thread; the ReplyCallback may be called from it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include "api/body_stream.hpp"
#include "api/reply.hpp"
#include "api/sql_encoding.hpp"
#include "api/sql_request.hpp"
#include "common/result.hpp"

namespace roomsd::api {

class SqlExport final : public store::SqlSink {
public:
    // `format` is Csv or JsonLines; `answer` receives the one answer (a 200 with the
    // stream, or a refusal); `stop` is the worker pool's stop token.
    SqlExport(SqlFormat format, std::function<void(Reply)> answer, std::stop_token stop);
    SqlExport(const SqlExport&) = delete;
    SqlExport& operator=(const SqlExport&) = delete;

    // Fires when the pool stops or the client goes away: pass it to SqlRunner::run.
    std::stop_token stopToken() const { return stop_.get_token(); }

    void snapshot(const std::optional<Timestamp>& syncedAt) override { syncedAt_ = syncedAt; }
    void columns(std::span<const std::string> names) override;
    std::size_t row(std::span<const store::SqlValue> values) override;

    // Ends the answer once the statement is done: the rest of the body, or, when it
    // failed, `refusal` as the answer (nothing sent yet) or as the last line.
    void finish(const Result<store::SqlAnswer>& outcome, const Reply& refusal);

private:
    void flush();

    SqlFormat format_;
    std::unique_ptr<StreamEncoder> encoder_;
    std::function<void(Reply)> answer_;
    std::shared_ptr<BodyStream> body_;
    std::optional<Timestamp> syncedAt_;
    std::stop_source stop_;
    std::stop_callback<std::function<void()>> poolStop_;
    std::optional<std::stop_callback<std::function<void()>>> clientGone_;
    bool started_ = false;
};

// The Content-Type of a streamed format: "text/csv; charset=utf-8" or "application/x-ndjson".
std::string_view exportContentType(SqlFormat format);

} // namespace roomsd::api
