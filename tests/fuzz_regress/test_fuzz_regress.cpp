// The fuzz targets of tests/fuzz/ in every build: each one on every fixture
// of tests/data/ (the seeds its corpus starts from), and the inputs that once
// crashed one (tests/data/fuzz/<target>/, named after the fault) on it.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>

#include "core/analysis/hunks.hpp"
#include "mail/parse/subject.hpp"
#include "tests/fuzz/targets.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs `t` on a copy of `bytes` in a buffer of exactly their size, as
// libFuzzer does: a std::string's terminating NUL would hide a read past
// the end from AddressSanitizer.
std::string run_exact(seam::fuzz::Target t, const std::string& bytes) {
  std::unique_ptr<char[]> buf(new char[bytes.size()]);
  std::copy(bytes.begin(), bytes.end(), buf.get());
  return t(std::string_view(buf.get(), bytes.size()));
}

}  // namespace

TEST_CASE("every fuzz target keeps its promises on every fixture") {
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(seam::test::data(""))) {
    if (!e.is_regular_file()) continue;
    ++files;
    const std::string bytes = slurp(e.path());
    for (const auto* t = seam::fuzz::kTargets; t->name; ++t) {
      INFO(t->name << " on " << e.path().string());
      CHECK(run_exact(t->run, bytes) == "");
    }
  }
  CHECK(files > 20);
}

TEST_CASE("inputs that crashed a fuzz target no longer do") {
  const fs::path dir = seam::test::data("fuzz");
  std::set<std::string> targets;
  if (fs::exists(dir))
    for (const auto& d : fs::directory_iterator(dir)) {
      if (!d.is_directory()) continue;
      const std::string name = d.path().filename().string();
      const seam::fuzz::Target run = seam::fuzz::find_target(name);
      const bool known = run != nullptr;
      REQUIRE_MESSAGE(known, "tests/data/fuzz/" << name << " is not named after a fuzz target");
      for (const auto& f : fs::directory_iterator(d.path())) {
        INFO(name << " on " << f.path().string());
        CHECK(run_exact(run, slurp(f.path())) == "");
        targets.insert(name);
      }
    }
  MESSAGE(targets.size() << " fuzz targets have regression inputs");
  CHECK(targets.size() >= 2);
}

// What the fixes for those inputs mean, as values.
TEST_CASE("a version tag of 0 in the PATCH word is version 1, as v0 is") {
  CHECK(seam::mail::parse_subject("[PATCHv0 1/2] frob").version == 1);
  CHECK(seam::mail::parse_subject("[PATCH v0 1/2] frob").version == 1);
  CHECK(seam::mail::parse_subject("[PATCHv3 1/2] frob").version == 3);
}

TEST_CASE("a hunk header is read inside its line, and absurd line numbers are no hunk") {
  const std::string text = "--- a/x.rs\n+++ b/x.rs\n@@ -2";
  // Followed in memory by digits that are not part of the text.
  const std::string memory = text + "5,1 +2 @@\n+x\n";
  auto files = seam::core::parse_diff(std::string_view(memory).substr(0, text.size()));
  REQUIRE(files.size() == 1);
  CHECK(files[0].hunks.empty());

  files = seam::core::parse_diff("--- a/x\n+++ b/x\n@@ -99999999999,1 +1 @@\n-a\n+b\n");
  REQUIRE(files.size() == 1);
  CHECK(files[0].hunks.empty());

  files = seam::core::parse_diff("--- a/x\n+++ b/x\n@@ -3,1 +3,2 @@\n a\n+b\n");
  REQUIRE(files.size() == 1);
  REQUIRE(files[0].hunks.size() == 1);
  CHECK(files[0].hunks[0].lines.back().new_line == 4);
}
