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
    nulls_.emplace_back(headers_.size(), false);
}

void TextTable::addCells(std::vector<std::optional<std::string>> cells) {
    cells.resize(headers_.size(), std::string());
    std::vector<std::string> texts;
    std::vector<bool> nulls;
    for (auto& cell : cells) {
        nulls.push_back(!cell.has_value());
        texts.push_back(cell ? escapeForTerminal(*cell) : nullText_);
    }
    rows_.push_back(std::move(texts));
    nulls_.push_back(std::move(nulls));
}

void TextTable::setNullMarker(std::string text, bool dim) {
    nullText_ = escapeForTerminal(text);
    dimNull_ = dim;
}

std::string TextTable::render() const {
    std::vector<std::size_t> widths(headers_.size());
    for (std::size_t c = 0; c < headers_.size(); ++c) {
        widths[c] = displayWidth(headers_[c]);
        for (const auto& row : rows_) widths[c] = std::max(widths[c], displayWidth(row[c]));
    }
    std::string out;
    auto appendLine = [&](const std::vector<std::string>& cells, const std::vector<bool>* nulls = nullptr) {
        std::string line;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c > 0) line += kGap;
            std::string padding(widths[c] - displayWidth(cells[c]), ' ');
            std::string cell = cells[c];
            if (dimNull_ && nulls != nullptr && (*nulls)[c]) cell = "\x1b[2m" + cell + "\x1b[0m";
            if (aligns_[c] == Align::Right) {
                line += padding + cell;
            } else {
                line += cell + padding;
            }
        }
        trimTrailingSpaces(line);
        out += line + '\n';
    };
    appendLine(headers_);
    std::vector<std::string> rule;
    for (std::size_t width : widths) rule.emplace_back(width, '-');
    appendLine(rule);
    for (std::size_t r = 0; r < rows_.size(); ++r) appendLine(rows_[r], &nulls_[r]);
    return out;
}

} // namespace roomsd::ctl
