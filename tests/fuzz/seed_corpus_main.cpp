// fuzz_seed_corpus DIR: writes each fuzz target's seed corpus to DIR/<target>/, one
// file per seed, for the libFuzzer harnesses (`fuzz_<target> DIR/<target>`).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fuzz/corpus.hpp"
#include "fuzz/targets.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seed_corpus DIR\n");
        return 2;
    }
    const std::filesystem::path root = argv[1];
    for (const roomsd::fuzz::FuzzTarget& target : roomsd::fuzz::allTargets()) {
        std::filesystem::path dir = root / std::string(target.name);
        std::filesystem::create_directories(dir);
        std::size_t n = 0;
        for (const std::string& seed : roomsd::fuzz::seedCorpus(target.name)) {
            char name[32];
            std::snprintf(name, sizeof name, "seed-%03zu", n++);
            std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
            out.write(seed.data(), static_cast<std::streamsize>(seed.size()));
            if (!out) {
                std::fprintf(stderr, "fuzz_seed_corpus: cannot write %s\n", (dir / name).c_str());
                return 1;
            }
        }
        std::printf("%s: %zu seeds\n", dir.c_str(), n);
    }
    return 0;
}
