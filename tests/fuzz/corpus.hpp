// Seed corpora of the fuzz targets: real, valid inputs that fuzz_smoke mutates and
// that fuzz_seed_corpus writes out for the libFuzzer harnesses.
// Thread-safety: call from one thread (it reads the spec and the config files).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace roomsd::fuzz {

// The seeds of the target called `name` (see targets.hpp), selector byte included
// where the target takes one: the spec's example bodies, real /v2 query strings,
// the shipped configuration files, real /sql bodies and daemon answers.
std::vector<std::string> seedCorpus(std::string_view name);

} // namespace roomsd::fuzz
