// A request gets exactly one answer, on the event loop, whatever its job does on a
// worker thread, and what owns the connection is released on the event loop too.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api/loop_reply.hpp"
#include "api/reader_pool.hpp"
#include "store/database.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::api;

namespace {

// Stands for a connection: records the thread it is destroyed on.
struct Owner {
    std::thread::id* destroyedOn;
    ~Owner() { *destroyedOn = std::this_thread::get_id(); }
};

struct Answers {
    std::vector<Reply> replies;
    std::vector<std::thread::id> threads;
};

std::function<void(Reply)> callback(boost::asio::io_context& io, Answers& answers, std::thread::id& ownerGone) {
    auto owner = std::make_shared<Owner>(Owner{&ownerGone});
    return replyOnLoop(std::make_shared<LoopReply>(io.get_executor(), std::move(owner), [&answers](Reply reply) {
        answers.replies.push_back(std::move(reply));
        answers.threads.push_back(std::this_thread::get_id());
    }));
}

// A mirror for the pool's connections, an event loop, and what reached it.
struct Loop {
    test::TempDir dir;
    boost::asio::io_context io;
    Answers answers;
    std::thread::id ownerGone;
    Loop() { auto db = store::openWriter(dir / "mirror.db"); }
    std::filesystem::path database() const { return dir / "mirror.db"; }
    std::function<void(Reply)> done() { return callback(io, answers, ownerGone); }
    // Runs the loop; exactly one answer with `status` arrived on it, and the owner went there too.
    void expectOneAnswerOnLoop(unsigned status) {
        io.run();
        REQUIRE(answers.replies.size() == 1);
        CHECK(answers.replies[0].status == status);
        CHECK(answers.threads[0] == std::this_thread::get_id());
        CHECK(ownerGone == std::this_thread::get_id());
    }
};

} // namespace

TEST_CASE("a job that throws on a worker is answered 500 once, on the event loop") {
    Loop loop;
    {
        ReaderPool pool("test", loop.database(), 1);
        std::function<void(Reply)> done = loop.done();
        REQUIRE(pool.submit([done](SQLite::Database*, std::stop_token) {
            (void)done;
            throw std::runtime_error("a bug");
        }));
        done = nullptr;
        pool.shutdown();
    }
    CHECK(loop.answers.replies.empty()); // nothing is delivered off the loop
    loop.expectOneAnswerOnLoop(500);
}

TEST_CASE("a job that answers from a worker is delivered on the loop, and only its first answer") {
    Loop loop;
    {
        ReaderPool pool("test", loop.database(), 2);
        std::function<void(Reply)> done = loop.done();
        std::promise<void> ran;
        REQUIRE(pool.submit([done, &ran](SQLite::Database* db, std::stop_token) {
            Reply ok;
            ok.status = db != nullptr ? 200 : 503;
            done(ok);
            Reply again;
            again.status = 418;
            done(again);
            ran.set_value();
        }));
        done = nullptr;
        ran.get_future().wait();
        pool.shutdown();
    }
    loop.expectOneAnswerOnLoop(200);
}

TEST_CASE("a job dropped at shutdown is still answered") {
    Loop loop;
    {
        ReaderPool pool("test", loop.database(), 1);
        pool.shutdown();
        std::function<void(Reply)> done = loop.done();
        CHECK_FALSE(pool.submit([done](SQLite::Database*, std::stop_token) { done(Reply{}); }));
    }
    loop.expectOneAnswerOnLoop(500);
}
