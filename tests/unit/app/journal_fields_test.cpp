// The journal sink's records: the fields one log record produces (MESSAGE, PRIORITY from the
// level, SYSLOG_IDENTIFIER, the thread's scoped fields), and when stderr counts as the journal.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "app/journal_sink.hpp"
#include "common/log_fields.hpp"

using namespace roomsd;
using Fields = std::vector<std::string>;

TEST_CASE("a record carries its message, its priority and roomsd's identifier") {
    CHECK(app::journalFields(spdlog::level::info, "rooms: pass ok", {}) ==
          Fields{"MESSAGE=rooms: pass ok", "PRIORITY=6", "SYSLOG_IDENTIFIER=roomsd"});
    CHECK(app::journalFields(spdlog::level::warn, "w", {})[1] == "PRIORITY=4");
    CHECK(app::journalFields(spdlog::level::err, "e", {})[1] == "PRIORITY=3");
    CHECK(app::journalFields(spdlog::level::critical, "c", {})[1] == "PRIORITY=2");
    CHECK(app::journalFields(spdlog::level::debug, "d", {})[1] == "PRIORITY=7");
    CHECK(app::journalFields(spdlog::level::trace, "t", {})[1] == "PRIORITY=7");
    // A message over several lines stays one field (sd_journal_sendv sends it length-prefixed).
    CHECK(app::journalFields(spdlog::level::info, "a\nb", {})[0] == "MESSAGE=a\nb");
}

TEST_CASE("the fields of the live scopes go with every record of their thread, and end with the scope") {
    {
        LogFieldScope pass{{"STREAM", "rooms"}, {"OUTCOME", "ok"}};
        {
            LogFieldScope inner{{"RECORDS", "12"}};
            CHECK(app::journalFields(spdlog::level::info, "m", currentLogFields()) ==
                  Fields{"MESSAGE=m", "PRIORITY=6", "SYSLOG_IDENTIFIER=roomsd", "STREAM=rooms", "OUTCOME=ok",
                         "RECORDS=12"});
        }
        CHECK(app::journalFields(spdlog::level::info, "m", currentLogFields()).size() == 5);
        // Another thread has fields of its own: none here.
        std::size_t other = 99;
        std::thread([&] { other = currentLogFields().size(); }).join();
        CHECK(other == 0);
    }
    CHECK(currentLogFields().empty());
}

TEST_CASE("a field whose key the journal would refuse or treat as trusted is dropped") {
    std::vector<LogField> fields{{"STREAM", "rooms"},
                                 {"_PID", "1"},
                                 {"lower", "x"},
                                 {"", "x"},
                                 {"9LIVES", "x"},
                                 {"WITH SPACE", "x"},
                                 {std::string(65, 'A'), "x"},
                                 {"DURATION_MS", "5"}};
    CHECK(app::journalFields(spdlog::level::info, "m", fields) ==
          Fields{"MESSAGE=m", "PRIORITY=6", "SYSLOG_IDENTIFIER=roomsd", "STREAM=rooms", "DURATION_MS=5"});
}

TEST_CASE("stderr is the journal only when JOURNAL_STREAM names its device and inode") {
    struct stat st {};
    REQUIRE(fstat(STDERR_FILENO, &st) == 0);
    std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    CHECK(app::stderrIsJournal(mine.c_str()));
    CHECK_FALSE(app::stderrIsJournal(nullptr));
    CHECK_FALSE(app::stderrIsJournal(""));
    CHECK_FALSE(app::stderrIsJournal((std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1)).c_str()));
    CHECK_FALSE(app::stderrIsJournal((mine + "x").c_str()));
    CHECK_FALSE(app::stderrIsJournal(std::to_string(st.st_dev).c_str()));
}
