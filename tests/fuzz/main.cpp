// libFuzzer entry point of one target, chosen at build time with
// SEAM_FUZZ_TARGET (tests/fuzz/CMakeLists.txt builds one binary per target).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const seam::fuzz::Target target = seam::fuzz::find_target(SEAM_FUZZ_TARGET);
  if (!target) std::abort();  // a build error: the target name is not in kTargets
  const std::string broken = target(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "seam fuzz target %s: %s\n", SEAM_FUZZ_TARGET, broken.c_str());
    std::abort();
  }
  return 0;
}
