// seam apply, classify --repo, checklist --repo and range-diff against a
// repository: what each may write there (apply: a new branch, only when
// accepted; the others: nothing).
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "tests/support.hpp"

namespace fs = std::filesystem;

namespace {

struct Run {
  int status;
  std::string out;
};

Run run_seam(const std::string& args) {
  std::string out;
  FILE* p = popen((std::string("'") + SEAM_BINARY + "' " + args + " 2>/dev/null").c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::string sh(const std::string& cmd) {
  std::string out = seam::test::shell(cmd);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string objects(const fs::path& repo) { return sh("find " + q(repo / ".git/objects") + " -type f | sort"); }

}  // namespace

TEST_SUITE("cli/apply") {
  TEST_CASE("classify --repo, checklist --repo and range-diff only read the repository") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "s.db");
    REQUIRE(run_seam(db + " ingest " + q(seam::test::data("apply/sep-space.mbox"))).status == 0);
    REQUIRE(run_seam(db + " ingest " + q(seam::test::data("apply/sep-space-v2.mbox"))).status == 0);
    const fs::path repo = tmp / "r";
    sh("sh " + q(seam::test::data("apply/make-base.sh")) + " " + q(repo));
    const std::string before = objects(repo);
    const std::string refs = sh("git -C " + q(repo) + " for-each-ref");

    auto c = run_seam(db + " classify sep-space-1@example.org --repo " + q(repo) + " --json");
    CHECK(c.status == 0);
    CHECK(objects(repo) == before);
    auto k = run_seam(db + " checklist sep-space-1@example.org --repo " + q(repo) + " --format json");
    CHECK(k.status == 0);
    CHECK(objects(repo) == before);
    auto r = run_seam(db + " range-diff sep-space-1@example.org --from 1 --to 2 --repo " + q(repo) + " --json");
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["status"] == "!");  // only the commit message changed (a trailer)
    CHECK(objects(repo) == before);
    CHECK(sh("git -C " + q(repo) + " for-each-ref") == refs);
  }

  TEST_CASE("apply: an existing branch needs --force, the checked-out one is refused, full ref names work") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "s.db");
    REQUIRE(run_seam(db + " ingest " + q(seam::test::data("apply/sep-space.mbox"))).status == 0);
    const fs::path repo = tmp / "r";
    sh("sh " + q(seam::test::data("apply/make-base.sh")) + " " + q(repo));
    const std::string g = "git -C " + q(repo) + " ";
    sh("cd " + q(repo) + " && git checkout -q -b mine && echo mine >> README && git commit -qam mine && "
       "git checkout -q master");
    const std::string mine = sh(g + "rev-parse mine");
    const std::string master = sh(g + "rev-parse master");
    const std::string before = objects(repo);
    const std::string apply = db + " apply sep-space-1@example.org --repo " + q(repo) + " --json";

    auto r = run_seam(apply + " --branch mine");
    CHECK(r.status == 1);
    CHECK(nlohmann::json::parse(r.out)["error"].get<std::string>().find("already exists") != std::string::npos);
    CHECK(sh(g + "rev-parse mine") == mine);
    r = run_seam(apply + " --branch master --force");
    CHECK(r.status == 1);
    CHECK(sh(g + "rev-parse master") == master);
    CHECK(objects(repo) == before);

    r = run_seam(apply + " --branch refs/heads/mine --force");
    CHECK(r.status == 0);
    CHECK(nlohmann::json::parse(r.out)["branch"] == "mine");
    CHECK(sh(g + "rev-parse mine~1") == master);
    CHECK(sh(g + "for-each-ref refs/heads/refs") == "");
    CHECK(sh(g + "log -1 --format=%an mine") == "Ada Author");

    r = run_seam(apply);  // the default branch, new
    CHECK(r.status == 0);
    r = run_seam(apply);  // a second time: it exists now
    CHECK(r.status == 1);
    CHECK(sh(g + "rev-parse HEAD") == master);
    CHECK(sh(g + "symbolic-ref HEAD") == "refs/heads/master");
  }
}
