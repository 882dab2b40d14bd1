// seam classify and seam checklist end to end: JSON shape, --repo (the C
// side of the boundary), output files, errors, and every corpus thread.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support.hpp"

namespace fs = std::filesystem;
using seam::test::shell;

namespace {

struct Result {
  int status;
  std::string out;
};

// seam with `args` (test-controlled text) and environment assignments `env`
// ("NAME=value ") in front, standard error folded into the output.
Result run_env(const std::string& env, const std::string& args) {
  int st = 0;
  std::string out = shell(env + "'" + SEAM_BINARY + "' " + args + " 2>&1", &st);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

Result run(const std::string& args) { return run_env("", args); }

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// The widget tree and its two-patch series (tests/data/boundary).
struct Widget {
  seam::test::TempDir tmp;
  fs::path repo = tmp / "repo", mbox = tmp / "series.mbox", db = tmp / "s.db";
  Widget() { shell("bash " + q(seam::test::data("boundary/widget-series.sh")) + " " + q(tmp.path())); }
};

std::string rules_of(const nlohmann::json& patch) {
  std::string s;
  for (const auto& f : patch["findings"]) s += f["rule"].get<std::string>() + "@" + f["path"].get<std::string>() + ":" +
                                               std::to_string(f["line"].get<int>()) + " ";
  return s;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("classify FILE --json: the documented shape; --repo adds the C side of the boundary") {
    Widget w;
    auto plain = run("classify --json " + q(w.mbox));
    REQUIRE_MESSAGE(plain.status == 0, plain.out);
    auto j = nlohmann::json::parse(plain.out);
    REQUIRE(j["patches"].size() == 2);  // the cover letter has no diff
    const auto& p1 = j["patches"][0];
    CHECK(p1["subject"] == "[PATCH 1/2] widget: read the state once");
    CHECK(p1["msgid"].get<std::string>().find("@example.org") != std::string::npos);
    REQUIRE(p1["files"].size() == 2);
    CHECK(p1["files"][0]["path"] == "drivers/widget/core.c");
    CHECK(p1["files"][0]["class"] == "c");
    CHECK(p1["files"][0]["added"] == 2);
    CHECK(p1["files"][0]["removed"] == 2);
    // One hunk (both changes share its context), of the file's class.
    CHECK(p1["files"][0]["hunks"] == nlohmann::json::parse(
                                        R"([{"old_start":2,"new_start":2,"class":"c","added":2,"removed":2}])"));
    // Lines per class, per patch and over all patches.
    CHECK(p1["classes"] == nlohmann::json::parse(R"({"c":{"added":2,"removed":2},"c-header":{"added":2,"removed":2}})"));
    CHECK(j["classes"]["rust"] == nlohmann::json::parse(R"({"added":4,"removed":1})"));
    CHECK(j["classes"]["c"] == nlohmann::json::parse(R"({"added":2,"removed":2})"));
    CHECK(p1["files"][1]["class"] == "c-header");
    CHECK(p1["findings"].empty());
    const auto& p2 = j["patches"][1];
    CHECK(rules_of(p2) ==
          "bindings-call@rust/kernel/widget.rs:17 numeric-cast@rust/kernel/widget.rs:17 unsafe-block@rust/kernel/widget.rs:17 "
          "kernel-pub-item@rust/kernel/widget.rs:22 ");
    for (const auto& f : p2["findings"]) {
      for (const char* key : {"rule", "severity", "path", "line", "end_line", "snippet", "question", "safety_comment",
                              "safety_state"})
        CHECK_MESSAGE(f.contains(key), key);
      if (f["rule"] == "unsafe-block") {
        CHECK(f["safety_state"] == "outside-context");
        CHECK(f["safety_comment"].is_null());
      } else {
        CHECK(f["safety_state"].is_null());
      }
    }

    auto with = run("classify --json --repo " + q(w.repo) + " " + q(w.mbox));
    REQUIRE_MESSAGE(with.status == 0, with.out);
    j = nlohmann::json::parse(with.out);
    // The header bindings_helper.h includes is glue; widget_get's body,
    // WIDGET_MAX and struct widget changed, and Rust uses all three through
    // bindings:: (WIDGET_MAX only after patch 2, which counts too).
    CHECK(j["patches"][0]["files"][1]["class"] == "rust-c-glue");
    CHECK(rules_of(j["patches"][0]) ==
          "c-used-by-rust@drivers/widget/core.c:5 rust-c-glue@include/linux/widget.h:1 "
          "c-used-by-rust@include/linux/widget.h:1 c-used-by-rust@include/linux/widget.h:3 ");
    for (const auto& f : j["patches"][0]["findings"])
      if (f["rule"] == "c-used-by-rust") CHECK(f["question"].get<std::string>().find("rust/kernel/widget.rs:") != std::string::npos);
    // The whole file is parsed: the SAFETY comment above the hunk is found.
    for (const auto& f : j["patches"][1]["findings"])
      if (f["rule"] == "unsafe-block") {
        CHECK(f["safety_state"] == "present");
        CHECK(f["safety_comment"].get<std::string>().rfind("SAFETY: `self.0` is valid", 0) == 0);
      }
    // The repository is only read.
    CHECK(shell("git -C " + q(w.repo) + " status --porcelain").empty());
    CHECK(shell("git -C " + q(w.repo) + " branch --list | wc -l") == "1\n");
  }

  TEST_CASE("checklist --repo of an ingested series: boundary counted, -o writes the file, NO_COLOR text") {
    Widget w;
    REQUIRE(run("--db " + q(w.db) + " ingest " + q(w.mbox)).status == 0);
    const std::string id = shell("grep -m1 -o '<cover[^>]*>' " + q(w.mbox) + " | tr -d '<>' | tr -d '\\n'");
    auto j = run("--db " + q(w.db) + " checklist --format json --repo " + q(w.repo) + " '" + id + "'");
    REQUIRE_MESSAGE(j.status == 0, j.out);
    auto c = nlohmann::json::parse(j.out);
    CHECK(c["summary"]["unsafe_blocks"] == 1);
    CHECK(c["summary"]["without_safety"] == 0);
    CHECK(c["summary"]["boundary_crossings"] == 5);  // c-used-by-rust x3, rust-c-glue, bindings-call
    auto md = run("--db " + q(w.db) + " checklist -o " + q(w.tmp / "c.md") + " --repo " + q(w.repo) + " '" + id + "'");
    REQUIRE_MESSAGE(md.status == 0, md.out);
    CHECK(md.out.empty());
    const std::string file = seam::test::read_bytes(w.tmp / "c.md");
    CHECK(file.find("- [ ] ") != std::string::npos);
    CHECK(file.find("drivers/widget/core.c:5") != std::string::npos);
    auto t = run("--db " + q(w.db) + " checklist --format text '" + id + "'");
    CHECK(t.status == 0);
    CHECK(t.out.find("\033[") == std::string::npos);  // not a TTY: no color
    // On a terminal (script(1) gives one): color, unless NO_COLOR is set.
    int st = 0;
    shell("command -v script", &st);
    SEAM_SKIP_UNLESS(st == 0, "script(1) is not installed");
    const std::string cmd = "script -qc \"'" + std::string(SEAM_BINARY) + "' --db " + q(w.db) +
                            " checklist --format text '" + id + "'\" /dev/null";
    CHECK(shell(cmd).find("\033[") != std::string::npos);
    CHECK(shell("NO_COLOR=1 " + cmd).find("\033[") == std::string::npos);
  }

  TEST_CASE("user rules: $XDG_CONFIG_HOME/seam/rules and --rules add and replace; a broken one is named") {
    Widget w;
    const fs::path xdg = w.tmp / "config", extra = w.tmp / "extra";
    fs::create_directories(xdg / "seam" / "rules");
    fs::create_directories(extra);
    // A new rule, and one that replaces the built-in bindings-call.
    seam::test::write_file(xdg / "seam" / "rules" / "widget-get.scm",
                           "; id: widget-get\n; severity: low\n; message: widget_get called\n"
                           "; question: Is the widget registered?\n"
                           "((call_expression function: (scoped_identifier name: (identifier) @n)) @finding\n"
                           " (#eq? @n \"widget_get\"))\n");
    seam::test::write_file(extra / "bindings-call.scm",
                           "; id: bindings-call\n; severity: info\n; message: mine\n; question: mine?\n"
                           "((call_expression function: (scoped_identifier path: (_) @p)) @finding\n"
                           " (#match? @p \"bindings$\"))\n");
    const std::string env = "XDG_CONFIG_HOME=" + q(xdg) + " ";
    auto ok = run_env(env, "classify --json --rules " + q(extra) + " " + q(w.mbox));
    REQUIRE_MESSAGE(ok.status == 0, ok.out);
    auto j = nlohmann::json::parse(ok.out);
    std::string rules;
    for (const auto& f : j["patches"][1]["findings"])
      rules += f["rule"].get<std::string>() + ":" + f["severity"].get<std::string>() + " ";
    CHECK(rules.find("widget-get:low") != std::string::npos);
    CHECK(rules.find("bindings-call:info") != std::string::npos);
    CHECK(rules.find("bindings-call:medium") == std::string::npos);
    // A broken rule: named with its line on standard error, exit 1, the others still run.
    seam::test::write_file(extra / "broken.scm", "; id: broken\n\n(no_such_node) @finding\n");
    int st = 0;
    const std::string out = shell(env + "'" + SEAM_BINARY + "' classify --json --rules " + q(extra) + " " + q(w.mbox) +
                                  " 2>" + q(w.tmp / "err"), &st);
    CHECK(WEXITSTATUS(st) == 1);
    CHECK(seam::test::read_bytes(w.tmp / "err").find((extra / "broken.scm").string() + ":3") != std::string::npos);
    CHECK(nlohmann::json::parse(out)["patches"][1]["findings"].size() > 0);
    // The same for checklist.
    REQUIRE(run("--db " + q(w.db) + " ingest " + q(w.mbox)).status == 0);
    const std::string id = shell("grep -m1 -o '<cover[^>]*>' " + q(w.mbox) + " | tr -d '<>' | tr -d '\\n'");
    auto c = run_env(env, "--db " + q(w.db) + " checklist --rules " + q(extra) + " '" + id + "'");
    CHECK(c.status == 1);
    CHECK(c.out.find((extra / "broken.scm").string() + ":3") != std::string::npos);
    CHECK(c.out.find("widget_get called") != std::string::npos);
  }

  TEST_CASE("classify and checklist errors name the input and exit 1") {
    Widget w;
    auto missing = run("--db " + q(w.db) + " classify no-such-message@example.org");
    CHECK(missing.status == 1);
    CHECK(missing.out.find("no-such-message@example.org") != std::string::npos);
    seam::test::write_file(w.tmp / "note.txt", "From: a@b\nSubject: hello\n\nno diff here\n");
    auto nodiff = run("classify " + q(w.tmp / "note.txt"));
    CHECK(nodiff.status == 1);
    CHECK(nodiff.out.find("no patch") != std::string::npos);
    // A repository where the series does not apply (nor any commit of it:
    // seam would find the base by the blob ids in the patches).
    const fs::path other = w.tmp / "other";
    shell("git init -q " + q(other) + " && cd " + q(other) + " && mkdir -p drivers/widget && echo x > drivers/widget/core.c"
          " && git add -A && git -c user.name=T -c user.email=t@x commit -qm other");
    auto wrong = run("classify --repo " + q(other) + " " + q(w.mbox));
    CHECK(wrong.status == 1);
    CHECK(wrong.out.find("does not apply") != std::string::npos);
    CHECK(wrong.out.find("drivers/widget/core.c") != std::string::npos);
    auto not_repo = run("classify --repo " + q(w.tmp / "nowhere") + " " + q(w.mbox));
    CHECK(not_repo.status == 1);
    CHECK(not_repo.out.find("nowhere") != std::string::npos);
    // -o where nothing can be written: the file and why.
    REQUIRE(run("--db " + q(w.db) + " ingest " + q(w.mbox)).status == 0);
    const std::string id = shell("grep -m1 -o '<cover[^>]*>' " + q(w.mbox) + " | tr -d '<>' | tr -d '\\n'");
    auto unwritable = run("--db " + q(w.db) + " checklist -o " + q(w.tmp / "no" / "dir" / "c.md") + " '" + id + "'");
    CHECK(unwritable.status == 1);
    CHECK(unwritable.out.find((w.tmp / "no" / "dir" / "c.md").string() + ": No such file or directory") !=
          std::string::npos);
    auto none = run("--db " + q(w.db) + " checklist nothing@example.org");
    CHECK(none.status == 1);
    CHECK(none.out.find("nothing@example.org") != std::string::npos);
  }

  TEST_CASE("classify --json on every corpus thread: valid JSON, every patch, sane findings") {
    auto dir = seam::test::shared("corpus/threads");
    SEAM_SKIP_UNLESS(!dir.empty(), "../shared/corpus/threads is absent");
    int threads = 0, patches = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      auto r = run("classify --json " + q(e.path()));
      if (e.path().filename().string().find("git-pull") != std::string::npos) {
        CHECK(r.status == 1);  // a pull request carries no patch
        CHECK(r.out.find("no patch") != std::string::npos);
        continue;
      }
      REQUIRE_MESSAGE(r.status == 0, e.path() << "\n" << r.out);
      auto j = nlohmann::json::parse(r.out);
      ++threads;
      for (const auto& p : j["patches"]) {
        ++patches;
        CHECK(!p["files"].empty());
        for (const auto& f : p["findings"]) {
          CHECK(f["line"].get<int>() >= 1);
          CHECK(f["end_line"].get<int>() >= f["line"].get<int>());
        }
      }
    }
    CHECK(threads == 10);
    CHECK(patches > 50);
  }
}
