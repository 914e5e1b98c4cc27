// WalkSeen: in memory (a pass without a deletion check) it answers what the table answers, and
// moves to the table when it holds too many ids or SQL is to read them.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/walk_seen.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::store;

namespace {

std::map<std::string, std::int64_t> tableRows(SQLite::Database& db) {
    std::map<std::string, std::int64_t> rows;
    SQLite::Statement q(db, "SELECT id, walk FROM temp.walk_seen");
    while (q.executeStep()) rows[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
    return rows;
}

struct Step {
    std::string id;
    std::int64_t walk;
};

// Ids drawn from a small set, walks that only go up, as a pass's walks do.
std::vector<Step> randomSteps(std::uint64_t seed, int count, std::uint64_t ids) {
    std::mt19937_64 rng(seed);
    std::vector<Step> steps;
    std::int64_t walk = 1;
    for (int i = 0; i < count; ++i) {
        if (rng() % 200 == 0) ++walk;
        steps.push_back({"id-" + std::to_string(rng() % ids), walk});
    }
    return steps;
}

} // namespace

TEST_CASE("in memory, the seen set answers as the table does, and moves to it past its bound") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    WalkSeen table(db);
    struct Case {
        std::size_t bound;
        int steps;
        std::uint64_t ids;
    };
    // Under the bound (the in-memory table grows several times for 6,000 ids), and past it.
    for (Case c : {Case{1000, 2000, 300}, Case{50, 2000, 300}, Case{100000, 30000, 6000}}) {
        std::size_t bound = c.bound;
        INFO("memory bound " << bound << ", " << c.ids << " ids");
        auto steps = randomSteps(bound, c.steps, c.ids);
        std::vector<std::pair<bool, bool>> expected;
        table.clear(true);
        for (const auto& s : steps) {
            auto n = table.add(s.id, s.walk);
            expected.emplace_back(n.toWalk, n.toPass);
        }
        auto expectedRows = tableRows(db);
        REQUIRE(expectedRows.size() > c.ids * 8 / 10);

        WalkSeen memory(db, bound);
        memory.clear(false);
        std::size_t differ = 0;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            auto n = memory.add(steps[i].id, steps[i].walk);
            if (n.toWalk != expected[i].first || n.toPass != expected[i].second) ++differ;
        }
        CHECK(differ == 0);
        // Under its bound it has written nothing to the table; past it, everything is there.
        if (bound >= expectedRows.size()) {
            CHECK(tableRows(db).empty());
            memory.toTable();
        }
        CHECK(tableRows(db) == expectedRows);
        // Once in the table it goes on there.
        CHECK(memory.add("id-new", 99).toPass);
        CHECK(tableRows(db).at("id-new") == 99);
    }
}

TEST_CASE("clear forgets every id, in memory and in the table") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    WalkSeen seen(db, 2);
    seen.clear(false);
    for (const char* id : {"a", "b", "c"}) CHECK(seen.add(id, 1).toPass);
    CHECK(tableRows(db).size() == 3); // past the bound of 2
    seen.clear(false);
    CHECK(tableRows(db).empty());
    CHECK(seen.add("a", 1).toPass);
    CHECK_FALSE(seen.add("a", 1).toWalk);
    CHECK(seen.add("a", 2).toWalk);
    CHECK_FALSE(seen.add("a", 2).toPass);
    CHECK(tableRows(db).empty()); // one id: still in memory
}
