// seam apply, end to end: a repository with C and Rust history exported with
// git format-patch, ingested, and applied back with libgit2.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/store/store.hpp"
#include "git/apply.hpp"
#include "git/rangediff.hpp"
#include "mail/am.hpp"
#include "mail/ingest.hpp"
#include "mail/parse/parse.hpp"
#include "mail/sources/locate.hpp"
#include "tests/support.hpp"

using namespace seam;

namespace {

std::string sh(const std::string& cmd) {
  std::string out = test::shell(cmd);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A repository whose last five commits cover what apply must do as git
// does: C and Rust edits, a rename, a mode change, a deletion, a new file, a
// binary file added and changed. Returns the repository path.
std::string make_repo(const test::TempDir& tmp) {
  const std::string r = (tmp / "repo").string();
  const std::string g = "cd '" + r + "' && ";
  sh("git init -q -b master '" + r + "' && cd '" + r + "' && git config user.name 'Tess Ter' && "
     "git config user.email t@example.org && git config commit.gpgsign false");
  sh(g + "mkdir -p rust/kernel drivers && printf 'int a(void) { return 1; }\\n' > drivers/a.c && "
         "printf '//! k\\npub fn f() {}\\n' > rust/kernel/k.rs && printf 'old\\n' > gone.txt && "
         "printf 'script\\n' > run.sh && git add -A && git commit -qm base");
  sh(g + "printf 'int a(void) { return 2; }\\nint b(void) { return 3; }\\n' > drivers/a.c && "
         "printf '//! k\\npub fn f() {}\\npub fn g() {}\\n' > rust/kernel/k.rs && "
         "git commit -qam 'rust: add g' -m 'Body of the first patch.' -m 'From now on there is a g.'");
  sh(g + "git mv drivers/a.c drivers/b.c && chmod +x run.sh && git rm -q gone.txt && "
         "printf 'new file\\n' > new.txt && git add -A && git commit -qm 'drivers: move, mode, delete, add'");
  sh(g + "head -c 3000 /dev/urandom > blob.bin && git add blob.bin && git commit -qm 'binary: add'");
  sh(g + "head -c 2000 /dev/urandom >> blob.bin && git commit -qam 'binary: change'");
  // Sent by someone else on the author's behalf: format-patch --from puts the
  // author in an in-body From:; the author date goes in-body too, under a
  // later mail date.
  sh(g + "git format-patch -q --binary --thread --cover-letter --from='Sam Sender <sam@example.org>' -o ../out "
         "HEAD~4 && for f in ../out/0*.patch; do perl -0pi -e "
         "'s/^Date: ([^\\n]*)\\n(.*?\\n\\n)(From: [^\\n]*\\n)/Date: Mon, 1 Jan 2024 00:00:00 +0000\\n$2$3Date: $1\\n/ms'"
         " \"$f\"; done && "
         "cat ../out/*.patch | sed 's/[*][*][*] SUBJECT HERE [*][*][*]/round trip/' > ../series.mbox");
  return r;
}

struct Loaded {
  std::vector<git::PatchInput> patches;
  std::string base_commit;
  std::string am_mbox;  // seam am's output for the version
};

Loaded load_series(core::Store& store, const std::string& mbox) {
  auto reps = mail::ingest(store, mbox, {});
  REQUIRE(reps[0].errors.empty());
  store.rebuild_series();
  auto all = store.load_series({});
  REQUIRE(all.size() == 1);
  const auto& v = all[0].versions.back();
  Loaded l;
  l.base_commit = v.base_commit;
  for (const auto& p : v.patches) {
    auto raw = mail::read_raw(store, p.msgid);
    REQUIRE(raw.raw);
    auto parts = mail::commit_parts(*raw.raw, p, {});
    l.patches.push_back({p.msgid, parts.diff, parts.message, parts.author.value, parts.author.email, parts.date,
                         parts.tz_minutes});
    l.am_mbox += mail::am_message(*raw.raw, p, v.version, v.expected, {});
  }
  return l;
}

}  // namespace

TEST_SUITE("git/apply") {
  TEST_CASE("round trip: every applied tree equals the original commit's tree") {
    test::TempDir tmp;
    const std::string repo = make_repo(tmp);
    core::Store store((tmp / "s.db").string());
    auto l = load_series(store, (tmp / "series.mbox").string());
    REQUIRE(l.patches.size() == 4);

    // Nothing of the user's checkout may change: snapshot HEAD, index, a file.
    sh("cd '" + repo + "' && git checkout -q -b work HEAD~4 && echo dirty >> drivers/a.c");
    const std::string head_before = slurp(std::filesystem::path(repo) / ".git/HEAD");
    const std::string index_before = slurp(std::filesystem::path(repo) / ".git/index");
    const std::string file_before = slurp(std::filesystem::path(repo) / "drivers/a.c");

    git::ApplyOptions opts;
    opts.branch = "seam/round-trip-v1";
    auto r = git::apply_patches(repo, l.patches, {}, opts);
    CHECK(r.error.empty());
    CHECK_FALSE(r.failed);
    CHECK(r.base_reason == "blob-guess");
    CHECK(r.branch == "seam/round-trip-v1");
    REQUIRE(r.applied.size() == 4);
    for (int k = 0; k < 4; ++k) {
      CAPTURE(k);
      const std::string orig = "master~" + std::to_string(3 - k);
      CHECK(sh("cd '" + repo + "' && git rev-parse " + r.applied[k].second + "^{tree}") ==
            sh("cd '" + repo + "' && git rev-parse " + orig + "^{tree}"));
      // Author, date and message as git am would make them.
      CHECK(sh("cd '" + repo + "' && git log -1 --format='%an <%ae> %ad%n%B' " + r.applied[k].second) ==
            sh("cd '" + repo + "' && git log -1 --format='%an <%ae> %ad%n%B' " + orig));
    }
    // seam am's mbox, applied by plain git am, gives the same commits.
    {
      std::ofstream(tmp / "am.mbox", std::ios::binary) << l.am_mbox;
      const std::string clone = (tmp / "am-clone").string();
      sh("git clone -q '" + repo + "' '" + clone + "' && cd '" + clone + "' && git checkout -q -b am origin/master~4 && "
         "git -c user.name=A -c user.email=a@example.org am -q '" + (tmp / "am.mbox").string() + "'");
      for (int k = 0; k < 4; ++k) {
        CAPTURE(k);
        const std::string mine = "HEAD~" + std::to_string(3 - k);
        const std::string orig = "origin/master~" + std::to_string(3 - k);
        CHECK(sh("cd '" + clone + "' && git log -1 --format='%T %an <%ae> %ad%n%B' " + mine) ==
              sh("cd '" + clone + "' && git log -1 --format='%T %an <%ae> %ad%n%B' " + orig));
      }
    }
    CHECK(slurp(std::filesystem::path(repo) / ".git/HEAD") == head_before);
    CHECK(slurp(std::filesystem::path(repo) / ".git/index") == index_before);
    CHECK(slurp(std::filesystem::path(repo) / "drivers/a.c") == file_before);
  }

  TEST_CASE("a patch whose mail came with CRLF line ends applies (the CRs are the transport's)") {
    test::TempDir tmp;
    const std::string repo = make_repo(tmp);
    // The second patch (a rename, a mode change, a deletion, a new file), its
    // body with a CR before every LF and base64-encoded, as some mail
    // clients and list gateways send it.
    const std::string out = (tmp / "out").string();
    sh("cd '" + out + "' && f=$(ls 0002-*.patch) && "
       "awk '/^$/ {exit} !/^Content-Transfer-Encoding/' \"$f\" > ../crlf.eml && "
       "printf 'Content-Transfer-Encoding: base64\\n\\n' >> ../crlf.eml && "
       "awk 'b {print} /^$/ {b=1}' \"$f\" | sed 's/$/\\r/' | base64 >> ../crlf.eml");
    const std::string raw = slurp(tmp / "crlf.eml");
    REQUIRE(mail::body_text(raw).find("--- /dev/null\r\n") != std::string::npos);
    auto parts = mail::commit_parts(raw, core::SeriesPatch{}, {});
    CHECK(parts.diff.find('\r') == std::string::npos);
    CHECK(parts.message.find('\r') == std::string::npos);
    git::ApplyOptions opts;
    opts.branch = "seam/crlf";
    auto r = git::apply_patches(repo, {{"crlf", parts.diff, parts.message, "T", "t@x", 0, 0}},
                                {sh("cd '" + repo + "' && git rev-parse master~3"), "", ""}, opts);
    REQUIRE_MESSAGE(!r.failed, (r.failed ? r.failed->path + ": " + r.failed->reason : std::string()));
    CHECK(r.error.empty());
    REQUIRE(r.applied.size() == 1);
    CHECK(sh("cd '" + repo + "' && git rev-parse " + r.applied[0].second + "^{tree}") ==
          sh("cd '" + repo + "' && git rev-parse master~2^{tree}"));
  }

  TEST_CASE("conflicts name the patch, file, hunk and reason and leave no branch") {
    test::TempDir tmp;
    const std::string repo = make_repo(tmp);
    core::Store store((tmp / "s.db").string());
    auto l = load_series(store, (tmp / "series.mbox").string());
    sh("cd '" + repo + "' && git checkout -q -b conflict master~4 && "
       "printf 'int a(void) { return 7; }\\n' > drivers/a.c && git commit -qam conflict");
    git::ApplyOptions opts;
    opts.branch = "seam/x";
    git::BaseHints hints;

    SUBCASE("context does not match") {
      hints.override_rev = "conflict";
      auto r = git::apply_patches(repo, l.patches, hints, opts);
      REQUIRE(r.failed);
      CHECK(r.failed->id == l.patches[0].id);
      CHECK(r.failed->path == "drivers/a.c");
      CHECK(r.failed->hunk == "@@ -1 +1,2 @@");
      CHECK(r.failed->reason == "context does not match");
      CHECK(r.branch.empty());
      CHECK(r.applied.empty());
    }
    SUBCASE("already applied") {
      hints.override_rev = "master~3";
      auto r = git::apply_patches(repo, l.patches, hints, opts);
      REQUIRE(r.failed);
      CHECK(r.failed->reason == "already applied");
    }
    SUBCASE("file missing") {
      hints.override_rev = "master~2";
      auto r = git::apply_patches(repo, l.patches, hints, opts);
      REQUIRE(r.failed);
      CHECK(r.failed->path == "drivers/a.c");
      CHECK(r.failed->reason == "file missing");
    }
    SUBCASE("--partial keeps what applied") {
      // Patch 1 applies; the last one changes blob.bin, which does not exist yet.
      hints.override_rev = "master~4";
      opts.partial = true;
      std::vector<git::PatchInput> two = {l.patches[0], l.patches[3]};
      auto r = git::apply_patches(repo, two, hints, opts);
      REQUIRE(r.failed);
      CHECK(r.failed->id == l.patches[3].id);
      CHECK(r.applied.size() == 1);
      CHECK(r.branch == "seam/x");
    }
    // No failed run left a branch behind (the --partial one named it).
    CHECK(sh("cd '" + repo + "' && git branch --list 'seam/*' | grep -v 'seam/x' | wc -l") == "0");
  }

  TEST_CASE("paths that escape the repository are refused before anything is written") {
    CHECK(git::unsafe_path_reason("../etc/passwd") != "");
    CHECK(git::unsafe_path_reason("/etc/passwd") != "");
    CHECK(git::unsafe_path_reason("a/.git/config") != "");
    CHECK(git::unsafe_path_reason(".GIT/hooks/pre-commit") != "");
    CHECK(git::unsafe_path_reason("rust/kernel/lib.rs") == "");
    test::TempDir tmp;
    const std::string repo = make_repo(tmp);
    git::PatchInput evil{"evil@example.org",
                         "diff --git a/../outside b/../outside\nnew file mode 100644\nindex 0000000..e69de29\n"
                         "--- /dev/null\n+++ b/../outside\n@@ -0,0 +1 @@\n+x\n",
                         "evil\n", "E", "e@example.org", 0, 0};
    git::ApplyOptions opts;
    opts.branch = "seam/evil";
    auto r = git::apply_patches(repo, {evil}, {}, opts);
    REQUIRE(r.failed);
    CHECK(r.failed->reason.find("escape") != std::string::npos);
    CHECK(r.branch.empty());
    CHECK_FALSE(std::filesystem::exists(tmp / "outside"));
  }

  TEST_CASE("range-diff pairs identical, changed, dropped and added patches") {
    test::TempDir tmp;
    const std::string repo = make_repo(tmp);
    const std::string g = "cd '" + repo + "' && ";
    // v2: patch 1 changed, patch 2 the same, patches 3-4 dropped, one new patch.
    sh(g + "git checkout -q -b v2 master~4 && git cherry-pick master~3 >/dev/null && "
           "printf 'int a(void) { return 2; }\\nint b(void) { return 4; }\\n' > drivers/a.c && "
           "git commit -q --amend -a --no-edit && git cherry-pick master~2 >/dev/null && "
           "printf 'x\\n' > added.txt && git add added.txt && git commit -qm 'docs: new patch'");
    std::vector<std::string> olds, news;
    for (int k = 3; k >= 0; --k) olds.push_back(sh(g + "git rev-parse master~" + std::to_string(k)));
    for (int k = 2; k >= 0; --k) news.push_back(sh(g + "git rev-parse v2~" + std::to_string(k)));
    auto pairs = git::range_diff(repo, olds, news);
    std::string shape;
    for (const auto& p : pairs) shape += std::to_string(p.old_pos) + p.status + std::to_string(p.new_pos) + " ";
    CHECK(shape == "1!1 2=2 3<0 4<0 0>3 ");
    REQUIRE(pairs.size() == 5);
    CHECK(pairs[0].title == "rust: add g");
    CHECK(pairs[0].interdiff.find("-+int b(void) { return 3; }") != std::string::npos);
    CHECK(pairs[0].interdiff.find("++int b(void) { return 4; }") != std::string::npos);
    CHECK(pairs[1].interdiff.empty());
  }

  TEST_CASE("prerequisite-patch-id: the base is the commit that has that patch id") {
    test::TempDir tmp;
    const std::string repo = make_repo(tmp);
    const std::string g = "cd '" + repo + "' && ";
    // The last three patches, based on master~4 with master~3 as prerequisite.
    sh(g + "git format-patch -q --base=master~4 --thread --cover-letter --binary -o ../pre master~3..master && "
           "cat ../pre/*.patch | sed 's/[*][*][*] SUBJECT HERE [*][*][*]/on top/' > ../pre.mbox");
    core::Store store((tmp / "p.db").string());
    auto reps = mail::ingest(store, (tmp / "pre.mbox").string(), {});
    REQUIRE(reps[0].errors.empty());
    store.rebuild_series();
    auto all = store.load_series({});
    REQUIRE(all.size() == 1);
    const auto& v = all[0].versions.back();
    CHECK(v.prerequisites == sh(g + "git show master~3 | git patch-id --stable | cut -d' ' -f1"));
    std::vector<git::PatchInput> patches;
    for (const auto& p : v.patches) {
      auto raw = mail::read_raw(store, p.msgid);
      REQUIRE(raw.raw);
      auto parts = mail::commit_parts(*raw.raw, p, {});
      patches.push_back({p.msgid, parts.diff, parts.message, parts.author.value, parts.author.email, parts.date,
                         parts.tz_minutes});
    }
    git::ApplyOptions opts;
    opts.branch = "seam/on-top";
    auto r = git::apply_patches(repo, patches, {v.base_commit, v.prerequisites, ""}, opts);
    CHECK(r.error.empty());
    CHECK_FALSE(r.failed);
    CHECK(r.base_reason == "prerequisite-patch-id");
    CHECK(r.base == sh(g + "git rev-parse master~3"));
    REQUIRE(r.applied.size() == 3);
    CHECK(sh(g + "git rev-parse seam/on-top^{tree}") == sh(g + "git rev-parse master^{tree}"));
  }
}
