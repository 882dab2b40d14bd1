// The fuzz targets: each takes arbitrary bytes, feeds them to one of the
// parsers that read mail, and checks what the parser promises about any input
// (no exception, valid UTF-8 where it says so, offsets inside the data…).
//
// The same functions run under libFuzzer (tests/fuzz/main.cpp, one binary per
// target, built with -DSEAM_FUZZ=ON) and in the unit tests, which replay the
// inputs that once crashed (tests/data/fuzz/<target>/) in every build.
#pragma once

#include <string>
#include <string_view>

namespace seam::fuzz {

// Runs the target on `data`. Returns "" when every promise held, else what
// broke (the fuzz binary aborts with it; the unit test fails with it).
// Crashes, sanitizer reports and exceptions are left to escape.
using Target = std::string (*)(std::string_view data);

struct NamedTarget {
  const char* name;  // also the folder of its crash inputs under tests/data/fuzz/
  Target run;
};

// message, subject, mbox, mailinfo, trailers, hunks, rust; ends at {nullptr, nullptr}.
extern const NamedTarget kTargets[];

// The target called `name`, or nullptr.
Target find_target(std::string_view name);

}  // namespace seam::fuzz
