// libFuzzer harness: checkLogQuoting (fuzz/targets.hpp) on each input.
#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return roomsd::fuzz::runHarness(roomsd::fuzz::checkLogQuoting, data, size);
}
