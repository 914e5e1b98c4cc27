#include "sync/stream_pass.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/log_fields.hpp"
#include "sync/page_pipeline.hpp"

namespace roomsd::sync {
namespace {

// Verification asks about unseen records in batches of this many ids.
constexpr std::size_t kVerifyBatch = 200;
// No walk goes past this many pages (250 million records at the largest page size),
// whatever meta.total_pages says, so a server that never stops cannot keep a pass going.
constexpr std::int64_t kMaxPages = 1'000'000;

bool isFatal(const Error& e) { return e.kind == ErrorKind::Auth || e.kind == ErrorKind::Cancelled; }

} // namespace

struct StreamPass::Walk {
    bool complete = false;          // every page up to the last one advanced
    std::int64_t claimedTotal = -1; // the largest meta.total_results seen, -1 if never given
    std::int64_t unusable = 0;      // data elements that could not be parsed into records
    bool moved(std::int64_t seen) const { return claimedTotal >= 0 && seen + unusable < claimedTotal; }
};

Result<void> StreamPass::consume(const telnyx::ListPage& page, Walk& walk, store::SyncRun& run) {
    Timestamp now = env_.clock();
    auto written = env_.writer.upsertPage(page.records, now);
    if (!written) return std::move(written).error();
    store::RunCounters& n = run.counters;
    ++n.pages;
    n.inserted += written->counts.inserted;
    n.updated += written->counts.updated;
    n.unchanged += written->counts.unchanged;
    n.recordsSeen += written->counts.inserted + written->counts.updated + written->counts.unchanged;
    n.embeddedWritten += written->embedded.inserted + written->embedded.updated;
    walk.unusable += static_cast<std::int64_t>(page.elementCount - page.records.size());
    if (page.meta && page.meta->totalResults) walk.claimedTotal = std::max(walk.claimedTotal, *page.meta->totalResults);
    for (const auto& reason : page.rejected) {
        ++run.counters.errors;
        spdlog::warn("{}: skipped a record: {}", schema_.name, reason);
    }
    auto noteProblems = [&](const model::MirrorRecord& r) {
        if (r.problems.empty()) return;
        ++run.counters.errors;
        std::string all;
        for (const auto& p : r.problems) all += (all.empty() ? "" : "; ") + p;
        spdlog::warn("{} {}: kept out of their columns: {}", r.schema->recordType, r.id, all);
    };
    for (const auto& record : page.records) {
        noteProblems(record);
        for (const auto& child : record.children) noteProblems(child);
        if (record.updatedAt) {
            if (usableForCursor(*record.updatedAt, now)) {
                if (!maxSeen_ || *record.updatedAt > *maxSeen_) maxSeen_ = record.updatedAt;
            } else {
                spdlog::warn("{} {}: updated_at {} is in the future; it does not move the cursor", schema_.recordType,
                             record.id, formatTimestamp(*record.updatedAt));
            }
        }
    }
    return {};
}

Result<StreamPass::Walk> StreamPass::walk(const PassPlan& plan, std::stop_token stop, store::SyncRun& run) {
    Walk walk;
    ++run.counters.walks;
    if (auto begun = env_.writer.beginWalk(); !begun) return std::move(begun).error();
    telnyx::ListQuery query;
    query.updatedSince = plan.updatedSince;
    query.pageSize = env_.options.pageSize;
    // Rooms come with their sessions (include_sessions=true); sessions and
    // participants have listings of their own, which the other streams walk.
    query.includeChildren = schema_.stream == model::Stream::Rooms;
    auto fetch = [&](std::int64_t page, std::stop_token token) {
        telnyx::ListQuery q = query;
        q.pageNumber = page;
        return env_.source.listPage(schema_, q, token);
    };

    auto first = fetch(1, stop);
    if (!first) return std::move(first).error();
    std::int64_t seenBefore = env_.writer.walkSeenCount();
    if (auto ok = consume(*first, walk, run); !ok) return std::move(ok).error();
    bool advanced = env_.writer.walkSeenCount() > seenBefore;
    // -1: the response gave no page count.
    std::int64_t totalPages = first->meta && first->meta->totalPages ? *first->meta->totalPages : -1;

    if (first->elementCount == 0) {
        // An empty first page: an empty listing, unless the meta says otherwise.
        walk.complete = totalPages <= 1;
        return walk;
    }
    if (!advanced && totalPages < 0) return walk; // nothing usable and no page count to go on
    if (totalPages >= 0) {
        // Concurrent requests, never past the page count the first page gave.
        walk.complete = totalPages <= kMaxPages;
        std::int64_t last = std::min(totalPages, kMaxPages);
        PagePipeline pipeline(fetch, 2, last, env_.options.maxInFlight, stop);
        while (auto delivery = pipeline.next()) {
            if (!delivery->result) {
                pipeline.stop();
                return std::move(delivery->result).error();
            }
            const telnyx::ListPage& page = *delivery->result;
            std::int64_t before = env_.writer.walkSeenCount();
            if (auto ok = consume(page, walk, run); !ok) {
                pipeline.stop();
                return std::move(ok).error();
            }
            if (env_.writer.walkSeenCount() == before) {
                // A page that does not advance ends the walk; if it is not the
                // last page, what came after it was not seen.
                pipeline.limitTo(delivery->page);
                if (delivery->page < last) {
                    walk.complete = false;
                    spdlog::warn("{}: page {} of {} brought no new record; stopping this walk there", schema_.name,
                                 delivery->page, last);
                }
            }
        }
        if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped");
        return walk;
    }
    // No pagination meta: one page after another until one brings nothing new.
    for (std::int64_t page = 2; page <= kMaxPages; ++page) {
        auto next = fetch(page, stop);
        if (!next) return std::move(next).error();
        std::int64_t before = env_.writer.walkSeenCount();
        if (auto ok = consume(*next, walk, run); !ok) return std::move(ok).error();
        if (env_.writer.walkSeenCount() == before) {
            walk.complete = true;
            return walk;
        }
    }
    spdlog::warn("{}: the listing has no pagination meta and did not end after {} pages", schema_.name, kMaxPages);
    return walk;
}

Result<void> StreamPass::verifyUnseen(std::stop_token stop, store::SyncRun& run) {
    auto live = env_.writer.liveCount(schema_);
    if (!live) return std::move(live).error();
    std::int64_t seen = env_.writer.walkSeenCount();
    std::int64_t checked = 0;
    // Ask about each unseen record; a listing that lost most of the account is
    // suspicious rather than evidence, so past this many it is left alone.
    std::int64_t budget = std::max<std::int64_t>(1000, *live / 2);
    while (true) {
        auto ids = env_.writer.unseenLiveIds(schema_, kVerifyBatch);
        if (!ids) return std::move(ids).error();
        if (ids->empty()) return {};
        if (checked == 0 && *live > seen + budget) {
            ++run.counters.errors;
            spdlog::error("{}: the full listing showed {} records but the mirror holds {} live ones; not checking "
                          "the missing ones for deletion this time",
                          schema_.name, seen, *live);
            return {};
        }
        for (const auto& id : *ids) {
            if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped");
            if (checked++ >= budget) {
                ++run.counters.errors;
                spdlog::warn("{}: checked {} unseen records for deletion; the rest wait for the next reconcile",
                             schema_.name, budget);
                return {};
            }
            auto found = env_.source.getRecord(schema_, id, stop);
            if (!found) {
                if (isFatal(found.error())) return std::move(found).error();
                ++run.counters.errors;
                spdlog::warn("{} {}: could not check whether upstream still has it: {}", schema_.recordType, id,
                             found.error().message);
                if (auto ok = env_.writer.markSeen(id); !ok) return std::move(ok).error();
                continue;
            }
            if (!*found) {
                auto marked = env_.writer.markDeleted(schema_, id, env_.clock());
                if (!marked) return std::move(marked).error();
                if (*marked) {
                    ++run.counters.deleted;
                    spdlog::info("{} {}: deleted upstream", schema_.recordType, id);
                }
                continue;
            }
            // Upstream has it: the listing skipped it while records moved.
            model::MirrorRecord record = std::move(**found);
            if (record.id != id) {
                ++run.counters.errors;
                spdlog::warn("{} {}: GET by id answered a record with id {}", schema_.recordType, id, record.id);
                if (auto ok = env_.writer.markSeen(id); !ok) return std::move(ok).error();
                continue;
            }
            auto written = env_.writer.upsertPage(std::span(&record, 1), env_.clock());
            if (!written) return std::move(written).error();
            ++run.counters.recordsSeen;
            run.counters.inserted += written->counts.inserted;
            run.counters.updated += written->counts.updated;
            run.counters.unchanged += written->counts.unchanged;
        }
    }
}

PassReport StreamPass::run(std::stop_token stop) {
    PassReport report;
    store::SyncRun& run = report.run;
    run.stream = std::string(schema_.name);
    Timestamp started = env_.clock();
    run.startedAt = started;
    telnyx::SourceCounters before = env_.source.counters();

    auto state = env_.state.load(run.stream);
    PassPlan plan;
    Result<void> outcome;
    bool stable = true;
    if (!state) {
        outcome = std::move(state).error();
    } else {
        plan = planPass(*state, started, env_.options);
        run.mode = plan.mode;
        run.cursorBefore = state->cursor;
        run.filterDate = plan.updatedSince;
        spdlog::info("{}: {} pass{}", schema_.name, store::toString(run.mode),
                     plan.updatedSince ? " of records updated since " + formatDate(*plan.updatedSince) : "");
        for (int attempt = 1; attempt <= kMaxWalks; ++attempt) {
            auto walked = walk(plan, stop, run);
            if (!walked) {
                outcome = std::move(walked).error();
                break;
            }
            stable = walked->complete && !walked->moved(env_.writer.walkSeenCount());
            if (plan.full()) {
                if (walked->complete)
                    outcome = verifyUnseen(stop, run);
                else
                    spdlog::warn("{}: the full listing did not complete; no deletion check this time", schema_.name);
                stable = walked->complete;
                break;
            }
            if (stable) break;
            spdlog::info("{}: the listing moved during walk {} (saw {} of {} records)", schema_.name, attempt,
                         env_.writer.walkSeenCount(), walked->claimedTotal);
        }
    }
    run.mode = plan.mode;

    telnyx::SourceCounters after = env_.source.counters();
    run.counters.requests = static_cast<std::int64_t>(after.requests - before.requests);
    run.counters.retries = static_cast<std::int64_t>(after.retries - before.retries);
    run.counters.errors += static_cast<std::int64_t>(after.failed - before.failed);

    Timestamp finished = env_.clock();
    run.finishedAt = finished;
    std::optional<store::StreamState> newState;
    if (outcome) {
        run.outcome = stable ? store::PassOutcome::Ok : store::PassOutcome::Held;
        if (!stable) run.message = "the listing moved or did not complete; the cursor stays for the next pass";
        store::StreamState next = state ? *state : store::StreamState{};
        if (stable) next.cursor = advanceCursor(next.cursor, maxSeen_);
        if (plan.full() && stable) next.lastFullAt = finished;
        next.lastSuccessAt = finished;
        run.cursorAfter = next.cursor;
        newState = next;
    } else {
        const Error& e = outcome.error();
        run.outcome = e.kind == ErrorKind::Cancelled ? store::PassOutcome::Cancelled : store::PassOutcome::Failed;
        run.message = e.message;
        run.cursorAfter = run.cursorBefore;
        report.error = e;
    }
    Timestamp pruneBefore{finished.micros -
                          static_cast<std::int64_t>(env_.options.syncRunsRetentionDays) * 86400 * kMicrosPerSecond};
    if (auto recorded = env_.state.recordPass(run, newState, pruneBefore); !recorded) {
        spdlog::error("{}: {}", schema_.name, recorded.error().message);
        if (!report.error) report.error = recorded.error();
        run.outcome = store::PassOutcome::Failed;
        run.message = recorded.error().message;
    }
    double seconds = static_cast<double>(finished.micros - started.micros) / 1e6;
    const store::RunCounters& n = run.counters;
    LogFieldScope fields{{"STREAM", run.stream},
                         {"MODE", std::string(store::toString(run.mode))},
                         {"OUTCOME", std::string(store::toString(run.outcome))},
                         {"RECORDS", std::to_string(n.recordsSeen)},
                         {"DURATION_MS", std::to_string((finished.micros - started.micros) / 1000)},
                         {"REQUESTS", std::to_string(n.requests)}};
    if (report.error && report.error->kind != ErrorKind::Cancelled) {
        spdlog::error("{}: {} pass failed after {:.1f}s: {}", schema_.name, store::toString(run.mode), seconds,
                      run.message);
    } else {
        std::string embedded = n.embeddedWritten > 0 && schema_.child != nullptr
                                   ? fmt::format(", {} embedded {} written", n.embeddedWritten, schema_.child->name)
                                   : std::string();
        spdlog::info("{}: {} pass {} in {:.1f}s: {} requests, {} pages, {} records ({} new, {} updated, {} unchanged, "
                     "{} deleted){}, {} errors",
                     schema_.name, store::toString(run.mode), store::toString(run.outcome), seconds, n.requests,
                     n.pages, n.recordsSeen, n.inserted, n.updated, n.unchanged, n.deleted, embedded, n.errors);
    }
    return report;
}

} // namespace roomsd::sync
