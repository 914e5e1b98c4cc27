// TextTable: rows of cells laid out in aligned columns for a terminal.
//
// Every header and cell goes through escapeForTerminal(), so no value can break
// a line or send a control sequence; widths are display widths, so wide (CJK)
// and combining characters stay aligned. Nothing is ever cut: a long value
// widens its column. A null cell shows a marker (sqlite3's .nullvalue), which only
// the table writes, so the marker's dimming is the one escape sequence it emits.
// Thread-safety: one owner per object.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace roomsd::ctl {

enum class Align { Left, Right };

class TextTable {
public:
    explicit TextTable(std::vector<std::string> headers);

    // Right-aligns (numbers) or left-aligns (text, the default) column `column`.
    void setAlign(std::size_t column, Align align);
    // Appends a row; missing cells are blank, extra cells are a bug and are dropped.
    void addRow(std::vector<std::string> cells);
    // addRow() where a nullopt cell is a null, shown as the null marker.
    void addCells(std::vector<std::optional<std::string>> cells);
    // What a null shows as ("NULL" unless set), dimmed (SGR 2) when `dim`, for a terminal:
    // then it cannot be taken for the text "NULL".
    void setNullMarker(std::string text, bool dim);
    std::size_t rowCount() const { return rows_.size(); }

    // The header, a rule of dashes under it and the rows, each line ending in '\n';
    // columns are two spaces apart and no line has trailing spaces.
    std::string render() const;

private:
    std::vector<std::string> headers_;
    std::vector<Align> aligns_;
    std::vector<std::vector<std::string>> rows_;
    std::vector<std::vector<bool>> nulls_; // parallel to rows_
    std::string nullText_ = "NULL";
    bool dimNull_ = false;
};

} // namespace roomsd::ctl
