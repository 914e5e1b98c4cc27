// The change feed's routes: pages, long-polls, server-sent events, the snapshot, consumers.
// Thread-safety: see changes_routes.hpp.
#include "api/changes_routes.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <utility>

#include "api/body_stream.hpp"
#include "api/change_render.hpp"
#include "api/changes_query.hpp"
#include "common/strings.hpp"
#include "store/change_consumers.hpp"
#include "store/change_feed.hpp"

namespace roomsd::api {
namespace {

namespace json = boost::json;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kStreamPage = 200;          // changes per look of a stream
constexpr std::size_t kStreamCapacity = 8u << 20;  // what a stream may have queued
constexpr std::size_t kStreamHighWater = 1u << 20; // a stream looks again only below this
constexpr std::size_t kSnapshotPiece = 64u << 10;
constexpr std::size_t kSnapshotQueued = 1u << 20;

Reply badParameter(const Error& error) {
    Reply reply;
    reply.status = 400;
    reply.body = errorsBody("invalid_parameter", "Invalid parameter", error.message, error.parameter);
    return reply;
}

std::string trimmedBody(const store::FeedBounds& bounds) {
    json::object error;
    error["code"] = "changes_trimmed";
    error["title"] = "Changes trimmed";
    error["detail"] = "the changes after that seq were trimmed by retention (changes.retain_days, "
                      "changes.retain_count); the oldest held is " +
                      std::to_string(bounds.oldestSeq) +
                      ": re-snapshot (GET /changes/snapshot) and follow from the snapshot's seq";
    error["meta"] = json::object{{"oldest_seq", bounds.oldestSeq}};
    return json::serialize(json::object{{"errors", json::array{std::move(error)}}});
}

Reply trimmed(const store::FeedBounds& bounds) {
    Reply reply;
    reply.status = 410;
    reply.body = trimmedBody(bounds);
    return reply;
}

bool isTrimmed(std::int64_t since, const store::FeedBounds& bounds) { return since < bounds.trimmedThrough; }

// ---- GET /changes ----

Result<Reply> pageReply(const ChangesQuery& query, const store::ChangePage& page) {
    Reply reply;
    std::string lines;
    json::array data;
    for (const store::Change& change : page.changes) {
        auto rendered = changeJson(change);
        if (!rendered) return std::move(rendered).error();
        if (query.format == ChangesFormat::JsonLines)
            lines += json::serialize(*rendered) + "\n";
        else
            data.push_back(std::move(*rendered));
    }
    if (query.format == ChangesFormat::JsonLines) {
        reply.contentType = "application/x-ndjson";
        reply.body = std::move(lines);
        reply.headers.emplace_back("Roomsd-Next-Since", std::to_string(page.nextSince));
        reply.headers.emplace_back("Roomsd-Last-Seq", std::to_string(page.bounds.lastSeq));
        reply.headers.emplace_back("Roomsd-Oldest-Seq", std::to_string(page.bounds.oldestSeq));
        return reply;
    }
    json::object meta{{"since", query.since},
                      {"next_since", page.nextSince},
                      {"last_seq", page.bounds.lastSeq},
                      {"oldest_seq", page.bounds.oldestSeq}};
    reply.body = json::serialize(json::object{{"data", std::move(data)}, {"meta", std::move(meta)}});
    return reply;
}

// One GET /changes, re-checked on a timer while it waits for a change.
class LongPoll : public std::enable_shared_from_this<LongPoll> {
public:
    LongPoll(std::shared_ptr<ServerCore> core, ChangesQuery query, ReplyCallback done, net::any_io_executor executor,
             std::stop_token clientGone)
        : core_(std::move(core)), query_(query), done_(std::move(done)), executor_(std::move(executor)),
          timer_(executor_), clientGone_(std::move(clientGone)), scanFrom_(query.since),
          deadline_(Clock::now() + std::chrono::seconds(query.waitSecs)) {
        if (query_.waitSecs > 0) ++core_->changeWaiters;
    }
    ~LongPoll() {
        if (query_.waitSecs > 0) --core_->changeWaiters;
    }
    LongPoll(const LongPoll&) = delete;
    LongPoll& operator=(const LongPoll&) = delete;

    // Looks (on a reader) and answers, or sleeps and looks again.
    void check() {
        bool queued =
            core_->readers.submit([self = shared_from_this()](SQLite::Database* db, std::stop_token stop) mutable {
                // The job's copy moves into what it posts: the poll is released on the loop, never here.
                std::shared_ptr<LongPoll> poll = std::move(self);
                if (db == nullptr) return poll->done_(databaseUnavailable());
                auto page = store::ChangeFeed(*db).page(poll->scanFrom_, poll->query_.limit, poll->query_.kind);
                if (!page) return poll->done_(internalError(page.error()));
                if (isTrimmed(poll->query_.since, page->bounds)) return poll->done_(trimmed(page->bounds));
                bool keepWaiting = page->changes.empty() && !poll->final_ && Clock::now() < poll->deadline_ &&
                                   !stop.stop_requested() && !poll->clientGone_.stop_requested();
                if (!keepWaiting) {
                    auto reply = pageReply(poll->query_, *page);
                    return poll->done_(reply ? std::move(*reply) : internalError(reply.error()));
                }
                poll->scanFrom_ = page->nextSince; // a kind filter may have looked past changes of other kinds
                auto executor = poll->executor_;   // before the capture moves `poll`
                net::post(executor, [poll = std::move(poll)] { poll->sleep(); });
            });
        if (!queued) done_(shuttingDown());
    }

private:
    void sleep() {
        if (core_->stopping || clientGone_.stop_requested()) {
            final_ = true; // answer what there is (nothing) now
            return check();
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
        timer_.expires_after(std::clamp(left, std::chrono::milliseconds(0),
                                        std::chrono::duration_cast<std::chrono::milliseconds>(kChangePollInterval)));
        timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->check(); });
    }

    std::shared_ptr<ServerCore> core_;
    ChangesQuery query_;
    ReplyCallback done_;
    net::any_io_executor executor_;
    net::steady_timer timer_;
    std::stop_token clientGone_;
    std::int64_t scanFrom_;
    Clock::time_point deadline_;
    bool final_ = false;
};

// ---- GET /changes/stream ----

std::string eventsOf(const store::ChangePage& page, Result<void>& outcome) {
    std::string out;
    for (const store::Change& change : page.changes) {
        auto rendered = changeJson(change);
        if (!rendered) {
            outcome = std::move(rendered).error();
            return out;
        }
        out += "id: " + std::to_string(change.seq) + "\nevent: change\ndata: " + json::serialize(*rendered) + "\n\n";
    }
    return out;
}

// One event stream: looks for changes on a timer, writes them as events, keeps the line alive.
class EventStream : public std::enable_shared_from_this<EventStream> {
public:
    EventStream(std::shared_ptr<ServerCore> core, ChangesQuery query, net::any_io_executor executor)
        : core_(std::move(core)), query_(query), executor_(std::move(executor)), timer_(executor_),
          body_(std::make_shared<BodyStream>(kStreamCapacity)), since_(query.since), lastWrite_(Clock::now()) {
        ++core_->changeWaiters;
    }
    ~EventStream() { --core_->changeWaiters; }
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    // Checks the since (410 before any event), then answers the stream and follows the log.
    void start(ReplyCallback done) {
        bool queued =
            core_->readers.submit([self = shared_from_this(), done](SQLite::Database* db, std::stop_token) mutable {
                std::shared_ptr<EventStream> stream = std::move(self);
                if (db == nullptr) return done(databaseUnavailable());
                auto bounds = store::ChangeFeed(*db).bounds();
                if (!bounds) return done(internalError(bounds.error()));
                if (isTrimmed(stream->since_, *bounds)) return done(trimmed(*bounds));
                Reply reply;
                reply.contentType = "text/event-stream";
                reply.headers.emplace_back("X-Accel-Buffering", "no");
                reply.stream = stream->body_;
                // A comment first, so the client sees the stream open before any change.
                stream->body_->write(": roomsd change feed\n\n", std::stop_token());
                done(std::move(reply));
                auto executor = stream->executor_; // before the capture moves `stream`
                net::post(executor, [stream = std::move(stream)] { stream->look(); });
            });
        if (!queued) done(shuttingDown());
    }

private:
    // The client went away, or this stream ended its body (shutdown, trimmed, an error).
    bool ended() const { return finished_.load() || body_->stopToken().stop_requested(); }
    void finish(bool complete) {
        finished_ = true;
        body_->finish(complete);
    }

    // On the loop: one look for changes, unless the client is gone, the server stops or the
    // client has not yet read what it was sent.
    void look() {
        if (ended()) return;
        if (core_->stopping) return finish(true);
        if (body_->queuedBytes() >= kStreamHighWater) return sleep();
        bool queued =
            core_->readers.submit([self = shared_from_this()](SQLite::Database* db, std::stop_token stop) mutable {
                std::shared_ptr<EventStream> stream = std::move(self);
                bool wrote = stream->writePage(db, stop);
                auto executor = stream->executor_; // before the capture moves `stream`
                net::post(executor, [stream = std::move(stream), wrote] {
                    if (wrote) return stream->look(); // there may be more right away
                    stream->sleep();
                });
            });
        if (!queued) finish(true);
    }

    // On a reader: the next page as events; whether any was written.
    bool writePage(SQLite::Database* db, std::stop_token stop) {
        if (db == nullptr) return false;
        auto page = store::ChangeFeed(*db).page(since_, kStreamPage, query_.kind);
        if (!page) return false; // looked at again on the next tick
        if (isTrimmed(since_, page->bounds)) {
            // Trimmed while it streamed (it fell behind retention): say so, and end.
            body_->write("event: error\ndata: " + trimmedBody(page->bounds) + "\n\n", stop);
            finish(true);
            return false;
        }
        Result<void> outcome;
        std::string events = eventsOf(*page, outcome);
        if (!outcome) {
            body_->write("event: error\ndata: " +
                             errorsBody("internal_error", "Internal error", outcome.error().message) + "\n\n",
                         stop);
            finish(false);
            return false;
        }
        since_ = page->nextSince;
        if (events.empty()) return false;
        body_->write(std::move(events), stop);
        lastWriteNanos_.store(Clock::now().time_since_epoch().count());
        return true;
    }

    void sleep() {
        if (ended()) return;
        if (core_->stopping) return finish(true);
        auto wrote = Clock::time_point(Clock::duration(lastWriteNanos_.load()));
        if (lastWrite_ < wrote) lastWrite_ = wrote;
        if (Clock::now() - lastWrite_ >= kKeepaliveInterval && body_->queuedBytes() == 0) {
            body_->write(": keepalive\n\n", std::stop_token()); // empty queue: does not block
            lastWrite_ = Clock::now();
        }
        timer_.expires_after(kChangePollInterval);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->look(); });
    }

    std::shared_ptr<ServerCore> core_;
    ChangesQuery query_;
    net::any_io_executor executor_;
    net::steady_timer timer_;
    std::shared_ptr<BodyStream> body_;
    std::int64_t since_;          // written by the reader job, read by the next one (posted in between)
    Clock::time_point lastWrite_; // loop only
    std::atomic<Clock::rep> lastWriteNanos_{0};
    std::atomic<bool> finished_{false};
};

// ---- GET /changes/snapshot ----

class SnapshotExport final : public store::SnapshotSink {
public:
    SnapshotExport(ReplyCallback done, std::stop_token poolStop)
        : done_(std::move(done)), body_(std::make_shared<BodyStream>(kSnapshotQueued)), poolStop_(poolStop) {}

    bool begin(std::int64_t seq, Timestamp takenAt) override {
        Reply reply;
        reply.contentType = "application/x-ndjson";
        reply.stream = body_;
        started_ = true;
        done_(std::move(reply));
        json::object head{{"snapshot", json::object{{"seq", seq}, {"taken_at", formatTimestamp(takenAt)}}}};
        pending_ = json::serialize(head) + "\n";
        return true;
    }

    bool row(const store::TableRow& row) override {
        pending_ += snapshotRowLine(row);
        ++rows_;
        if (pending_.size() < kSnapshotPiece) return true;
        return body_->write(std::exchange(pending_, {}), poolStop_);
    }

    void finish(const Result<std::int64_t>& outcome) {
        if (!started_) return done_(outcome ? shuttingDown() : internalError(outcome.error()));
        if (!outcome) {
            body_->write(std::exchange(pending_, {}), poolStop_);
            return body_->finish(false); // no end line, no last chunk: visibly incomplete
        }
        pending_ += json::serialize(json::object{{"end", json::object{{"rows", rows_}}}}) + "\n";
        body_->write(std::exchange(pending_, {}), poolStop_);
        body_->finish(true);
    }

    std::stop_token clientGone() const { return body_->stopToken(); }

private:
    ReplyCallback done_;
    std::shared_ptr<BodyStream> body_;
    std::stop_token poolStop_;
    std::string pending_;
    std::int64_t rows_ = 0;
    bool started_ = false;
};

void answerSnapshot(ServerCore& core, const ChangesQuery& query, const ReplyCallback& done) {
    bool queued = core.sqlWorkers.submit([kind = query.kind, done](SQLite::Database* db, std::stop_token stop) {
        if (stop.stop_requested()) return done(shuttingDown());
        if (db == nullptr) return done(databaseUnavailable());
        SnapshotExport exported(done, stop);
        std::stop_source either;
        std::stop_callback poolStopped(stop, [&] { either.request_stop(); });
        std::stop_callback clientGone(exported.clientGone(), [&] { either.request_stop(); });
        auto outcome = store::ChangeFeed(*db).snapshot(kind, exported, either.get_token());
        exported.finish(outcome);
    });
    if (!queued) done(shuttingDown());
}

// ---- consumers ----

json::object consumerJson(const store::Consumer& c) {
    return json::object{{"name", c.name},
                        {"acked_seq", c.ackedSeq},
                        {"lag", c.lag},
                        {"registered_at", c.registeredAt},
                        {"acked_at", c.ackedAt ? json::value(json::string(*c.ackedAt)) : json::value(nullptr)}};
}

Reply jsonReply(unsigned status, json::object body) {
    Reply reply;
    reply.status = status;
    reply.body = json::serialize(body);
    return reply;
}

Reply unknownConsumer(const std::string& name) {
    return errorReply(404, "consumer_not_found", "Consumer not found",
                      "there is no consumer " + quoteForLog(name, 64) + "; register it with PUT /changes/consumers/" +
                          name);
}

Reply consumerRefusal(const Error& error) {
    if (error.kind == ErrorKind::Usage) return badParameter(error);
    return internalError(error);
}

// An optional integer member of a JSON object body; `required` when it must be there.
Result<std::optional<std::int64_t>> integerMember(const std::string& body, std::string_view member, bool required) {
    auto refuse = [&](std::string message) { return Error{ErrorKind::Usage, std::move(message), std::string(member)}; };
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (required) return refuse("the body must be {\"" + std::string(member) + "\": n}");
        return std::optional<std::int64_t>{};
    }
    json::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (ec || !parsed.is_object()) return refuse("the body must be a JSON object {\"" + std::string(member) + "\": n}");
    const json::value* value = parsed.as_object().if_contains(member);
    if (value == nullptr) {
        if (required) return refuse("the body must have \"" + std::string(member) + "\"");
        return std::optional<std::int64_t>{};
    }
    if (value->is_int64() && value->get_int64() >= 0) return std::optional<std::int64_t>{value->get_int64()};
    if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return std::optional<std::int64_t>{static_cast<std::int64_t>(value->get_uint64())};
    return refuse(std::string(member) + " must be an integer >= 0");
}

void answerConsumers(ServerCore& core, const RouteMatch& match, const ApiRequest& request, const ReplyCallback& done) {
    if (match.route != Route::ChangeConsumers && !store::isConsumerName(match.id))
        return done(badParameter(
            Error{ErrorKind::Usage, "a consumer's name is 1 to 64 characters of A-Z a-z 0-9 . _ -", "name"}));
    std::optional<std::int64_t> seq;
    if (match.route == Route::ChangeConsumerAck || (match.route == Route::ChangeConsumer && request.method == "PUT")) {
        bool ack = match.route == Route::ChangeConsumerAck;
        auto parsed = integerMember(request.body, ack ? "seq" : "acked_seq", ack);
        if (!parsed) return done(badParameter(parsed.error()));
        seq = *parsed;
    }
    bool queued = core.readers.submit([&core, route = match.route, name = match.id, method = request.method, seq,
                                       done](SQLite::Database* db, std::stop_token) {
        if (route == Route::ChangeConsumers) {
            if (db == nullptr) return done(databaseUnavailable());
            auto list = store::listConsumers(*db);
            if (!list) return done(internalError(list.error()));
            json::array data;
            for (const auto& c : *list) data.push_back(consumerJson(c));
            return done(jsonReply(200, json::object{{"data", std::move(data)}}));
        }
        if (route == Route::ChangeConsumerAck) {
            auto acked = core.consumers.run([&](store::ChangeConsumers& c) { return c.ack(name, *seq); });
            if (!acked) return done(consumerRefusal(acked.error()));
            if (!*acked) return done(unknownConsumer(name));
            return done(jsonReply(200, consumerJson(**acked)));
        }
        if (method == "DELETE") {
            auto removed = core.consumers.run([&](store::ChangeConsumers& c) { return c.remove(name); });
            if (!removed) return done(consumerRefusal(removed.error()));
            if (!*removed) return done(unknownConsumer(name));
            Reply reply;
            reply.status = 204;
            return done(std::move(reply));
        }
        auto registered = core.consumers.run([&](store::ChangeConsumers& c) { return c.registerConsumer(name, seq); });
        if (!registered) return done(consumerRefusal(registered.error()));
        return done(jsonReply(registered->created ? 201 : 200, consumerJson(registered->consumer)));
    });
    if (!queued) done(shuttingDown());
}

} // namespace

void answerChanges(const std::shared_ptr<ServerCore>& core, const RouteMatch& match, const ApiRequest& request,
                   std::string_view query, ReplyCallback done) {
    if (match.route == Route::ChangeConsumers || match.route == Route::ChangeConsumer ||
        match.route == Route::ChangeConsumerAck)
        return answerConsumers(*core, match, request, done);
    ChangesRoute route = match.route == Route::ChangesStream     ? ChangesRoute::Stream
                         : match.route == Route::ChangesSnapshot ? ChangesRoute::Snapshot
                                                                 : ChangesRoute::Page;
    auto parsed = parseChangesQuery(route, query, request.lastEventId);
    if (!parsed) return done(badParameter(parsed.error()));
    if (core->stopping) return done(shuttingDown());
    switch (route) {
    case ChangesRoute::Snapshot: return answerSnapshot(*core, *parsed, done);
    case ChangesRoute::Stream: {
        auto stream = std::make_shared<EventStream>(core, *parsed, request.executor);
        if (request.watchClient) request.watchClient();
        return stream->start(std::move(done));
    }
    case ChangesRoute::Page: {
        std::stop_token gone = parsed->waitSecs > 0 && request.watchClient ? request.watchClient() : std::stop_token();
        auto poll = std::make_shared<LongPoll>(core, *parsed, std::move(done), request.executor, std::move(gone));
        return poll->check();
    }
    }
}

} // namespace roomsd::api
