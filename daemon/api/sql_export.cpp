// SqlExport: rows encoded on the worker, handed to the connection piece by piece.
// Thread-safety: see sql_export.hpp.
#include "api/sql_export.hpp"

#include <boost/json.hpp>

namespace roomsd::api {
namespace {

// Encoded bytes gathered before they are handed to the connection, and the most the
// connection may have queued before the worker waits for it.
constexpr std::size_t kPieceBytes = 64u << 10;
constexpr std::size_t kQueuedBytes = 1u << 20;

// The detail of an {"errors":[{...}]} body.
std::string detailOf(const std::string& body) {
    boost::json::error_code ec;
    boost::json::value parsed = boost::json::parse(body, ec);
    if (ec || !parsed.is_object()) return body;
    const auto* errors = parsed.as_object().if_contains("errors");
    if (errors == nullptr || !errors->is_array() || errors->as_array().empty()) return body;
    const auto* detail =
        errors->as_array()[0].is_object() ? errors->as_array()[0].as_object().if_contains("detail") : nullptr;
    return detail != nullptr && detail->is_string() ? std::string(detail->as_string()) : body;
}

} // namespace

std::string_view exportContentType(SqlFormat format) {
    return format == SqlFormat::Csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
}

SqlExport::SqlExport(SqlFormat format, std::function<void(Reply)> answer, std::stop_token stop)
    : format_(format), answer_(std::move(answer)), body_(std::make_shared<BodyStream>(kQueuedBytes)),
      poolStop_(stop, std::function<void()>([this] { stop_.request_stop(); })) {
    if (format == SqlFormat::Csv)
        encoder_ = std::make_unique<CsvAnswer>();
    else
        encoder_ = std::make_unique<JsonLinesAnswer>();
    clientGone_.emplace(body_->stopToken(), std::function<void()>([this] { stop_.request_stop(); }));
}

void SqlExport::columns(std::span<const std::string> names) {
    encoder_->columns(names);
    Reply reply;
    reply.contentType = std::string(exportContentType(format_));
    reply.syncedAt = syncedAt_;
    reply.stream = body_;
    started_ = true;
    answer_(std::move(reply));
}

std::size_t SqlExport::row(std::span<const store::SqlValue> values) {
    std::size_t size = encoder_->row(values);
    if (encoder_->pending() >= kPieceBytes) flush();
    return size;
}

void SqlExport::flush() {
    std::string piece = encoder_->takeOutput();
    if (!piece.empty()) body_->write(std::move(piece), stop_.get_token());
}

void SqlExport::finish(const Result<store::SqlAnswer>& outcome, const Reply& refusal) {
    if (!started_) {
        if (!outcome) return answer_(refusal);
        columns({}); // not reached: the runner calls columns() for every statement it accepts
    }
    if (outcome) {
        flush();
        body_->finish(true);
        return;
    }
    // The rows so far, then the reason on a line of its own (a half-encoded row cannot be
    // pending: the runner stops between rows).
    std::string last = encoder_->takeOutput();
    if (format_ == SqlFormat::Csv)
        last += "roomsd error: " + detailOf(refusal.body) + "\r\n";
    else
        last += refusal.body + "\n";
    // The stop that may have ended the query must not also drop its reason.
    body_->write(std::move(last), std::stop_token());
    body_->finish(false);
}

} // namespace roomsd::api
