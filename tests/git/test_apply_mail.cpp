// Commits and mboxes as git am makes them, and what apply may do to a
// repository: the fixtures of tests/data/apply (a base made by make-base.sh,
// patch mails written for these tests), each checked against real git.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/store/store.hpp"
#include "git/apply.hpp"
#include "git/rangediff.hpp"
#include "mail/am.hpp"
#include "mail/ingest.hpp"
#include "mail/sources/locate.hpp"
#include "tests/support.hpp"

using namespace seam;
namespace fs = std::filesystem;

namespace {

std::string sh(const std::string& cmd, int* status = nullptr) {
  std::string out = test::shell(cmd, status);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::string fixture(const std::string& name) { return test::data("apply/" + name).string(); }

// A fresh base repository at tmp/<name>.
std::string base(const test::TempDir& tmp, const std::string& name) {
  const std::string r = (tmp / name).string();
  sh("sh " + q(fixture("make-base.sh")) + " " + q(r));
  return r;
}

// Every file below .git/objects: a write into the object database shows.
std::string objects(const std::string& repo) { return sh("find " + q(fs::path(repo) / ".git/objects") + " -type f | sort"); }

struct Series {
  std::vector<git::PatchInput> patches;
  std::vector<std::string> raws;
  std::vector<core::SeriesPatch> meta;
  int version = 1, total = 1;
};

// The newest version of the one series of `mbox`, as apply and am see it.
Series load(const test::TempDir& tmp, const std::string& mbox) {
  core::Store store((tmp / (fs::path(mbox).filename().string() + ".db")).string());
  auto reps = mail::ingest(store, mbox, {});
  REQUIRE(reps[0].errors.empty());
  store.rebuild_series();
  auto all = store.load_series({});
  REQUIRE(all.size() == 1);
  const auto& v = all[0].versions.back();
  Series s;
  s.version = v.version;
  s.total = v.expected;
  for (const auto& p : v.patches) {
    auto raw = mail::read_raw(store, p.msgid);
    REQUIRE(raw.raw);
    auto parts = mail::commit_parts(*raw.raw, p, {});
    s.patches.push_back({p.msgid, parts.diff, parts.message, parts.author.value, parts.author.email, parts.date,
                         parts.tz_minutes});
    s.raws.push_back(*raw.raw);
    s.meta.push_back(p);
  }
  return s;
}

// seam apply of `s` on a fresh base: the branch's commits.
git::ApplyResult seam_apply(const Series& s, const std::string& repo) {
  git::ApplyOptions opts;
  opts.branch = "seam/test";
  auto r = git::apply_patches(repo, s.patches, {}, opts);
  CHECK(r.error.empty());
  REQUIRE_MESSAGE(!r.failed, (r.failed ? r.failed->path + ": " + r.failed->reason : std::string()));
  return r;
}

// `seam am` of `s` applied by plain `git am` on a fresh base; returns the repository.
std::string git_am(const test::TempDir& tmp, const Series& s, const std::string& name) {
  std::string mbox;
  for (size_t k = 0; k < s.raws.size(); ++k) mbox += mail::am_message(s.raws[k], s.meta[k], s.version, s.total, {});
  const fs::path file = tmp / (name + ".am.mbox");
  std::ofstream(file, std::ios::binary) << mbox;
  const std::string repo = base(tmp, name);
  sh("git -C " + q(repo) + " am -q " + q(file) + " 2>/dev/null");
  return repo;
}

std::string log(const std::string& repo, const std::string& rev, const std::string& fmt = "%an <%ae> %ad%n%B") {
  return sh("git -C " + q(repo) + " log -1 --date=raw --format='" + fmt + "' " + rev);
}

}  // namespace

TEST_SUITE("git/apply-mail") {
  TEST_CASE("a '--- ' separator with trailing space ends the message; collected trailers go above it") {
    test::TempDir tmp;
    auto s = load(tmp, fixture("sep-space.mbox"));
    REQUIRE(s.patches.size() == 1);
    const std::string want =
        "rust: counter: say what get() returns\n\nSay what get() returns.\n\n"
        "Signed-off-by: Ada Author <ada@example.org>\nReviewed-by: Dave Reviewer <dave@example.org>\n";
    CHECK(s.patches[0].message == want);
    const std::string repo = base(tmp, "r");
    auto r = seam_apply(s, repo);
    CHECK(log(repo, "seam/test", "%B") == want.substr(0, want.size() - 1));
    // seam am's mbox gives git am the same commit.
    const std::string g = git_am(tmp, s, "g");
    CHECK(log(g, "HEAD", "%B") == want.substr(0, want.size() - 1));
    CHECK(log(g, "HEAD") == log(repo, "seam/test"));
    CHECK(sh("git -C " + q(g) + " rev-parse HEAD^{tree}") == sh("git -C " + q(repo) + " rev-parse seam/test^{tree}"));
  }

  TEST_CASE("an in-body From: and Date: (a patch sent on the author's behalf) give the author and are dropped") {
    test::TempDir tmp;
    for (const char* name : {"inbody-from.mbox", "inbody-subject.mbox"}) {
      CAPTURE(name);
      auto s = load(tmp, fixture(name));
      REQUIRE(s.patches.size() == 1);
      CHECK(s.patches[0].author_name == "Ada Author");
      CHECK(s.patches[0].author_email == "ada@example.org");
      CHECK(s.patches[0].date == 1700100000);
      CHECK(s.patches[0].tz_minutes == 60);
      const std::string acked = std::string(name) == "inbody-from.mbox" ? "Acked-by: Dave Reviewer <dave@example.org>\n" : "";
      CHECK(s.patches[0].message ==
            "rust: counter: say what get() returns\n\nSay what get() returns.\n\n"
            "Signed-off-by: Ada Author <ada@example.org>\nSigned-off-by: Carol Sender <carol@example.com>\n" + acked);
      const std::string repo = base(tmp, std::string("r-") + name);
      seam_apply(s, repo);
      // What git am makes of the original mail, and of seam am's mbox.
      const std::string orig = base(tmp, std::string("o-") + name);
      // (the patch alone: git am stops at the reply, which has no patch)
      sh("sed '/^From dave@/,$d' " + q(fixture(name)) + " > " + q(tmp / "one.mbox") + " && git -C " + q(orig) +
         " am -q " + q(tmp / "one.mbox"));
      CHECK(log(repo, "seam/test", "%an <%ae> %ad%n%s") == log(orig, "HEAD", "%an <%ae> %ad%n%s"));
      const std::string g = git_am(tmp, s, std::string("g-") + name);
      CHECK(log(g, "HEAD") == log(repo, "seam/test"));
    }
  }

  TEST_CASE("am: a non-ASCII author and a long non-ASCII subject reach git am as the original gives them") {
    test::TempDir tmp;
    auto s = load(tmp, fixture("utf-author.mbox"));
    REQUIRE(s.patches.size() == 1);
    const std::string orig = base(tmp, "o");
    sh("git -C " + q(orig) + " am -q " + q(fixture("utf-author.mbox")));
    const std::string g = git_am(tmp, s, "g");
    CHECK(log(g, "HEAD", "%an <%ae> %ad%n%s") == log(orig, "HEAD", "%an <%ae> %ad%n%s"));
    CHECK(log(g, "HEAD", "%an") == "Zo\xc3\xab The Counter Auth\xc3\xb6r");
    const std::string repo = base(tmp, "r");
    seam_apply(s, repo);
    CHECK(log(repo, "seam/test", "%an <%ae> %ad%n%s") == log(orig, "HEAD", "%an <%ae> %ad%n%s"));
  }

  TEST_CASE("CRLF file content sent quoted-printable or base64 keeps its CRs: the tree git am makes") {
    test::TempDir tmp;
    const std::string want = "860c26c4717f3205d894b2bb547caa680d84f30f";
    for (const char* name : {"crlf-qp.mbox", "crlf-b64.mbox"}) {
      CAPTURE(name);
      const std::string orig = base(tmp, std::string("o-") + name);
      sh("git -C " + q(orig) + " am -q " + q(fixture(name)) + " 2>/dev/null");
      REQUIRE(sh("git -C " + q(orig) + " rev-parse HEAD^{tree}") == want);
      auto s = load(tmp, fixture(name));
      REQUIRE(s.patches.size() == 1);
      CHECK(std::count(s.patches[0].diff.begin(), s.patches[0].diff.end(), '\r') == 6);
      const std::string repo = base(tmp, std::string("r-") + name);
      seam_apply(s, repo);
      CHECK(sh("git -C " + q(repo) + " rev-parse seam/test^{tree}") == want);
      // seam am's mbox, read by plain git am (no --keep-cr).
      const std::string g = git_am(tmp, s, std::string("g-") + name);
      CHECK(sh("git -C " + q(g) + " rev-parse HEAD^{tree}") == want);
      CHECK(log(g, "HEAD") == log(orig, "HEAD"));
    }
  }

  TEST_CASE("empty files added or deleted without a hunk apply as git applies them") {
    test::TempDir tmp;
    auto s = load(tmp, fixture("hunkless.mbox"));
    REQUIRE(s.patches.size() == 2);
    const std::string repo = base(tmp, "r");
    auto r = seam_apply(s, repo);
    REQUIRE(r.applied.size() == 2);
    CHECK(sh("git -C " + q(repo) + " rev-parse seam/test~1^{tree}") == "9f59194a10662c72b27dd83a12fa478576bd6b42");
    CHECK(sh("git -C " + q(repo) + " rev-parse seam/test^{tree}") == "92d4392c5bb90500de0fd1c1b44e7295fa16bd26");
    const std::string g = git_am(tmp, s, "g");
    CHECK(sh("git -C " + q(g) + " rev-parse HEAD^{tree}") == "92d4392c5bb90500de0fd1c1b44e7295fa16bd26");

    git::ApplyOptions opts;
    opts.write_branch = false;
    SUBCASE("only a new empty file") {
      git::PatchInput p{"only-empty@example.org",
                        "diff --git a/docs/empty.txt b/docs/empty.txt\nnew file mode 100644\nindex 0000000..e69de29\n",
                        "docs: add an empty file\n", "Ada Author", "ada@example.org", 1700000000, 0};
      auto r2 = git::apply_patches(repo, {p}, {"master", "", ""}, opts);
      REQUIRE_FALSE(r2.failed);
      REQUIRE(r2.applied.size() == 1);
    }
    SUBCASE("deleting a file that is not empty without a hunk is refused") {
      git::PatchInput p{"not-empty@example.org",
                        "diff --git a/README b/README\ndeleted file mode 100644\nindex 95dcfb4..0000000\n",
                        "drop README\n", "Ada Author", "ada@example.org", 1700000000, 0};
      auto r2 = git::apply_patches(repo, {p}, {"master", "", ""}, opts);
      REQUIRE(r2.failed);
      CHECK(r2.failed->path == "README");
      CHECK(r2.failed->reason == "removal patch leaves file contents");
    }
    SUBCASE("a patch that cannot be parsed: the message, the file and the line") {
      git::PatchInput p{"broken@example.org",
                        "diff --git a/README b/README\nindex 95dcfb4..e69de29 100644\n--- a/README\n+++ b/README\n"
                        "@@ -1 +0,0 @@\n-Read me.\n"
                        "diff --git a/drivers/misc/widget.c b/drivers/misc/widget.c\nindex 6ed7cd8..0000000 100644\n"
                        "--- a/drivers/misc/widget.c\n+++ b/drivers/misc/widget.c\n@@ -1,4 +1,4 @@ x\n garbage\n",
                        "broken\n", "Ada Author", "ada@example.org", 1700000000, 0};
      auto r2 = git::apply_patches(repo, {p}, {"master", "", ""}, opts);
      REQUIRE(r2.failed);
      CHECK(r2.failed->id == "broken@example.org");
      CHECK(r2.failed->path == "drivers/misc/widget.c");
      CHECK(r2.failed->reason.find("at line 7 of its diff") != std::string::npos);
    }
  }

  TEST_CASE("am writes bodies plain git am reads back: a 'From ' line in a message, CRs of a file") {
    test::TempDir tmp;
    const std::string raw =
        "From: Ada Author <ada@example.org>\nDate: Thu, 16 Nov 2023 03:00:00 +0100\n"
        "Subject: [PATCH] rust: counter: say what get() returns\nMessage-Id: <from-line@example.org>\n\n"
        "From the start the counter was silent.\n>From a quoted line, kept as it is.\n"
        "From Mon Sep 17 00:00:00 2001 looks like a separator\n" + std::string(100, '=') + " " +
        std::string(90, 'x') + " caf\xc3\xa9 =0D\n\nSigned-off-by: Ada Author <ada@example.org>\n---\n" +
        sh("sed '1,/^--- *$/d' " + q(fixture("sep-space.mbox")) + " | sed '/^From dave/,$d'") + "\n";
    core::SeriesPatch p;
    p.msgid = "from-line@example.org";
    p.index = 1;
    auto parts = mail::commit_parts(raw, p, {});
    const std::string body =
        "From the start the counter was silent.\n>From a quoted line, kept as it is.\n"
        "From Mon Sep 17 00:00:00 2001 looks like a separator\n" + std::string(100, '=') + " " +
        std::string(90, 'x') + " caf\xc3\xa9 =0D\n\nSigned-off-by: Ada Author <ada@example.org>";
    CHECK(parts.message == "rust: counter: say what get() returns\n\n" + body + "\n");
    const std::string am = mail::am_message(raw, p, 1, 1, {});
    CHECK(am.find("\nFrom the start") == std::string::npos);  // protected (quoted-printable)
    std::ofstream(tmp / "am.mbox", std::ios::binary) << am;
    const std::string g = base(tmp, "g");
    sh("git -C " + q(g) + " am -q " + q(tmp / "am.mbox"));
    CHECK(log(g, "HEAD", "%an <%ae> %ad%n%B") ==
          "Ada Author <ada@example.org> 1700100000 +0100\nrust: counter: say what get() returns\n\n" + body);
    // A plain body stays 8bit.
    auto s = load(tmp, fixture("sep-space.mbox"));
    CHECK(mail::am_message(s.raws[0], s.meta[0], 1, 1, {}).find("Content-Transfer-Encoding: 8bit") != std::string::npos);
  }

  TEST_CASE("the branch: an existing one refused unless --force, the checked-out one always, full ref names") {
    test::TempDir tmp;
    auto s = load(tmp, fixture("sep-space.mbox"));
    const std::string repo = base(tmp, "r");
    const std::string g = "git -C " + q(repo) + " ";
    sh(g + "branch taken master && " + g + "checkout -q -b work");
    const std::string taken = sh(g + "rev-parse taken");
    git::ApplyOptions opts;
    const std::string before = objects(repo);

    opts.branch = "taken";
    auto r = git::apply_patches(repo, s.patches, {}, opts);
    CHECK(r.error.find("already exists") != std::string::npos);
    CHECK(r.applied.empty());
    CHECK(sh(g + "rev-parse taken") == taken);
    opts.branch = "work";  // checked out
    opts.force = true;
    r = git::apply_patches(repo, s.patches, {}, opts);
    CHECK(r.error.find("checked out") != std::string::npos);
    CHECK(sh(g + "rev-parse work") == taken);
    CHECK(objects(repo) == before);  // refused applies wrote nothing

    opts.branch = "refs/heads/taken";
    r = git::apply_patches(repo, s.patches, {}, opts);
    CHECK(r.error.empty());
    CHECK(r.branch == "taken");
    CHECK(sh(g + "rev-parse taken~1") == taken);
    CHECK(sh(g + "for-each-ref --format='%(refname)' refs/heads/refs") == "");

    opts.force = false;
    opts.branch = "refs/heads/seam/full";
    r = git::apply_patches(repo, s.patches, {}, opts);
    CHECK(r.error.empty());
    CHECK(r.branch == "seam/full");
    CHECK(sh(g + "rev-parse seam/full^{tree}") == sh(g + "rev-parse taken^{tree}"));
    CHECK(sh(g + "fsck --no-progress 2>&1; echo $?") == "0");

    opts.branch = "refs/tags/v1";
    r = git::apply_patches(repo, s.patches, {}, opts);
    CHECK(r.error.find("not a valid branch name") != std::string::npos);
    // HEAD naming a branch with no commit yet is refused too.
    sh(g + "symbolic-ref HEAD refs/heads/unborn");
    opts.branch = "unborn";
    r = git::apply_patches(repo, s.patches, {}, opts);
    CHECK(r.error.find("checked out") != std::string::npos);
  }

  TEST_CASE("a refused or failed apply, and an apply without a branch, write no object") {
    test::TempDir tmp;
    auto s = load(tmp, fixture("hunkless.mbox"));
    const std::string repo = base(tmp, "r");
    const std::string before = objects(repo);
    git::ApplyOptions opts;
    opts.branch = "seam/x";
    // The second patch fails (widget.c is changed first): nothing is kept.
    sh("cd " + q(repo) + " && echo 'int other;' >> drivers/misc/widget.c && git commit -qam other");
    const std::string before2 = objects(repo);
    CHECK(before2 != before);
    auto r = git::apply_patches(repo, s.patches, {"master", "", ""}, opts);
    REQUIRE(r.failed);
    CHECK(r.applied.size() == 1);
    CHECK(objects(repo) == before2);
    opts.write_branch = false;
    r = git::apply_patches(repo, s.patches, {"master~1", "", ""}, opts);
    CHECK_FALSE(r.failed);
    CHECK(r.applied.size() == 2);
    CHECK(objects(repo) == before2);
    // The commits are readable through the result's objects.
    auto pairs = git::range_diff(r.objects, {r.applied[0].second}, {r.applied[0].second});
    REQUIRE(pairs.size() == 1);
    CHECK(pairs[0].status == '=');
    CHECK(objects(repo) == before2);
  }

  TEST_CASE("a patch that writes beyond a symbolic link is refused, as git refuses it") {
    test::TempDir tmp;
    const std::string repo = base(tmp, "r");
    const std::string before = objects(repo);
    std::string mbox = test::shell("cat " + q(fixture("symlink.mbox")));
    const size_t second = mbox.find("\nFrom mallory", 10);
    REQUIRE(second != std::string::npos);
    int k = 0;
    for (const std::string& one : {mbox.substr(0, second + 1), mbox.substr(second + 1)}) {
      CAPTURE(k);
      const fs::path f = tmp / ("s" + std::to_string(k++) + ".mbox");
      std::ofstream(f, std::ios::binary) << one;
      auto s = load(tmp, f.string());
      git::ApplyOptions opts;
      opts.branch = "seam/link" + std::to_string(k);
      auto r = git::apply_patches(repo, s.patches, {}, opts);
      REQUIRE(r.failed);
      CHECK(r.failed->reason.find("beyond a symbolic link") != std::string::npos);
      CHECK(r.branch.empty());
      // git refuses it too.
      const std::string g = base(tmp, "g" + std::to_string(k));
      int status = 0;
      sh("git -C " + q(g) + " am -q " + q(f) + " 2>/dev/null", &status);
      CHECK(status != 0);
    }
    CHECK(objects(repo) == before);
  }

  TEST_CASE("a file name with a newline or a control character is escaped in the report") {
    CHECK(git::quote_path("rust/kernel/lib.rs") == "rust/kernel/lib.rs");
    CHECK(git::quote_path("a\nb") == "\"a\\nb\"");
    CHECK(git::quote_path("a\x1b[31mred") == "\"a\\033[31mred\"");
    CHECK(git::unsafe_path_reason("../a\nb").find('\n') == std::string::npos);
    test::TempDir tmp;
    const std::string repo = base(tmp, "r");
    // Changes a file "no\nsuch" that does not exist: the failure names it escaped.
    git::PatchInput p{"ctrl@example.org",
                      "diff --git \"a/no\\nsuch\" \"b/no\\nsuch\"\nindex 95dcfb4..e69de29 100644\n--- \"a/no\\nsuch\"\n"
                      "+++ \"b/no\\nsuch\"\n@@ -1 +0,0 @@\n-Read me.\n",
                      "ctrl\n", "Ada Author", "ada@example.org", 1700000000, 0};
    git::ApplyOptions opts;
    opts.write_branch = false;
    auto r = git::apply_patches(repo, {p}, {"master", "", ""}, opts);
    REQUIRE(r.failed);
    CHECK(r.failed->path == "\"no\\nsuch\"");
    CHECK(r.failed->reason.find('\n') == std::string::npos);
    // A hunk header whose section text carries a terminal escape.
    git::PatchInput h{"esc@example.org",
                      "diff --git a/README b/README\nindex 95dcfb4..e69de29 100644\n--- a/README\n+++ b/README\n"
                      "@@ -1 +1 @@ fn \x1b[2Jcleared\n-Not the text.\n+x\n",
                      "esc\n", "Ada Author", "ada@example.org", 1700000000, 0};
    r = git::apply_patches(repo, {h}, {"master", "", ""}, opts);
    REQUIRE(r.failed);
    CHECK(r.failed->reason == "context does not match");
    CHECK(r.failed->hunk.find('\x1b') == std::string::npos);
    CHECK(r.failed->hunk.find("\\033[2J") != std::string::npos);
  }

  TEST_CASE("range-diff: a patch whose commit message changed is not identical") {
    test::TempDir tmp;
    const std::string repo = base(tmp, "r");
    const std::string g = "git -C " + q(repo) + " ";
    sh("cd " + q(repo) + " && git checkout -q -b one && echo x >> README && git commit -qam 'docs: x' && "
       "git checkout -q -b two master && echo x >> README && "
       "git commit -qam 'docs: x' -m 'Reviewed-by: Dave Reviewer <dave@example.org>'");
    auto pairs = git::range_diff(repo, {sh(g + "rev-parse one")}, {sh(g + "rev-parse two")});
    REQUIRE(pairs.size() == 1);
    CHECK(pairs[0].status == '!');
    CHECK(pairs[0].interdiff.find("+    Reviewed-by: Dave Reviewer <dave@example.org>") != std::string::npos);
    // git range-diff agrees.
    CHECK(sh(g + "range-diff --no-color master..one master..two | cut -c1-30 | head -1").find('!') != std::string::npos);
  }
}
