// The seam binary end to end: ingest and its JSON, exit codes, standard
// input, and the real corpus (skipped when ../shared is absent).
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support.hpp"

namespace fs = std::filesystem;

namespace {

struct Run {
  int status;
  std::string out;
};

// Runs the built seam with a shell command line (test-controlled text only).
Run run_seam(const std::string& args) {
  std::string out;
  FILE* p = popen((std::string("'") + SEAM_BINARY + "' " + args).c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("ingest --json, list --json, and what a series looks like") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "s.db");
    auto r = run_seam(db + " ingest --json " + q(seam::test::data("sample/rust-counter-v2.mbox")));
    CHECK(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["sources"].size() == 1);
    const auto& s = j["sources"][0];
    CHECK(s["kind"] == "mbox");
    CHECK(s["seen"] == 5);
    CHECK(s["added"] == 5);
    CHECK(s["duplicates"] == 0);
    CHECK(s["errors"].empty());
    auto list = nlohmann::json::parse(run_seam(db + " list --json").out);
    REQUIRE(list.size() == 5);  // newest first
    CHECK(list[0]["msgid"] == "87abc123.fsf@example.net");
    CHECK(list[4]["msgid"] == "20251103-counter-v2-0-ada@example.org");
    CHECK(list[4]["date"] == "2025-11-03T10:00:00+01:00");
    auto series = nlohmann::json::parse(run_seam(db + " series --rust --json").out);
    REQUIRE(series.size() == 1);
    CHECK(series[0]["versions"][0]["received"] == 3);
    auto show = nlohmann::json::parse(run_seam(db + " show --json 87abc123.fsf@example.net").out);
    CHECK(show["versions"][0]["patches"][1]["trailers"].back()["name"] == "Reviewed-by");
    auto am = run_seam(db + " am 20251103-counter-v2-2-ada@example.org");
    CHECK(am.status == 0);
    CHECK(am.out.find("Reviewed-by: Bert Reviewer <bert@example.net>\n") != std::string::npos);
  }

  TEST_CASE("a source that cannot be opened: one error line naming it, non-zero exit") {
    seam::test::TempDir tmp;
    auto r = run_seam("--db " + q(tmp / "s.db") + " ingest " + q(tmp / "missing.mbox") + " 2>&1");
    CHECK(r.status == 1);
    CHECK(r.out.find("missing.mbox") != std::string::npos);
    CHECK(run_seam("--db " + q(tmp / "s.db") + " show nothing@example.org 2>&1").status == 1);
  }

  TEST_CASE("ingest - reads a mail client's pipe") {
    seam::test::TempDir tmp;
    auto r = run_seam("--db " + q(tmp / "s.db") + " ingest --json - < " + q(seam::test::data("ingest/no-msgid.eml")));
    CHECK(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["sources"][0]["kind"] == "stdin");
    CHECK(j["sources"][0]["added"] == 1);
  }

  TEST_CASE("every corpus thread: no errors, one stored message per message in the file") {
    auto dir = seam::test::shared("corpus/threads");
    SEAM_SKIP_UNLESS(!dir.empty(), "../shared/corpus/threads is absent");
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".mbox") continue;
      CAPTURE(e.path());
      ++files;
      int messages = 0;
      std::ifstream in(e.path());
      for (std::string line; std::getline(in, line);) messages += line.rfind("From mboxrd@z ", 0) == 0;
      seam::test::TempDir tmp;
      auto r = run_seam("--db " + q(tmp / "s.db") + " ingest --json " + q(e.path()));
      REQUIRE(r.status == 0);
      auto s = nlohmann::json::parse(r.out)["sources"][0];
      CHECK(s["errors"].empty());
      CHECK(s["added"] == messages);
    }
    CHECK(files == 11);
  }

  TEST_CASE("the whole linux-kbuild epoch: every commit accounted for, then nothing new") {
    auto epoch = seam::test::shared("corpus/lore/linux-kbuild/git/0.git");
    SEAM_SKIP_UNLESS(!epoch.empty(), "../shared/corpus/lore is absent");
    seam::test::TempDir tmp;
    auto r = run_seam("--db " + q(tmp / "s.db") + " ingest --json " + q(epoch));
    REQUIRE(r.status == 0);
    auto s = nlohmann::json::parse(r.out)["sources"][0];
    CHECK(s["kind"] == "public-inbox");
    CHECK(s["seen"] == 31699);
    CHECK(s["errors"].empty());
    CHECK(s["duplicates"] == 22);
    CHECK(s["added"].get<int>() + s["duplicates"].get<int>() + static_cast<int>(s["errors"].size()) == 31699);
    auto again = nlohmann::json::parse(run_seam("--db " + q(tmp / "s.db") + " ingest --json " + q(epoch)).out);
    CHECK(again["sources"][0]["seen"] == 0);
    auto rust = nlohmann::json::parse(run_seam("--db " + q(tmp / "s.db") + " series --rust --json").out);
    CHECK(rust.size() > 50);
  }
}
