"""The benchmark's one table: figure | measured | limit | target | met?, printed and as JSON.

The table prints as Markdown, so that a run can be pasted into the README as it is. "met" and
"not met" are worked out here from the numbers, never typed in; a row without a target says "-".
Not thread-safe: one Report per run.
"""


def fmt(value, unit):
    if value is None:
        return "-"
    if unit == "s":
        return "%.3f s" % value if value < 10 else "%.1f s" % value
    if unit == "ms":
        return "%.3f ms" % value if value < 10 else "%.1f ms" % value
    if unit == "us":
        return "%.2f µs" % value
    if unit == "MiB":
        return "%.1f MiB" % value
    if unit == "B":
        return "{:,.0f} B".format(value)
    if unit == "/s":
        return "{:,.0f}/s".format(value)
    return "{:,}".format(value) if isinstance(value, int) else "{:,.1f}".format(value)


def latency_text(fig):
    return "p50 %s / p99 %s, %s" % (fmt(fig["p50_ms"], "ms"), fmt(fig["p99_ms"], "ms"),
                                    fmt(fig["requests_per_s"], "/s"))


class Report:
    def __init__(self):
        self.rows = []
        self.notes = []
        self._section = ""

    def section(self, title):
        self._section = title

    def note(self, text):
        self.notes.append(text)

    def _add(self, figure, measured, value, unit, limit="-", limit_value=None, target="-", met=None,
             detail=None):
        self.rows.append({"section": self._section, "figure": figure, "measured": measured,
                          "value": value, "unit": unit, "limit": limit, "limit_value": limit_value,
                          "target": target, "met": met, "detail": detail})

    def info(self, figure, value, unit, limit="-", detail=None):
        """A figure shown beside its limit, with no target of its own."""
        self._add(figure, fmt(value, unit), value, unit, limit, None, "-", None, detail)

    def ratio(self, figure, value, unit, limit_value, factor, limit_text, detail=None):
        """Met when value <= factor x limit."""
        met = value <= factor * limit_value
        self._add(figure, fmt(value, unit), value, unit, limit_text, limit_value,
                  "<= %gx limit (%s)" % (factor, fmt(factor * limit_value, unit)), met, detail)

    def exact(self, figure, value, expected, target):
        self._add(figure, fmt(value, ""), value, "", fmt(expected, ""), expected, target, value == expected)

    def upto(self, figure, value, unit, limit_value, limit_text):
        self._add(figure, fmt(value, unit), value, unit, limit_text, limit_value, "<= limit",
                  value <= limit_value)

    def latency(self, figure, fig, limit=None, p99_under_ms=None, p50_under_ms=None, rps_at_least=None,
                target_note=""):
        """A query figure: p50 / p99 and requests/s, beside the in-process run of the same SQL."""
        targets, met = [], []
        if p99_under_ms is not None:
            targets.append("p99 < %g ms" % p99_under_ms)
            met.append(fig["p99_ms"] < p99_under_ms)
        if p50_under_ms is not None:
            targets.append("p50 < %g ms" % p50_under_ms)
            met.append(fig["p50_ms"] < p50_under_ms)
        if rps_at_least is not None:
            targets.append(">= {:,}/s".format(rps_at_least))
            met.append(fig["requests_per_s"] >= rps_at_least)
        target = ", ".join(targets) + (" " + target_note if targets and target_note else "")
        self._add(figure, latency_text(fig), fig, "query",
                  "in-process " + latency_text(limit) if limit else "-", limit, target or "-",
                  all(met) if met else None)

    def memory(self, figure, large_mib, small_mib, at_issue_size, detail=None):
        """Peak RSS at the large size: at most 64 MB, and within 10% of the small size's."""
        cap_mib = 64e6 / 2**20
        met = large_mib <= cap_mib and large_mib <= 1.1 * small_mib
        target = "<= 64 MB (%.1f MiB) and <= 1.1x limit" % cap_mib
        if not at_issue_size:
            target += " (the issue's size: 100,000 rooms)"
        self._add(figure, fmt(large_mib, "MiB"), large_mib, "MiB", "small size %s" % fmt(small_mib, "MiB"),
                  small_mib, target, met, detail)

    def print(self, out):
        header = ["figure", "measured", "limit", "target", "met?"]
        lines = [header]
        section = None
        for row in self.rows:
            if row["section"] != section:
                section = row["section"]
                lines.append(["**%s**" % section, "", "", "", ""])
            measured = row["measured"] + (" (%s)" % row["detail"] if row["detail"] else "")
            met = "-" if row["met"] is None else ("met" if row["met"] else "**not met**")
            lines.append([row["figure"], measured, row["limit"], row["target"], met])
        widths = [max(len(l[i]) for l in lines) for i in range(len(header))]

        def emit(cells):
            out.write("| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |\n")

        emit(lines[0])
        out.write("|" + "|".join("-" * (w + 2) for w in widths) + "|\n")
        for cells in lines[1:]:
            emit(cells)
        for note in self.notes:
            out.write("\nnote: %s\n" % note)
        out.flush()

    def as_json(self, args):
        return {"args": args, "rows": self.rows, "notes": self.notes,
                "met": sum(1 for r in self.rows if r["met"] is True),
                "not_met": sum(1 for r in self.rows if r["met"] is False)}
