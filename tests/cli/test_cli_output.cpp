// What the seam binary prints and how it ends: usage errors (status 2), help,
// -o (standard output, format from the extension), list order and columns, a
// failed write to standard output in every command, and a hostile series
// whose every output (md, text, html, json) must carry no live control
// sequence, link, image or HTML.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmark.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "reports/escape.hpp"
#include "tests/support.hpp"

extern char** environ;

namespace fs = std::filesystem;
using seam::test::shell;

namespace {

struct Result {
  int status;
  std::string out, err;
};

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// seam with `args` (test-controlled shell words); standard error apart.
Result run(const std::string& args, const fs::path& errfile) {
  int st = 0;
  std::string out = shell("'" + std::string(SEAM_BINARY) + "' " + args + " 2>" + q(errfile), &st);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out, seam::test::read_bytes(errfile)};
}

// seam with its standard output a pipe whose reading end is already closed
// (a pager that quit): status and standard error.
Result run_into_closed_pipe(const std::vector<std::string>& args, const fs::path& errfile) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, errfile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_s = {SEAM_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, SEAM_BINARY, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  REQUIRE(rc == 0);
  int st = 0;
  REQUIRE(::waitpid(pid, &st, 0) == pid);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1000 - WTERMSIG(st), "", seam::test::read_bytes(errfile)};
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A store with the sample series (tests/data/sample).
struct Sample {
  seam::test::TempDir tmp;
  fs::path db = tmp / "s.db", err = tmp / "err";
  std::string id = "20251103-counter-v2-0-ada@example.org";
  Sample() {
    REQUIRE(run("--db " + q(db) + " ingest " + q(seam::test::data("sample/rust-counter-v2.mbox")), err).status == 0);
  }
  Result seam(const std::string& args) { return run("--db " + q(db) + " " + args, err); }
};

// Bytes a terminal acts on: C0 controls other than newline and tab, DEL,
// C1 controls in UTF-8, bidi overrides and isolates.
std::string live_control(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return "byte " + std::to_string(c) + " at " + std::to_string(i);
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f)
      return "C1 control at " + std::to_string(i);
    if (s.compare(i, 3, "\xe2\x80\xae") == 0 || s.compare(i, 3, "\xe2\x80\xad") == 0 ||
        s.compare(i, 3, "\xe2\x81\xa6") == 0)
      return "bidi control at " + std::to_string(i);
  }
  return "";
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("usage errors exit 2; help and an unknown command say something useful") {
    seam::test::TempDir tmp;
    const fs::path err = tmp / "err";
    auto none = run("", err);
    CHECK(none.status == 2);
    CHECK(none.err.find("checklist") != std::string::npos);  // the commands are listed
    auto unknown = run("frobnicate", err);
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("'frobnicate' is not a seam command. See 'seam help'.") != std::string::npos);
    auto typo = run("--db " + q(tmp / "s.db") + " chekclist x", err);
    CHECK(typo.status == 2);
    CHECK(typo.err.find("\tchecklist\n") != std::string::npos);
    auto help = run("help", err);
    CHECK(help.status == 0);
    for (const char* cmd : {"ingest", "list", "series", "show", "am", "apply", "range-diff", "classify", "checklist"})
      CHECK_MESSAGE(help.out.find(cmd) != std::string::npos, cmd);
    auto help_one = run("help checklist", err);
    CHECK(help_one.status == 0);
    CHECK(help_one.out.find("--format") != std::string::npos);
    CHECK(run("help nothing", err).status == 2);
    CHECK(run("--version", err).status == 0);
    CHECK(run("list --help", err).status == 0);
    // The parser's errors: a missing argument, an unknown option, a bad value.
    for (const char* args : {"checklist", "show", "list --no-such-option", "checklist x --format pdf",
                             "series --since", "classify a b c", "--db", "checklist x --max-items -1",
                             "checklist x --max-items 0", "list -n -1"}) {
      auto r = run("--db " + q(tmp / "s.db") + " " + args, err);
      CHECK_MESSAGE(r.status == 2, args << ": " << r.err);
      CHECK_MESSAGE(!r.err.empty(), args);
    }
    // Errors of the input, not of the command line, stay 1.
    CHECK(run("--db " + q(tmp / "s.db") + " show nothing@example.org", err).status == 1);
    // Saved-query bookkeeping writes no mail: a mistyped store is an error
    // and is not created.
    CHECK(run("--db " + q(tmp / "typo.db") + " fetch --followed", err).status == 1);
    CHECK(run("--db " + q(tmp / "typo.db") + " fetch --unfollow x", err).status == 1);
    CHECK_FALSE(fs::exists(tmp / "typo.db"));
  }

  TEST_CASE("--db before or after the subcommand") {
    Sample s;
    auto before = run("--db " + q(s.db) + " list --json", s.err);
    auto after = run("list --json --db " + q(s.db), s.err);
    REQUIRE(before.status == 0);
    REQUIRE(after.status == 0);
    CHECK(nlohmann::json::parse(after.out).size() == 5);
    CHECK(after.out == before.out);
    CHECK(run("checklist --db " + q(s.db) + " " + s.id, s.err).out == s.seam("checklist " + s.id).out);
  }

  TEST_CASE("series --since: impossible dates are refused, a year or a month means its first day") {
    Sample s;  // the sample series: v2 dated 2025-11-03
    for (const char* bad : {"2025-02-30", "2025-02-29", "2025-13-01", "2025-11-03T25:00", "2025-1-3", "yesterday"}) {
      auto r = s.seam(std::string("series --since ") + bad);
      CHECK_MESSAGE(r.status == 2, bad);
      CHECK_MESSAGE(r.err.find("not a possible date") != std::string::npos, bad);
    }
    for (const char* from : {"2024-02-29", "2025", "2025-11", "2025-11-03", "2025-11-03T00:00"})
      CHECK_MESSAGE(s.seam(std::string("series --since ") + from).out.find("hardware counters") != std::string::npos, from);
    for (const char* after : {"2025-12", "2026", "2025-11-04"})
      CHECK_MESSAGE(s.seam(std::string("series --since ") + after).out.empty(), after);
  }

  TEST_CASE("-o - is standard output; -o FILE takes its format from the extension") {
    Sample s;
    auto dash = run("--db " + q(s.db) + " checklist " + s.id + " -o -", s.err);
    CHECK(dash.status == 0);
    CHECK(dash.out.rfind("# Review checklist: ", 0) == 0);
    CHECK(!fs::exists("-"));
    auto am = run("--db " + q(s.db) + " am " + s.id + " -o -", s.err);
    CHECK(am.status == 0);
    CHECK(am.out.rfind("From ", 0) == 0);
    CHECK(am.err.empty());

    REQUIRE(s.seam("checklist " + s.id + " -o " + q(s.tmp / "c.html")).status == 0);
    const std::string html = seam::test::read_bytes(s.tmp / "c.html");
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("<input type=\"checkbox\" disabled>") != std::string::npos);
    CHECK(html.find("[ ]") == std::string::npos);
    REQUIRE(s.seam("checklist " + s.id + " -o " + q(s.tmp / "c.JSON")).status == 0);
    CHECK(nlohmann::json::parse(seam::test::read_bytes(s.tmp / "c.JSON"))["summary"]["unsafe_blocks"] == 4);
    REQUIRE(s.seam("checklist " + s.id + " -o " + q(s.tmp / "c.txt")).status == 0);
    CHECK(seam::test::read_bytes(s.tmp / "c.txt").find("  [ ] rust/kernel/counter.rs:") != std::string::npos);
    REQUIRE(s.seam("checklist " + s.id + " -o " + q(s.tmp / "c.md")).status == 0);
    CHECK(seam::test::read_bytes(s.tmp / "c.md").rfind("# Review checklist: ", 0) == 0);
    // --format wins over the extension; an unknown extension is Markdown.
    REQUIRE(s.seam("checklist " + s.id + " --format md -o " + q(s.tmp / "d.html")).status == 0);
    CHECK(seam::test::read_bytes(s.tmp / "d.html").rfind("# Review checklist: ", 0) == 0);
    REQUIRE(s.seam("checklist " + s.id + " -o " + q(s.tmp / "checklist.out")).status == 0);
    CHECK(seam::test::read_bytes(s.tmp / "checklist.out").rfind("# Review checklist: ", 0) == 0);
  }

  TEST_CASE("list: newest first, columns aligned by display width with non-ASCII names") {
    seam::test::TempDir tmp;
    const fs::path mbox = tmp / "names.mbox", err = tmp / "err";
    auto mail = [](const std::string& from, const std::string& subject, const std::string& date,
                   const std::string& id) {
      return "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: " + from + "\nSubject: " + subject + "\nDate: " + date +
             "\nMessage-ID: <" + id + ">\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
             "Content-Transfer-Encoding: 8bit\n\nbody\n\n";
    };
    seam::test::write_file(
        mbox, mail("Ada Example <ada@example.org>", "oldest", "Mon, 03 Nov 2025 10:00:00 +0000", "a@example.org") +
                  mail("Zoë Ünal-Çelik <zoe@example.org>", "middle", "Tue, 04 Nov 2025 10:00:00 +0000",
                       "z@example.org") +
                  mail("山田 太郎 <taro@example.org>", "newest", "Wed, 05 Nov 2025 10:00:00 +0000", "t@example.org") +
                  mail("Undated Person <u@example.org>", "undated", "whenever", "u@example.org") +
                  mail("A Very Long Name That Does Not Fit In The Column <long@example.org>", "long name",
                       "Sun, 02 Nov 2025 10:00:00 +0000", "l@example.org"));
    REQUIRE(run("--db " + q(tmp / "s.db") + " ingest " + q(mbox), err).status == 0);
    auto text = run("--db " + q(tmp / "s.db") + " list", err);
    REQUIRE(text.status == 0);
    auto lines = lines_of(text.out);
    REQUIRE(lines.size() == 5);
    const std::vector<std::string> order = {"newest", "middle", "oldest", "long name", "undated"};
    for (size_t i = 0; i < lines.size(); ++i) {
      CAPTURE(lines[i]);
      const size_t at = lines[i].rfind(order[i]);
      REQUIRE(at != std::string::npos);
      CHECK(at + order[i].size() == lines[i].size());
      // date (10) + 2 + author (24 columns) + 2
      CHECK(seam::reports::display_width(lines[i].substr(0, at)) == 38);
    }
    CHECK(lines[0].find("山田 太郎") != std::string::npos);
    CHECK(lines[3].find("…") != std::string::npos);
    auto j = nlohmann::json::parse(run("--db " + q(tmp / "s.db") + " list --json", err).out);
    REQUIRE(j.size() == 5);
    CHECK(j[0]["msgid"] == "t@example.org");
    CHECK(j[4]["msgid"] == "u@example.org");
    auto two = nlohmann::json::parse(run("--db " + q(tmp / "s.db") + " list --json -n 2", err).out);
    REQUIRE(two.size() == 2);
    CHECK(two[0]["msgid"] == "t@example.org");
    CHECK(two[1]["msgid"] == "z@example.org");
  }

  TEST_CASE("a failed write to standard output: non-zero exit and a message, in every command") {
    Sample s;
    SEAM_SKIP_UNLESS(fs::exists("/dev/full"), "/dev/full is absent");
    const std::vector<std::string> commands = {
        "list", "list --json", "series", "series --json", "show " + s.id, "checklist " + s.id,
        "checklist --format json " + s.id, "checklist --format html " + s.id, "checklist --format text " + s.id,
        "am " + s.id, "classify " + q(seam::test::data("sample/rust-counter-v2.mbox")),
        "ingest " + q(seam::test::data("sample/rust-counter-v2.mbox")), "help"};
    for (const auto& c : commands) {
      auto r = run("--db " + q(s.db) + " " + c + " >/dev/full", s.err);
      CHECK_MESSAGE(r.status != 0, c);
      CHECK_MESSAGE(r.err.find("cannot write to standard output: No space left on device") != std::string::npos,
                    c << ": " << r.err);
    }
    // mailinfo keeps git's behaviour but also fails.
    auto mi = run("mailinfo " + q(s.tmp / "msg") + " " + q(s.tmp / "patch") + " <" +
                      q(seam::test::data("sample/rust-counter-v2.mbox")) + " >/dev/full",
                  s.err);
    CHECK(mi.status != 0);
    // A pager that quit: the pipe is closed.
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--db", s.db.string(), "list"},
          std::vector<std::string>{"--db", s.db.string(), "checklist", s.id}}) {
      auto r = run_into_closed_pipe(args, s.err);
      CHECK(r.status == 1);
      CHECK(r.err.find("cannot write to standard output: Broken pipe") != std::string::npos);
    }
    // A command that succeeds still exits 0.
    CHECK(s.seam("list >/dev/null").status == 0);
  }

  TEST_CASE("a hostile series: no live control sequence, link, image or HTML in any output") {
    seam::test::TempDir tmp;
    const fs::path db = tmp / "s.db", err = tmp / "err", mbox = seam::test::data("hostile/evil-series.mbox");
    const std::string seam_db = "--db " + q(db) + " ";
    REQUIRE(run(seam_db + "ingest " + q(mbox), err).status == 0);
    const std::string id = "evil-0@example.org";
    std::map<std::string, std::string> out;
    for (const char* f : {"md", "text", "html", "json"}) {
      auto r = run(seam_db + "checklist --format " + f + " " + id, err);
      REQUIRE_MESSAGE(r.status == 0, f << ": " << r.err);
      out[f] = r.out;
    }
    // The hostile text did reach the checklist (else this test tests nothing).
    auto j = nlohmann::json::parse(out["json"]);
    REQUIRE(j["patches"].size() == 1);
    CHECK(j["title"].get<std::string>().find("\x1b]0;pwned\x07") != std::string::npos);
    const auto& findings = j["patches"][0]["findings"];
    bool saw_safety = false;
    for (const auto& f : findings) {
      CHECK(f["path"].get<std::string>().find("evil`x`\x1b]0;pwned\x07<img") != std::string::npos);
      if (f["rule"] == "unsafe-block") {
        saw_safety = true;
        CHECK(f["safety_state"] == "present");
        CHECK(f["safety_comment"].get<std::string>().find("\x1b]52;c;") != std::string::npos);
      }
    }
    CHECK(saw_safety);
    CHECK(out["md"].find("\\x1b]52;c;ZWNobyBwd25lZA==\\x07") != std::string::npos);  // shown, escaped
    CHECK(out["text"].find("\\x1b]0;pwned\\x07") != std::string::npos);
    CHECK(out["text"].find("\\u{202e}") != std::string::npos);

    // (no structured binding: clang cannot capture one in doctest's lambda)
    for (const auto& kv : out) CHECK_MESSAGE(live_control(kv.second).empty(), kv.first << ": " << live_control(kv.second));

    // Markdown, as cmark reads it: no link, image or HTML at all, and the
    // hostile file name is one code span.
    const std::string& md = out["md"];
    struct Free {
      void operator()(cmark_node* n) const { cmark_node_free(n); }
    };
    std::unique_ptr<cmark_node, Free> doc(cmark_parse_document(md.data(), md.size(), CMARK_OPT_DEFAULT));
    REQUIRE(doc);
    int links = 0, html_nodes = 0, path_spans = 0;
    cmark_iter* it = cmark_iter_new(doc.get());
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
      if (ev != CMARK_EVENT_ENTER) continue;
      cmark_node* n = cmark_iter_get_node(it);
      const auto type = cmark_node_get_type(n);
      links += type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE;
      html_nodes += type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_HTML_BLOCK;
      if (type == CMARK_NODE_CODE &&
          std::string(cmark_node_get_literal(n)).rfind("rust/kernel/evil`x`\\x1b]0;pwned\\x07<img src=x onerror=alert(5)>.rs:", 0) == 0)
        ++path_spans;
    }
    cmark_iter_free(it);
    CHECK(links == 0);
    CHECK(html_nodes == 0);
    // One code span per checklist entry (findings on one line or of one
    // rule in one file are one entry).
    REQUIRE(j["patches"][0].contains("entries"));
    CHECK(path_spans == static_cast<int>(j["patches"][0]["entries"].size()));
    CHECK(path_spans >= 1);

    // HTML: mail text only as escaped text.
    const std::string& html = out["html"];
    for (const char* tag : {"<script", "<img", "<a ", "<b>", "href=", "src=\"", "javascript:alert(3)\"", "raw HTML omitted"})
      CHECK_MESSAGE(html.find(tag) == std::string::npos, tag);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("<input type=\"checkbox\" disabled>") != std::string::npos);

    // Other outputs for people: list, classify (text and JSON).
    auto list = run(seam_db + "list", err);
    CHECK(list.status == 0);
    CHECK(list.out.find("\\x1b[2J") != std::string::npos);
    CHECK(live_control(list.out).empty());
    auto cls = run("classify " + q(mbox), err);
    CHECK(cls.status == 0);
    CHECK(cls.out.find("evil`x`\\x1b]0;pwned\\x07<img") != std::string::npos);
    CHECK(live_control(cls.out).empty());
    for (const std::string& cmd : {"classify --json " + q(mbox), seam_db + "list --json", seam_db + "series --json"}) {
      auto r = run(cmd, err);
      CHECK(r.status == 0);
      CHECK_MESSAGE(live_control(r.out).empty(), cmd);
      CHECK(nlohmann::json::accept(r.out));
    }
  }

  TEST_CASE("scripts/demo.sh builds only what it runs: the seam target") {
    const std::string demo = seam::test::read_bytes(fs::path(SEAM_SOURCE_DIR) / "scripts" / "demo.sh");
    REQUIRE(!demo.empty());
    int builds = 0;
    for (const auto& line : lines_of(demo)) {
      if (line.rfind("cmake --build", 0) != 0) continue;
      ++builds;
      CHECK_MESSAGE(line.find("--target seam ") != std::string::npos, line);
      CHECK(line.find("seam_tests") == std::string::npos);
    }
    CHECK(builds == 1);
    CHECK(demo.find("build/tests/") == std::string::npos);  // it runs no test binary
  }
}
