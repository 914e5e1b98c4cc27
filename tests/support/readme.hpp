// The README's examples, read from the source tree, for the tests that keep them true.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace roomsd::test {

// The text of README.md at the source tree's root.
std::string readme();

// Every statement of the ```sql blocks of `text`, without its comment lines.
std::vector<std::string> sqlBlockStatements(const std::string& text);

} // namespace roomsd::test
