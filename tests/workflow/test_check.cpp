// seam check as b4 runs it: a patch mail on standard input, in the git top
// level, no arguments; stdout lines with "ERROR:" fail the patch, other
// lines warn, stderr lines fail, no output with exit 0 passes (b4's
// am/prep-perpatch-check-cmd). And --format b4-review, the JSON b4's review
// TUI reads (review-perpatch-check-cmd, review-series-check-cmd).
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/check.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// What b4 makes of a check command's run.
struct B4Verdict {
  int exit = 0;
  std::vector<std::string> failures, warnings;  // b4's "fail" and "warn" lines
  std::string out, err;
  bool passed() const { return failures.empty() && warnings.empty() && exit == 0; }
};

// Runs `cmd` (seam check …, no FILE argument: b4 gives none) the way b4
// does: the mail on standard input, in the top level of the repository
// `top`; then parses its output with b4's rules.
B4Verdict run_as_b4(const fs::path& top, const std::string& args, const fs::path& mail, const fs::path& tmp) {
  const auto out = tmp / "b4.out", err = tmp / "b4.err";
  int status = 0;
  seam::test::shell("cd " + q(top) + " && '" SEAM_BINARY "' " + args + " < " + q(mail) + " > " + q(out) + " 2> " +
                        q(err),
                    &status);
  B4Verdict v;
  v.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  v.out = seam::test::read_bytes(out);
  v.err = seam::test::read_bytes(err);
  std::istringstream o(v.out), e(v.err);
  for (std::string l; std::getline(o, l);) {
    if (l.empty()) continue;
    (l.find("ERROR:") != std::string::npos ? v.failures : v.warnings).push_back(l);
  }
  for (std::string l; std::getline(e, l);)
    if (!l.empty()) v.failures.push_back(l);
  return v;
}

// A git top level for b4 to run the command in.
fs::path git_top(const seam::test::TempDir& tmp) {
  const auto top = tmp / "tree";
  fs::create_directories(top);
  seam::test::shell("git init -q " + q(top));
  return top;
}

// The 1-based line of `text` that contains `needle`, or 0.
int line_of(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  int n = 0;
  for (std::string l; std::getline(in, l);) {
    ++n;
    if (l.find(needle) != std::string::npos) return n;
  }
  return 0;
}

}  // namespace

TEST_SUITE("workflow") {
  TEST_CASE("seam check under b4's rules: a clean patch passes, an undocumented unsafe block fails") {
    seam::test::TempDir tmp;
    const auto top = git_top(tmp);

    const auto clean = run_as_b4(top, "check", seam::test::data("clients/check-clean.eml"), tmp.path());
    CHECK_MESSAGE(clean.passed(), clean.out);
    CHECK(clean.out.empty());

    const auto mail = seam::test::data("clients/check-unsafe.eml");
    const auto bad = run_as_b4(top, "check", mail, tmp.path());
    CHECK_FALSE(bad.passed());
    REQUIRE(bad.failures.size() == 1);
    CHECK(bad.warnings.empty());
    CHECK(bad.exit == 1);
    // checkpatch's --terse form: the line of the piped mail, then the file
    // and line after the patch.
    const int at = line_of(seam::test::read_bytes(mail), "+    unsafe { core::str::from_utf8_unchecked");
    REQUIRE(at > 0);
    CHECK(bad.failures[0] == "-:" + std::to_string(at) +
                                 ": ERROR: rust/kernel/text.rs:17: unsafe block added or changed (no SAFETY comment) "
                                 "[unsafe-block]");
  }

  TEST_CASE("seam check --severity: the threshold of what is printed") {
    seam::test::TempDir tmp;
    const auto top = git_top(tmp);
    const auto clean = seam::test::data("clients/check-clean.eml");
    // A justified unsafe block is a checklist item, not a defect: shown only from low.
    auto low = run_as_b4(top, "check --severity low", clean, tmp.path());
    REQUIRE(low.warnings.size() == 2);
    CHECK(low.failures.empty());
    CHECK(low.warnings[0].find("WARNING: rust/kernel/text.rs:16: new pub item") != std::string::npos);
    CHECK(low.warnings[1].find("WARNING: rust/kernel/text.rs:18: unsafe block added or changed [unsafe-block]") !=
          std::string::npos);
    CHECK(low.exit == 0);

    // The sample series' abstraction (patch 2): one undocumented unsafe
    // block (ERROR) and medium findings (WARNINGs) that --severity high hides.
    const auto p2 = seam::test::data("clients/gauge-2.eml");
    auto medium = run_as_b4(top, "check", p2, tmp.path());
    CHECK(medium.failures.size() == 1);
    CHECK(!medium.warnings.empty());
    auto high = run_as_b4(top, "check --severity high", p2, tmp.path());
    CHECK(high.failures == medium.failures);
    CHECK(high.warnings.empty());
    CHECK(high.failures[0].find("rust/kernel/gauge.rs:25: unsafe block added or changed (no SAFETY comment)") !=
          std::string::npos);
  }

  TEST_CASE("seam check --format b4-review: b4's review check protocol") {
    seam::test::TempDir tmp;
    const auto top = git_top(tmp);
    auto clean = run_as_b4(top, "check --format b4-review", seam::test::data("clients/check-clean.eml"), tmp.path());
    CHECK(clean.exit == 0);
    CHECK(nlohmann::json::parse(clean.out) == nlohmann::json::array());

    auto bad = run_as_b4(top, "check --format b4-review", seam::test::data("clients/check-unsafe.eml"), tmp.path());
    CHECK(bad.exit == 0);  // b4 reads the JSON; the status is in it
    auto j = nlohmann::json::parse(bad.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["tool"] == "seam");
    CHECK(j[0]["status"] == "fail");
    CHECK(j[0]["summary"] == "1 error");
    CHECK(j[0]["details"].get<std::string>().find("ERROR: rust/kernel/text.rs:17: unsafe block") !=
          std::string::npos);

    auto warn = run_as_b4(top, "check --format b4-review --severity low", seam::test::data("clients/check-clean.eml"),
                          tmp.path());
    auto w = nlohmann::json::parse(warn.out);
    REQUIRE(w.size() == 1);
    CHECK(w[0]["status"] == "warn");
    CHECK(w[0]["summary"] == "2 warnings");
  }

  TEST_CASE("seam check --format b4-review on a cover letter: the series' patches from the store") {
    seam::test::TempDir tmp;
    const auto top = git_top(tmp);
    const std::string db = "--db " + q(tmp / "s.db");
    // Without the series in the store: nothing to report on a cover letter.
    auto none = run_as_b4(top, db + " check --format b4-review", seam::test::data("clients/gauge-0.eml"), tmp.path());
    CHECK(nlohmann::json::parse(none.out) == nlohmann::json::array());
    CHECK_FALSE(fs::exists(tmp / "s.db"));  // a check only reads a store that is there

    seam::test::shell("'" SEAM_BINARY "' " + db + " ingest " + q(seam::test::data("clients/gauge-series.mbox")) +
                      " >/dev/null");
    auto series =
        run_as_b4(top, db + " check --format b4-review", seam::test::data("clients/gauge-0.eml"), tmp.path());
    CHECK(series.err.empty());
    auto j = nlohmann::json::parse(series.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["status"] == "fail");
    const auto details = j[0]["details"].get<std::string>();
    CHECK(details.find("ERROR: rust/kernel/gauge.rs:25: unsafe block") != std::string::npos);  // patch 2
    CHECK(details.find("rust/helpers/gauge.c:1:") != std::string::npos);                // patch 1
  }

  TEST_CASE("seam check --repo: a SAFETY comment outside the hunk is seen in the repository") {
    seam::test::TempDir tmp;
    const auto top = git_top(tmp);
    const std::string git = "cd " + q(top) +
                            " && export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=Eli "
                            "GIT_AUTHOR_EMAIL=eli@example.org GIT_COMMITTER_NAME=Eli "
                            "GIT_COMMITTER_EMAIL=eli@example.org && ";
    fs::create_directories(top / "rust/kernel");
    seam::test::write_file(top / "rust/kernel/text.rs",
                           "// SPDX-License-Identifier: GPL-2.0\n\n//! Text helpers.\n\n"
                           "/// The bytes of `s`.\n"
                           "pub fn bytes(s: &str) -> &[u8] {\n"
                           "    // SAFETY: `s` is a valid `str`: its pointer is valid\n"
                           "    // for reads of its length, the bytes are initialised,\n"
                           "    // nothing mutates them while the borrow lives, and\n"
                           "    // the length is at most isize::MAX, as every\n"
                           "    // allocation's is.\n"
                           "    unsafe { core::slice::from_raw_parts(s.as_ptr(), s.len()) }\n"
                           "}\n");
    seam::test::shell(git + "git add -A && git commit -qm base");
    seam::test::shell(git + "sed -i 's/s.as_ptr(), s.len()/s.as_ptr().cast::<u8>(), s.len()/' rust/kernel/text.rs");
    seam::test::shell(git + "git commit -qam 'rust: text: cast explicitly' && git format-patch -1 --stdout > " +
                      q(tmp / "p.eml") + " && git reset -q --hard HEAD~1");
    // The hunk shows the end of the comment, not its SAFETY: line.
    auto alone = run_as_b4(top, "check", tmp / "p.eml", tmp.path());
    REQUIRE(alone.warnings.size() >= 1);
    CHECK(alone.out.find("rust/kernel/text.rs:12: unsafe block added or changed (its SAFETY comment, if any, is "
                         "outside the patch's context)") != std::string::npos);
    auto whole = run_as_b4(top, "check --repo .", tmp / "p.eml", tmp.path());
    CHECK(whole.out.find("[unsafe-block]") == std::string::npos);
    CHECK(whole.err.empty());
    // A patch that does not apply there (a tree without its pre-image) is
    // checked alone, quietly.
    const auto other = tmp / "other";
    fs::create_directories(other / "rust/kernel");
    seam::test::shell("git init -q " + q(other));
    seam::test::write_file(other / "rust/kernel/text.rs", "// SPDX-License-Identifier: GPL-2.0\n");
    seam::test::shell("cd " + q(other) +
                      " && git add -A && git -c user.name=Eli -c user.email=eli@example.org commit -qm other");
    auto stale = run_as_b4(other, "check --repo .", tmp / "p.eml", tmp.path());
    CHECK(stale.err.empty());
    CHECK(stale.out == alone.out);
    // A repository that is not one is an error.
    auto bad = run_as_b4(top, "check --repo " + q(tmp / "nowhere"), tmp / "p.eml", tmp.path());
    CHECK(bad.exit == 2);
    CHECK(bad.err.find("nowhere") != std::string::npos);
  }

  TEST_CASE("seam check: an mbox of patches, line numbers of the whole input; bad input") {
    seam::test::TempDir tmp;
    const auto mbox = seam::test::data("clients/gauge-series.mbox");
    int status = 0;
    auto out = seam::test::shell("'" SEAM_BINARY "' check --severity high " + q(mbox), &status);
    const int at = line_of(seam::test::read_bytes(mbox), "+        unsafe { bindings::gauge_level");
    REQUIRE(at > 0);
    CHECK(out == "-:" + std::to_string(at) +
                     ": ERROR: rust/kernel/gauge.rs:25: unsafe block added or changed (no SAFETY comment) "
                     "[unsafe-block]\n");
    CHECK(WEXITSTATUS(status) == 1);

    auto missing = seam::test::shell("'" SEAM_BINARY "' check " + q(tmp / "nope.eml") + " 2>&1", &status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(missing.find("nope.eml") != std::string::npos);
  }
}

TEST_SUITE("reports") {
  TEST_CASE("check: where a finding is in the patch text, and mail text made safe") {
    const std::string text =
        "subject line\n"
        "---\n"
        "diff --git a/a.rs b/a.rs\n"
        "--- a/a.rs\n"
        "+++ b/a.rs\n"
        "@@ -3,2 +3,3 @@ fn f() {\n"
        " x\n"
        "-y\n"
        "+z\n"
        "+w\n"
        "diff --git a/b.rs b/b.rs\n"
        "new file mode 100644\n"
        "--- /dev/null\n"
        "+++ b/b.rs\n"
        "@@ -0,0 +1,1 @@\n"
        "+only\n";
    CHECK(seam::reports::patch_text_line(text, "a.rs", 3) == 7);
    CHECK(seam::reports::patch_text_line(text, "a.rs", 4) == 9);
    CHECK(seam::reports::patch_text_line(text, "a.rs", 5) == 10);
    CHECK(seam::reports::patch_text_line(text, "a.rs", 40) == 6);  // not shown: its first hunk
    CHECK(seam::reports::patch_text_line(text, "b.rs", 1) == 16);
    CHECK(seam::reports::patch_text_line(text, "c.rs", 1) == 0);

    seam::core::Finding f;
    f.rule = "unsafe-block";
    f.severity = "high";
    f.message = "unsafe block added or changed";
    f.path = "evil\x1b[2J ERROR: x.rs";
    f.line = 1;
    f.safety_state = "missing";
    seam::reports::CheckedPatch p;
    p.review.findings.push_back(f);
    f.safety_state = "present";
    p.review.findings.push_back(f);
    f.safety_state = "outside-context";
    p.review.findings.push_back(f);
    auto lines = seam::reports::check_lines({p}, "low");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].error);
    CHECK(lines[0].text == "evil?[2J ERROR; x.rs:1: unsafe block added or changed (no SAFETY comment) [unsafe-block]");
    CHECK_FALSE(lines[1].error);
    CHECK_FALSE(lines[2].error);
    CHECK(lines[2].text.find("outside the patch's context") != std::string::npos);
    CHECK(seam::reports::check_lines({p}, "medium").size() == 2);
    CHECK(seam::reports::check_lines({p}, "high").size() == 1);
    CHECK(seam::reports::check_text(lines).substr(0, 11) == "-:0: ERROR:");
  }
}
