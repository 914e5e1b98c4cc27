#include "common/secret.hpp"

namespace roomsd {

std::string redactSecret(std::string_view text, const Secret& secret) {
    constexpr std::string_view kMark = "[redacted]";
    const std::string& key = secret.reveal();
    if (key.empty()) return std::string(text);
    std::string out;
    out.reserve(text.size());
    std::size_t from = 0;
    for (auto at = text.find(key); at != std::string_view::npos; at = text.find(key, from)) {
        out.append(text.substr(from, at - from));
        out.append(kMark);
        from = at + key.size();
    }
    out.append(text.substr(from));
    return out;
}

} // namespace roomsd
