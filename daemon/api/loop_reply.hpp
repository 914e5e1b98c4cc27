// LoopReply: the one answer to one request, delivered on the event loop.
//
// The handler of a request may answer from a worker thread, or throw, or have
// its job dropped at shutdown. A LoopReply is shared by every copy of the
// request's callback: the first reply() wins and is posted to the event loop;
// if the last copy goes away unanswered (a job that threw, a dropped job), a
// 500 is posted instead. Whatever owns the connection travels only inside the
// posted handler, so it is always released on the event loop, never on a
// worker thread.
// Thread-safety: reply() and the destructor may run on any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <functional>
#include <memory>

#include "api/reply.hpp"

namespace roomsd::api {

class LoopReply {
public:
    // `deliver` runs on `executor` with the reply; `owner` (the connection) is released there after it.
    LoopReply(boost::asio::any_io_executor executor, std::shared_ptr<void> owner, std::function<void(Reply)> deliver)
        : executor_(std::move(executor)), owner_(std::move(owner)), deliver_(std::move(deliver)) {}
    LoopReply(const LoopReply&) = delete;
    LoopReply& operator=(const LoopReply&) = delete;

    ~LoopReply() {
        if (!replied_.exchange(true))
            post(errorReply(500, "internal_error", "Internal error",
                            "the request could not be answered; see roomsd's log"));
    }

    // Delivers `reply` unless one was delivered already.
    void reply(Reply reply) {
        if (replied_.exchange(true)) return;
        post(std::move(reply));
    }

private:
    void post(Reply reply) noexcept {
        try {
            boost::asio::post(executor_, [owner = std::move(owner_), deliver = std::move(deliver_),
                                          reply = std::move(reply)]() mutable { deliver(std::move(reply)); });
        } catch (...) {
            // Posting allocates; without memory there is no answer to give. The owner is then
            // released here, which is the lesser harm than terminating.
        }
    }

    boost::asio::any_io_executor executor_;
    std::shared_ptr<void> owner_;
    std::function<void(Reply)> deliver_;
    std::atomic<bool> replied_{false};
};

// A ReplyCallback over a LoopReply: every copy shares it.
inline std::function<void(Reply)> replyOnLoop(std::shared_ptr<LoopReply> once) {
    return [once = std::move(once)](Reply reply) { once->reply(std::move(reply)); };
}

} // namespace roomsd::api
