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

// ---- helpers for the ingest tests ------------------------------------------

#include <fstream>
#include <iterator>
#include <vector>

namespace seam::test {

// Writes (replaces) a file with exactly these bytes.
inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE_MESSAGE(out.good(), "cannot write " << p);
}

// Appends bytes to a file (creating it).
inline void append_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out << bytes;
  REQUIRE_MESSAGE(out.good(), "cannot append to " << p);
}

// The whole file as bytes ("" when it cannot be read).
inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One small, valid message (no mbox separator) with Message-ID <id>.
inline std::string small_mail(const std::string& id, const std::string& subject = "",
                              const std::string& body = "") {
  return "From: Tester <tester@example.org>\nSubject: " + (subject.empty() ? "about " + id : subject) +
         "\nDate: Thu, 06 Mar 2025 10:00:00 +0000\nMessage-ID: <" + id + ">\n\n" +
         (body.empty() ? "body of " + id + "\n" : body);
}

// The same as one mboxrd entry: separator line, message, blank line.
inline std::string mbox_entry(const std::string& id, const std::string& subject = "",
                              const std::string& body = "") {
  return "From mboxrd@z Thu Jan  1 00:00:00 1970\n" + small_mail(id, subject, body) + "\n";
}

// A public-inbox v2 epoch built with the git CLI: a bare repository whose
// master branch has one commit per message, each commit's tree holding the
// message as the blob `m`. All objects are loose, so a test can delete one.
class GitEpoch {
 public:
  struct Commit {
    std::string commit, tree, blob;
  };

  explicit GitEpoch(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    sh("git init -q --bare . && git symbolic-ref HEAD refs/heads/master");
  }

  const std::filesystem::path& path() const { return dir_; }

  // Adds one message as a new commit on master; returns its ids.
  Commit add(const std::string& message) {
    const auto file = std::filesystem::path(dir_.string() + ".next-message");
    write_file(file, message);
    std::string parent = commits_.empty() ? "" : " -p " + commits_.back().commit;
    std::string out = sh("b=$(git hash-object -w '" + file.string() +
                          "') && t=$(printf '100644 blob %s\\tm\\n' \"$b\" | git mktree) && c=$(git "
                          "commit-tree \"$t\"" + parent + " -m message) && git update-ref "
                          "refs/heads/master \"$c\" && echo \"$c $t $b\"");
    std::filesystem::remove(file);
    REQUIRE(out.size() >= 3 * 41);
    Commit c{out.substr(0, 40), out.substr(41, 40), out.substr(82, 40)};
    commits_.push_back(c);
    return c;
  }

  const std::vector<Commit>& commits() const { return commits_; }

  // Deletes a loose object (as a partial clone lacks it).
  void remove_object(const std::string& oid) {
    const auto p = dir_ / "objects" / oid.substr(0, 2) / oid.substr(2);
    REQUIRE_MESSAGE(std::filesystem::remove(p), "no loose object " << p);
  }

  // Runs a shell command line inside the repository (GIT_DIR set) with a
  // fixed identity and date and no user or system git configuration.
  std::string sh(const std::string& cmd) {
    return shell("cd '" + dir_.string() +
                 "' && export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_DIR=. "
                 "GIT_AUTHOR_NAME=seam GIT_AUTHOR_EMAIL=seam@example.org GIT_COMMITTER_NAME=seam "
                 "GIT_COMMITTER_EMAIL=seam@example.org GIT_AUTHOR_DATE='1741255200 +0000' "
                 "GIT_COMMITTER_DATE='1741255200 +0000' && { " + cmd + "; } 2>&1");
  }

 private:
  std::filesystem::path dir_;
  std::vector<Commit> commits_;
};

}  // namespace seam::test
