#include "sync/page_cache.hpp"

namespace roomsd::sync {

std::optional<CachedPage> PageCache::find(const std::string& target) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(target);
    if (it == entries_.end()) return std::nullopt;
    it->second.used = true;
    return it->second.page;
}

std::optional<Digest128> PageCache::digestFor(const std::string& target) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(target);
    if (it == entries_.end()) return std::nullopt;
    it->second.used = true;
    return it->second.page.digest;
}

void PageCache::stage(std::string_view stream, std::string target, CachedPage page) {
    std::lock_guard lock(mutex_);
    if (ids_ + page.count > kMaxIds) return;
    ids_ += page.count;
    auto [it, inserted] = staged_.try_emplace(std::move(target));
    if (!inserted) ids_ -= it->second.page.count;
    it->second = Entry{std::string(stream), std::move(page), true};
}

void PageCache::commit(std::string_view stream) {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
        bool restaged = staged_.contains(it->first);
        if (it->second.stream == stream && (restaged || !it->second.used)) {
            ids_ -= it->second.page.count;
            it = entries_.erase(it);
        } else {
            if (it->second.stream == stream) it->second.used = false;
            ++it;
        }
    }
    for (auto it = staged_.begin(); it != staged_.end();) {
        if (it->second.stream != stream) {
            ++it;
            continue;
        }
        it->second.used = false;
        auto node = staged_.extract(it++);
        entries_.insert(std::move(node));
    }
}

void PageCache::discard(std::string_view stream) {
    std::lock_guard lock(mutex_);
    for (auto it = staged_.begin(); it != staged_.end();) {
        if (it->second.stream == stream) {
            ids_ -= it->second.page.count;
            it = staged_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& [target, entry] : entries_)
        if (entry.stream == stream) entry.used = false;
}

std::size_t PageCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

} // namespace roomsd::sync
