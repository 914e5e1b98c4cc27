// The terminal table and CSV outputs (ctl's TextTable and csvField, so values are
// escaped and quoted the way every roomsctl output does it).
// Thread-safety: pure functions.
#include <string>

#include "ctl/table.hpp"
#include "ctl/text.hpp"
#include "report/cells.hpp"
#include "report/render.hpp"

namespace roomsd::report {

std::string renderText(std::span<const ReportOutcome> reports) {
    std::string out;
    for (const ReportOutcome& r : reports) {
        if (!out.empty()) out += '\n';
        const Period& p = r.bound.period;
        out += ctl::escapeForTerminal(r.definition->title) + ": " + formatDate(p.from) + " to " + formatDate(p.to) +
               " (UTC)" + (r.bound.room ? ", room " + ctl::escapeForTerminal(*r.bound.room) : std::string()) + "\n";
        for (const auto& [name, value] : r.bound.shownParams)
            out += name + " = " + ctl::escapeForTerminal(value.empty() ? "(none)" : value) + "\n";
        out += "mirror synced at " + r.table.syncedAt.value_or("never") + "\n\n";
        std::vector<std::string> headers;
        for (const std::string& c : r.table.columns) {
            std::string unit = r.definition->unitOf(c);
            headers.push_back(unit.empty() ? c : c + " (" + unit + ")");
        }
        ctl::TextTable table(headers);
        for (const auto& row : r.table.rows) {
            std::vector<std::string> cells;
            for (std::size_t i = 0; i < row.size(); ++i) {
                cells.push_back(plainCell(row[i]));
                if (isNumeric(row[i])) table.setAlign(i, ctl::Align::Right);
            }
            table.addRow(std::move(cells));
        }
        out += r.table.rows.empty() ? "(no rows)\n" : table.render();
    }
    return out;
}

std::string renderCsv(const ReportOutcome& report) {
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + ctl::csvField(cells[i]);
        out += "\r\n";
    };
    line(report.table.columns);
    for (const auto& row : report.table.rows) {
        std::vector<std::string> cells;
        for (const auto& v : row) cells.push_back(plainCell(v));
        line(cells);
    }
    return out;
}

} // namespace roomsd::report
