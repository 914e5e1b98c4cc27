// BodyStream: the body of one answer, produced on a worker thread while the
// event loop sends it (HTTP chunked transfer), with bounded memory between them.
//
// The producer (a POST /sql export) write()s pieces and blocks while more than
// the capacity waits to be sent, so an export of any size holds at most about
// the capacity in memory; it finish()es the body, complete or cut short. The
// consumer (the connection) take()s what is queued; when nothing is, the wake
// function runs once more is (from the producer's thread: it must only post to
// the loop). abandon() (the client went away) makes every later write() fail
// and fires stopToken(), so the query stops.
// Thread-safety: write()/finish() from one producer thread, take()/setWake()/
// abandon() from the event loop; every member may run concurrently with the others.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

namespace roomsd::api {

class BodyStream {
public:
    explicit BodyStream(std::size_t capacityBytes) : capacity_(capacityBytes) {}
    BodyStream(const BodyStream&) = delete;
    BodyStream& operator=(const BodyStream&) = delete;

    // Queues `piece`, first waiting while more than the capacity is queued; false (and
    // `piece` dropped) once the consumer abandoned the body or `stop` fired.
    bool write(std::string piece, std::stop_token stop);
    // Ends the body: `complete`, or cut short (its last piece says why).
    void finish(bool complete);

    struct Taken {
        std::string data;      // may be empty when the body just ended
        bool ended = false;    // nothing follows `data`
        bool complete = false; // when ended: the body is whole
    };
    // What is queued, or nullopt when nothing is yet (the wake function runs once something is).
    std::optional<Taken> take();
    // Runs (on the producer's thread) when take() found nothing and something arrived since.
    void setWake(std::function<void()> wake);
    // The consumer is gone: writes fail from now on, stopToken() fires.
    void abandon();
    // The bytes queued and not yet taken: a producer on the event loop writes only below the capacity.
    std::size_t queuedBytes();
    // Fires when the consumer abandons the body.
    std::stop_token stopToken() const { return abandoned_.get_token(); }

private:
    void wakeConsumer(std::unique_lock<std::mutex>& lock);

    const std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable_any drained_;
    std::string queued_;
    bool ended_ = false;
    bool complete_ = false;
    bool consumerWaiting_ = false;
    std::function<void()> wake_;
    std::stop_source abandoned_;
};

} // namespace roomsd::api
