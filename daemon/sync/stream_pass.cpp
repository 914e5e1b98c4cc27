#include "sync/stream_pass.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "common/log_fields.hpp"
#include "sync/page_pipeline.hpp"
#include "telnyx/client.hpp"

namespace roomsd::sync {
namespace {

// A cached page is replayed only when at most this many changes came after it.
constexpr std::int64_t kMaxChangesChecked = 20'000;
// Verification asks about unseen records in batches of this many ids.
constexpr std::size_t kVerifyBatch = 200;
// No walk goes past this many pages (250 million records at the largest page size),
// whatever meta.total_pages says, so a server that never stops cannot keep a pass going.
constexpr std::int64_t kMaxPages = 1'000'000;

bool isFatal(const Error& e) { return e.kind == ErrorKind::Auth || e.kind == ErrorKind::Cancelled; }

} // namespace

struct StreamPass::Walk {
    int number = 1;                  // 1 for the first walk of the pass
    Timestamp startedAt{};           // local clock
    bool complete = false;           // every page up to the end of the listing was read
    std::int64_t maxTotal = -1;      // the largest meta.total_results of its pages, -1 if never given
    std::int64_t minTotal = -1;      // the smallest
    std::int64_t maxTotalPages = -1; // the largest meta.total_pages
    std::int64_t pages = 0;          // pages read
    std::int64_t unusable = 0;       // data elements that could not be parsed into records
    std::int64_t createdDuring = 0;  // records created after it began (their being there shifted others)
    std::int64_t foundMissed = 0;    // records new to the pass that existed before it began
    // Set when the walk reads and fills the page cache (the first walk of an incremental pass):
    // the query its pages are asked with, and the cache's key of its page `page`.
    std::optional<telnyx::ListQuery> cacheQuery;
    std::string cacheKeyPrefix; // the query's request target, less the page number that follows
    std::string cacheKey(std::int64_t page) const { return cacheKeyPrefix + std::to_string(page); }

    // Why this walk may have missed a record, or empty when it cannot have.
    std::string doubt(std::int64_t seen) const {
        if (!complete) return "it did not complete";
        if (minTotal != maxTotal)
            return fmt::format("meta.total_results went from {} to {} while it ran", minTotal, maxTotal);
        if (maxTotal >= 0 && seen + unusable < maxTotal)
            return fmt::format("it saw {} of the {} records listed", seen + unusable, maxTotal);
        if (createdDuring > 0) return fmt::format("{} records were created while it ran", createdDuring);
        return {};
    }
    // Whether a re-walk settles the pass: it completed and found nothing earlier walks had
    // missed, and the pass has seen as many records as the listing held at its smallest.
    bool settles(std::int64_t passSeen) const {
        return number > 1 && complete && foundMissed == 0 && (minTotal < 0 || passSeen + unusable >= minTotal);
    }
};

namespace {

// When `record` came to be, by its schema's creation field.
std::optional<Timestamp> createdAt(const model::MirrorRecord& record) {
    const auto* text = std::get_if<std::string>(&record.value(record.schema->createdField));
    return text ? parseTimestamp(*text) : std::nullopt;
}

} // namespace

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
    notePage(page.meta, walk, run, now);
    walk.unusable += static_cast<std::int64_t>(page.elementCount - page.records.size());
    auto newToPass = written->newToPass.begin(); // ascending indexes into the page
    for (std::size_t i = 0; i < page.records.size(); ++i) {
        auto created = createdAt(page.records[i]);
        if (created && created->micros >= walk.startedAt.micros - kCreationSkewMicros) ++walk.createdDuring;
        if (newToPass == written->newToPass.end() || *newToPass != i) continue;
        ++newToPass;
        // Evidence that an earlier walk missed it only when it surely existed before the pass:
        // one created about when the pass began may have come while it ran.
        if (walk.number > 1 && (!created || created->micros < passStart_.micros - kCreationSkewMicros))
            ++walk.foundMissed;
    }
    if (schema_.parentFollowsChildren) {
        for (std::size_t i : written->written) {
            const model::MirrorRecord& child = page.records[i];
            const auto* parent = std::get_if<std::string>(&child.value(schema_.parentField));
            if (parent == nullptr || !child.updatedAt) continue;
            auto it = parentsTouched_.find(*parent);
            if (it != parentsTouched_.end()) {
                if (*child.updatedAt > it->second) it->second = *child.updatedAt;
            } else if (parentsTouched_.size() < kMaxParentRereads) {
                parentsTouched_.emplace(*parent, *child.updatedAt);
            } else {
                parentsOverflow_ = true;
            }
        }
    }
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

void StreamPass::notePage(const std::optional<telnyx::PageMeta>& meta, Walk& walk, const store::SyncRun& run,
                          Timestamp now) {
    if (meta && meta->totalPages) walk.maxTotalPages = std::max(walk.maxTotalPages, *meta->totalPages);
    ++walk.pages;
    noteProgress(walk, run, now);
    if (meta && meta->totalResults) {
        std::int64_t total = *meta->totalResults;
        walk.maxTotal = std::max(walk.maxTotal, total);
        walk.minTotal = walk.minTotal < 0 ? total : std::min(walk.minTotal, total);
    }
}

Result<void> StreamPass::take(telnyx::ListPage& page, std::int64_t number, Walk& walk, store::SyncRun& run) {
    std::string target = walk.cacheQuery ? walk.cacheKey(number) : std::string();
    if (page.unparsed) {
        std::optional<CachedPage> cached;
        if (walk.cacheQuery) cached = env_.pages->find(target);
        if (cached && cached->digest == page.digest) {
            auto replayed = replay(*cached, walk, run);
            if (!replayed) return std::move(replayed).error();
            if (*replayed) {
                ++replayedPages_;
                // What the walk reads of a page besides its records.
                page.meta = cached->meta;
                page.elementCount = cached->count;
                return {};
            }
        }
        // Its records changed since, or its entry went: read it after all.
        auto parsed = telnyx::parseListPage(schema_, page.body);
        if (!parsed) return std::move(parsed).error();
        parsed->digest = page.digest;
        page = std::move(*parsed);
    }
    if (auto ok = consume(page, walk, run); !ok) return ok;
    if (walk.cacheQuery && page.digest) stageCached(page, std::move(target));
    return {};
}

Result<bool> StreamPass::replay(const CachedPage& cached, Walk& walk, store::SyncRun& run) {
    // A record created about when the walk began counts as created during it (consume()): such a
    // page is read the long way.
    if (cached.maxCreated && cached.maxCreated->micros >= walk.startedAt.micros - kCreationSkewMicros) return false;
    auto changed = env_.writer.idsChangedAfter(schema_, cached.changeSeq, kMaxChangesChecked);
    if (!changed) return std::move(changed).error();
    if (!*changed) return false;
    if (!(*changed)->empty()) {
        std::set<std::string_view> ids((*changed)->begin(), (*changed)->end());
        bool touched = false;
        cached.forEachId([&](std::string_view id) { touched = touched || ids.contains(id); });
        if (touched) return false;
    }
    Timestamp now = env_.clock();
    if (cached.maxUpdated && !usableForCursor(*cached.maxUpdated, now)) return false;
    // What consume() would have found: every record unchanged, each seen by this walk.
    std::optional<Error> failed;
    cached.forEachId([&](std::string_view id) {
        if (failed) return;
        if (auto ok = env_.writer.markSeen(id); !ok) failed = std::move(ok).error();
    });
    if (failed) return std::move(*failed);
    store::RunCounters& n = run.counters;
    auto count = static_cast<std::int64_t>(cached.count);
    ++n.pages;
    n.unchanged += count;
    n.recordsSeen += count;
    notePage(cached.meta, walk, run, now);
    if (cached.maxUpdated && (!maxSeen_ || *cached.maxUpdated > *maxSeen_)) maxSeen_ = cached.maxUpdated;
    return true;
}

void StreamPass::stageCached(const telnyx::ListPage& page, std::string target) {
    // Only a clean page: replaying one that is not would lose its warnings and error counts.
    if (!page.rejected.empty() || page.elementCount != page.records.size()) return;
    CachedPage cached;
    cached.digest = *page.digest;
    cached.meta = page.meta;
    Timestamp now = env_.clock();
    for (const auto& record : page.records) {
        if (!record.problems.empty() || !record.children.empty()) return;
        if (record.updatedAt) {
            if (!usableForCursor(*record.updatedAt, now)) return;
            if (!cached.maxUpdated || *record.updatedAt > *cached.maxUpdated) cached.maxUpdated = record.updatedAt;
        }
        if (auto created = createdAt(record); created && (!cached.maxCreated || *created > *cached.maxCreated))
            cached.maxCreated = created;
        cached.ids += record.id;
        cached.ids += '\n';
    }
    cached.count = page.records.size();
    auto seq = env_.writer.lastChangeSeq();
    if (!seq) return; // not cached; the page itself was written
    cached.changeSeq = *seq;
    env_.pages->stage(schema_.name, std::move(target), std::move(cached));
}

Result<StreamPass::Walk> StreamPass::walk(const PassPlan& plan, int number, std::stop_token stop, store::SyncRun& run) {
    Walk walk;
    walk.number = number;
    walk.startedAt = env_.clock();
    if (env_.progress) env_.progress->beginWalk(number, walk.startedAt);
    ++run.counters.walks;
    if (number == 1) {
        if (auto begun = env_.writer.beginPass(plan.full()); !begun) return std::move(begun).error();
    } else {
        env_.writer.beginWalk();
    }
    telnyx::ListQuery query;
    query.updatedSince = plan.updatedSince;
    query.pageSize = env_.options.pageSize;
    // Children are not asked for (no include_sessions): sessions and participants have
    // listings of their own, which their streams walk, so an embedded copy would only be
    // parsed and compared a second time. A child a server sends all the same is written.
    query.includeChildren = false;
    // Only the first walk of an incremental pass: a full pass reads every page of the account
    // (too many to keep), and a re-walk must tell which records are new to the pass.
    if (env_.pages != nullptr && !plan.full() && number == 1) {
        walk.cacheQuery = query;
        walk.cacheQuery->digest = true;
        // Computed once: a request target is percent-encoded parameter by parameter.
        walk.cacheKeyPrefix = telnyx::listRequestTarget(schema_, query) + " page ";
    }
    auto fetch = [&](std::int64_t page, std::stop_token token) {
        telnyx::ListQuery q = walk.cacheQuery.value_or(query);
        q.pageNumber = page;
        if (walk.cacheQuery) {
            q.knownDigest = env_.pages->digestFor(walk.cacheKey(page));
        }
        return env_.source.listPage(schema_, q, token);
    };

    auto first = fetch(1, stop);
    if (!first) return std::move(first).error();
    std::int64_t seenBefore = env_.writer.walkSeenCount();
    if (auto ok = take(*first, 1, walk, run); !ok) return std::move(ok).error();
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
        // Concurrent requests, never past the page count the pages gave. A listing that grows
        // while it is walked (records created, or moved to its end) pushes records past the
        // count the first page gave: the walk goes on to the largest count any page gave.
        walk.complete = true;
        bool ended = false; // an empty page, or one that did not advance
        std::int64_t from = 2;
        std::int64_t last = std::min(totalPages, kMaxPages);
        while (!ended && from <= last) {
            PagePipeline pipeline(fetch, from, last, env_.options.maxInFlight, stop);
            while (auto delivery = pipeline.next()) {
                if (!delivery->result) {
                    pipeline.stop();
                    return std::move(delivery->result).error();
                }
                telnyx::ListPage& page = *delivery->result;
                std::int64_t before = env_.writer.walkSeenCount();
                if (auto ok = take(page, delivery->page, walk, run); !ok) {
                    pipeline.stop();
                    return std::move(ok).error();
                }
                if (page.elementCount == 0) {
                    // An empty page: the listing ends before the page count it gave (records
                    // went while the walk ran, or the count was wrong); the totals tell which.
                    pipeline.limitTo(delivery->page);
                    ended = true;
                } else if (env_.writer.walkSeenCount() == before) {
                    // A page of records already seen does not advance: the walk stops there,
                    // and if it is not the last page, what came after it was not seen.
                    pipeline.limitTo(delivery->page);
                    ended = true;
                    if (delivery->page < last) {
                        walk.complete = false;
                        spdlog::warn("{}: page {} of {} brought no new record; stopping this walk there", schema_.name,
                                     delivery->page, last);
                    }
                }
            }
            if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped");
            from = last + 1;
            last = std::min(walk.maxTotalPages, kMaxPages);
        }
        if (walk.maxTotalPages > kMaxPages) walk.complete = false;
        return walk;
    }
    // No pagination meta: one page after another until one brings nothing new.
    for (std::int64_t page = 2; page <= kMaxPages; ++page) {
        auto next = fetch(page, stop);
        if (!next) return std::move(next).error();
        std::int64_t before = env_.writer.walkSeenCount();
        if (auto ok = take(*next, page, walk, run); !ok) return std::move(ok).error();
        if (next->elementCount == 0) {
            walk.complete = true; // an empty page: the end of the listing
            return walk;
        }
        if (env_.writer.walkSeenCount() == before) {
            // A page of records already seen: the server did not move on (page[number]
            // ignored, say). What lies beyond it was not read.
            spdlog::warn("{}: page {} of a listing without meta brought no new record; stopping this walk there",
                         schema_.name, page);
            return walk;
        }
    }
    spdlog::warn("{}: the listing has no pagination meta and did not end after {} pages", schema_.name, kMaxPages);
    return walk;
}

Result<bool> StreamPass::reread(const model::RecordSchema& schema, const std::string& id, std::stop_token stop,
                                store::SyncRun& run, store::WriteCounts& written) {
    return applyReread(schema, id, env_.source.getRecord(schema, id, stop), run, written);
}

Result<bool> StreamPass::applyReread(const model::RecordSchema& schema, const std::string& id,
                                     Result<std::optional<model::MirrorRecord>> found, store::SyncRun& run,
                                     store::WriteCounts& written) {
    if (!found) {
        if (isFatal(found.error())) return std::move(found).error();
        ++run.counters.errors;
        spdlog::warn("{} {}: could not ask upstream about it: {}", schema.recordType, id, found.error().message);
        return false;
    }
    if (!*found) {
        auto marked = env_.writer.markDeleted(schema, id, env_.clock());
        if (!marked) return std::move(marked).error();
        if (*marked) {
            ++run.counters.deleted;
            spdlog::info("{} {}: deleted upstream", schema.recordType, id);
        }
        if (auto committed = env_.writer.commitIfDue(); !committed) return std::move(committed).error();
        return true;
    }
    model::MirrorRecord record = std::move(**found);
    if (record.id != id) {
        ++run.counters.errors;
        spdlog::warn("{} {}: GET by id answered a record with id {}", schema.recordType, id, record.id);
        return false;
    }
    auto page = env_.writer.upsertPage(std::span(&record, 1), env_.clock());
    if (!page) return std::move(page).error();
    written += page->counts;
    return true;
}

void StreamPass::trimChanges(Timestamp now) {
    store::ChangeRetention policy{.days = env_.options.changesRetainDays, .count = env_.options.changesRetainCount};
    // Each round is a transaction of its own, so readers and consumers' acks get their turn; what
    // the rounds leave is trimmed after the next pass.
    constexpr int kMaxRounds = 20;
    std::int64_t deleted = 0;
    for (int round = 0; round < kMaxRounds; ++round) {
        auto trimmed = env_.writer.trimChanges(policy, now);
        if (!trimmed) {
            spdlog::warn("{}: {}", schema_.name, trimmed.error().message);
            return;
        }
        deleted += trimmed->deleted;
        if (trimmed->deleted < policy.maxPerTrim) break;
    }
    if (deleted > 0) spdlog::debug("{}: trimmed {} changes from the change log", schema_.name, deleted);
}

void StreamPass::noteProgress(const Walk& walk, const store::SyncRun& run, Timestamp now) {
    std::int64_t requests = static_cast<std::int64_t>(env_.source.counters().requests - sourceBefore_.requests);
    if (env_.progress) env_.progress->page(walk.maxTotalPages, run.counters.recordsSeen, requests);
    // A line every few seconds while a long pass runs; none for a short one.
    if (now.micros - lastProgressLog_.micros < kProgressLogMicros) return;
    lastProgressLog_ = now;
    double seconds = static_cast<double>(now.micros - passStart_.micros) / 1e6;
    std::string of = walk.maxTotalPages >= 0 ? fmt::format(" of {}", walk.maxTotalPages) : std::string();
    spdlog::info("{}: {} pass, walk {}: {} pages{}, {} records, {} requests, {:.0f} records/s", schema_.name,
                 store::toString(run.mode), walk.number, walk.pages, of, run.counters.recordsSeen, requests,
                 seconds > 0 ? static_cast<double>(run.counters.recordsSeen) / seconds : 0.0);
}

Result<void> StreamPass::verifyUnseen(std::stop_token stop, store::SyncRun& run) {
    if (env_.progress) env_.progress->checking();
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
            // Upstream may still have it: the listing skipped it while records moved.
            store::WriteCounts written;
            auto answered = reread(schema_, id, stop, run, written);
            if (!answered) return std::move(answered).error();
            if (!*answered) {
                // Not answered: left alone, and not asked again in this pass.
                if (auto ok = env_.writer.markSeen(id); !ok) return std::move(ok).error();
                continue;
            }
            std::int64_t found = written.inserted + written.updated + written.unchanged;
            run.counters.recordsSeen += found;
            run.counters.inserted += written.inserted;
            run.counters.updated += written.updated;
            run.counters.unchanged += written.unchanged;
        }
    }
}

Result<void> StreamPass::refreshParents(std::stop_token stop, store::SyncRun& run) {
    const model::RecordSchema* parent = model::parentOf(schema_);
    if (parent == nullptr || parentsTouched_.empty()) return {};
    if (parentsOverflow_)
        spdlog::warn("{}: more than {} {} have changed {}; the rest are re-read when they next change", schema_.name,
                     kMaxParentRereads, parent->name, schema_.name);
    std::vector<std::string> ids;
    for (const auto& [id, childUpdated] : parentsTouched_) {
        if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped");
        // A parent written after its child last changed (with skew to spare) already shows the change.
        auto last = env_.writer.lastWritten(*parent, id);
        if (!last) return std::move(last).error();
        if (!*last || (*last)->micros - kParentSkewMicros > childUpdated.micros) continue;
        ids.push_back(id);
    }
    auto asked = static_cast<std::int64_t>(ids.size());
    store::WriteCounts written;
    // Asked max_in_flight at a time, as pages are (one by one, a few hundred of them cost as many
    // round trips); each answer is written in the order it comes.
    FetchPipeline<std::optional<model::MirrorRecord>> pipeline(
        [&](std::int64_t n, std::stop_token token) {
            return env_.source.getRecord(*parent, ids[static_cast<std::size_t>(n - 1)], token);
        },
        1, asked, env_.options.maxInFlight, stop);
    while (auto delivery = pipeline.next()) {
        const std::string& id = ids[static_cast<std::size_t>(delivery->page - 1)];
        auto answered = applyReread(*parent, id, std::move(delivery->result), run, written);
        if (!answered) {
            pipeline.stop();
            return std::move(answered).error();
        }
    }
    if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped");
    if (asked > 0)
        spdlog::info("{}: re-read {} {} whose {} changed: {} updated", schema_.name, asked, parent->name, schema_.name,
                     written.updated + written.inserted);
    return {};
}

PassReport StreamPass::run(std::stop_token stop, bool reconcile) {
    PassReport report;
    store::SyncRun& run = report.run;
    run.stream = std::string(schema_.name);
    Timestamp started = env_.clock();
    run.startedAt = started;
    passStart_ = started;
    lastProgressLog_ = started; // the first progress line comes a few seconds in
    telnyx::SourceCounters before = env_.source.counters();
    sourceBefore_ = before;
    // Whatever way the pass ends, it is no longer in progress.
    struct ProgressEnd {
        PassProgress* progress;
        ~ProgressEnd() {
            if (progress) progress->end();
        }
    } progressEnd{env_.progress};

    auto state = env_.state.load(run.stream);
    PassPlan plan;
    Result<void> outcome;
    bool stable = true;
    std::string heldBecause;
    if (!state) {
        outcome = std::move(state).error();
    } else {
        plan = planPass(*state, started, env_.options, reconcile);
        run.mode = plan.mode;
        if (env_.progress) env_.progress->begin(run.stream, plan.mode, started);
        run.cursorBefore = state->cursor;
        run.filterDate = plan.updatedSince;
        spdlog::info("{}: {} pass{}", schema_.name, store::toString(run.mode),
                     plan.updatedSince ? " of records updated since " + formatDate(*plan.updatedSince) : "");
        std::string doubt;
        for (int number = 1; number <= kMaxWalks; ++number) {
            auto walked = walk(plan, number, stop, run);
            // What the walk wrote is committed (also when it failed part-way: those pages were right).
            if (auto flushed = env_.writer.flush(); !flushed && walked) walked = std::move(flushed).error();
            // The pages it cached are usable once their writes are committed.
            if (env_.pages != nullptr && walked && walked->cacheQuery) env_.pages->commit(schema_.name);
            if (env_.pages != nullptr && !walked) env_.pages->discard(schema_.name);
            if (!walked) {
                outcome = std::move(walked).error();
                break;
            }
            doubt = walked->doubt(env_.writer.walkSeenCount());
            if (doubt.empty() || walked->settles(env_.writer.passSeenCount())) {
                doubt.clear();
                break;
            }
            if (walked->foundMissed > 0)
                doubt += fmt::format("; it found {} records that earlier walks had missed", walked->foundMissed);
            spdlog::info("{}: walk {} of the listing may have missed records ({}){}", schema_.name, number, doubt,
                         number < kMaxWalks ? "; walking it again" : "");
        }
        stable = outcome && doubt.empty();
        if (outcome && plan.full()) {
            if (stable)
                outcome = verifyUnseen(stop, run);
            else
                spdlog::warn("{}: the full listing did not settle; no deletion check this time", schema_.name);
        }
        if (outcome) outcome = refreshParents(stop, run);
        if (!stable) heldBecause = doubt;
    }
    // The pages still pending are committed before, and apart from, the cursor.
    if (auto flushed = env_.writer.flush(); !flushed) {
        if (outcome) {
            outcome = std::move(flushed).error();
        } else {
            spdlog::error("{}: {}", schema_.name, flushed.error().message);
        }
    }
    run.mode = plan.mode;

    telnyx::SourceCounters after = env_.source.counters();
    run.counters.requests = static_cast<std::int64_t>(after.requests - before.requests);
    run.counters.retries = static_cast<std::int64_t>(after.retries - before.retries);
    // Errors are what made something fail or be skipped, counted where it happened (a record
    // left unchecked, an element rejected) or here (the failure that ended the pass). A request
    // retried into success is a retry, not an error; a stop is neither.
    if (!outcome && outcome.error().kind != ErrorKind::Cancelled) ++run.counters.errors;

    Timestamp finished = env_.clock();
    run.finishedAt = finished;
    std::optional<store::StreamState> newState;
    if (outcome) {
        run.outcome = stable ? store::PassOutcome::Ok : store::PassOutcome::Held;
        if (!stable)
            run.message = fmt::format("after {} walks the listing still moved ({}); the cursor stays for the next pass",
                                      run.counters.walks, heldBecause);
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
    trimChanges(finished);
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
        std::string replayed =
            replayedPages_ > 0 ? fmt::format(" ({} the same as last time, replayed)", replayedPages_) : std::string();
        spdlog::info("{}: {} pass {} in {:.1f}s: {} requests, {} pages{}, {} records ({} new, {} updated, {} "
                     "unchanged, {} deleted){}, {} errors",
                     schema_.name, store::toString(run.mode), store::toString(run.outcome), seconds, n.requests,
                     n.pages, replayed, n.recordsSeen, n.inserted, n.updated, n.unchanged, n.deleted, embedded,
                     n.errors);
    }
    return report;
}

} // namespace roomsd::sync
