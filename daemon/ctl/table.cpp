#include "ctl/table.hpp"

#include <algorithm>

#include "ctl/text.hpp"

namespace roomsd::ctl {
namespace {

constexpr std::string_view kGap = "  ";

void trimTrailingSpaces(std::string& line) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
}

} // namespace

TextTable::TextTable(std::vector<std::string> headers) : aligns_(headers.size(), Align::Left) {
    headers_.reserve(headers.size());
    for (const auto& h : headers) headers_.push_back(escapeForTerminal(h));
}

void TextTable::setAlign(std::size_t column, Align align) {
    if (column < aligns_.size()) aligns_[column] = align;
}

void TextTable::addRow(std::vector<std::string> cells) {
    cells.resize(headers_.size());
    for (auto& cell : cells) cell = escapeForTerminal(cell);
    rows_.push_back(std::move(cells));
}

std::string TextTable::render() const {
    std::vector<std::size_t> widths(headers_.size());
    for (std::size_t c = 0; c < headers_.size(); ++c) {
        widths[c] = displayWidth(headers_[c]);
        for (const auto& row : rows_) widths[c] = std::max(widths[c], displayWidth(row[c]));
    }
    std::string out;
    auto appendLine = [&](const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c > 0) line += kGap;
            std::string padding(widths[c] - displayWidth(cells[c]), ' ');
            if (aligns_[c] == Align::Right) {
                line += padding + cells[c];
            } else {
                line += cells[c] + padding;
            }
        }
        trimTrailingSpaces(line);
        out += line + '\n';
    };
    appendLine(headers_);
    std::vector<std::string> rule;
    for (std::size_t width : widths) rule.emplace_back(width, '-');
    appendLine(rule);
    for (const auto& row : rows_) appendLine(row);
    return out;
}

} // namespace roomsd::ctl
