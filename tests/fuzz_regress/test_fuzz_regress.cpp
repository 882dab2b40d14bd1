// The fuzz targets of tests/fuzz/ in every build: each one on every fixture
// of tests/data/ (the seeds its corpus starts from), and the inputs that once
// crashed one (tests/data/fuzz/<target>/, named after the fault) on it.
#include <fstream>
#include <iterator>
#include <set>

#include "tests/fuzz/targets.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
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
      CHECK(t->run(bytes) == "");
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
        CHECK(run(slurp(f.path())) == "");
        targets.insert(name);
      }
    }
  MESSAGE(targets.size() << " fuzz targets have regression inputs");
  const bool found = seam::fuzz::find_target("message") != nullptr;
  CHECK(found);
}
