// Helpers shared by the unit tests.
#pragma once

#include <doctest/doctest.h>

#include <stdlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace seam::test {

// tests/data/<rel>
inline std::filesystem::path data(const std::string& rel) {
  return std::filesystem::path(SEAM_TEST_DATA) / rel;
}

// ../shared/<rel>, or an empty path when the shared corpus is absent (a fresh
// clone elsewhere). Tests that need it call shared_or_skip().
inline std::filesystem::path shared(const std::string& rel) {
  auto p = std::filesystem::path(SEAM_SHARED_DIR) / rel;
  return std::filesystem::exists(p) ? p : std::filesystem::path{};
}

// A fresh temporary directory, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "seam-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command line (test-controlled text only) and returns its
// standard output; `status` gets the exit status when given, else a failing
// command fails the test.
inline std::string shell(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int rc = ::pclose(p);
  if (status) *status = rc;
  else REQUIRE_MESSAGE(rc == 0, cmd << "\n" << out);
  return out;
}

}  // namespace seam::test

// Marks the running test as skipped (doctest prints the reason) and returns.
#define SEAM_SKIP_UNLESS(cond, why)                 \
  do {                                              \
    if (!(cond)) {                                  \
      MESSAGE("skipped: " << why);                  \
      return;                                       \
    }                                               \
  } while (0)
