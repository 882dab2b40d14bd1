// People and review events: identities (mailmap, a name tied by a trailer),
// each event kind, areas from MAINTAINERS (F: with wildcards and
// directories, X:, N:), the commands' output and errors, suggestions that
// leave out the author and who already reviewed, and a reply stored before
// its patch counted once the patch arrives.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "core/people/events.hpp"
#include "core/people/maintainers.hpp"
#include "core/people/people.hpp"
#include "core/store/store.hpp"
#include "git/mailmap.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
namespace pp = seam::core::people;

namespace {

struct Run {
  int status;
  std::string out;
};

// Standard output only (JSON), or with standard error when `err`.
Run seam_run(const std::string& args, bool err = true) {
  int st = 0;
  std::string out = seam::test::shell(std::string("GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null '") +
                                          SEAM_BINARY + "' " + args + (err ? " 2>&1" : " 2>/dev/null"),
                                      &st);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::string fixture(const std::string& name) { return q(seam::test::data("people/" + name)); }

const nlohmann::json* row_of(const nlohmann::json& rows, const std::string& email) {
  for (const auto& r : rows)
    if (r["person"]["email"] == email) return &r;
  return nullptr;
}

std::string maintainers_text() { return seam::test::read_bytes(seam::test::data("people/MAINTAINERS")); }

}  // namespace

TEST_SUITE("people") {
  TEST_CASE("MAINTAINERS: F: directories and wildcards, X: exclusions, N: regexes, the most specific first") {
    pp::Maintainers m(maintainers_text());
    CHECK(m.errors().empty());
    REQUIRE(m.sections().size() == 5);  // the preamble's indented examples are no section
    CHECK(m.sections()[0].name == "FOO DRIVER");
    CHECK(m.sections()[0].reviewers == std::vector<std::string>{"Grace Guard <grace@example.org>"});
    auto areas = [&](const std::string& p) { return m.areas_of(p); };
    CHECK(areas("drivers/foo/bar.c") == std::vector<std::string>{"FOO DRIVER"});
    CHECK(areas("drivers/foo/sub/deep.c") == std::vector<std::string>{"FOO DRIVER"});
    CHECK(areas("drivers/foo/legacy/old.c") == std::vector<std::string>{"THE REST"});  // X:
    CHECK(areas("rust/kernel/foo.rs") == std::vector<std::string>{"FOO RUST BINDINGS"});
    CHECK(areas("rust/kernel/foo/dev.rs") == std::vector<std::string>{"FOO RUST BINDINGS"});
    CHECK(areas("rust/kernel/foo/sub/dev.rs") == std::vector<std::string>{"THE REST"});  // * stops at /
    CHECK(areas("include/foo.h") == std::vector<std::string>{"HEADERS ANYWHERE"});
    CHECK(areas("include/linux/foo.h") == std::vector<std::string>{"THE REST"});
    CHECK(areas("net/netfoo/core.c") == std::vector<std::string>{"NETFOO BY NAME"});  // N:
    CHECK(m.sections_of("drivers/foo/bar.c").size() == 2);  // FOO DRIVER, then THE REST
    CHECK(m.sections()[m.sections_of("drivers/foo/bar.c").front()].name == "FOO DRIVER");
    CHECK(pp::path_area("drivers/net/x.c") == "drivers/net");
    CHECK(pp::path_area("scripts/x.sh") == "scripts");
    CHECK(pp::path_area("Makefile") == "Makefile");
    pp::Maintainers bad("BROKEN\nN:\t[unclosed\nF:\tx/\n");
    CHECK(bad.errors().size() == 1);
    CHECK(bad.areas_of("x/y.c") == std::vector<std::string>{"BROKEN"});
  }

  TEST_CASE("a review reply: quoted diff lines found in the patch, own lines below them counted") {
    const std::string patch =
        "msg\n---\ndiff --git a/a/x.c b/a/x.c\n--- a/a/x.c\n+++ b/a/x.c\n@@ -1,3 +1,3 @@\n int f(void)\n {\n"
        "-\treturn 0;\n+\treturn 1;\ndiff --git a/b/y.c b/b/y.c\n--- a/b/y.c\n+++ b/b/y.c\n@@ -1 +1,2 @@\n int y;\n"
        "+int z;\n";
    const std::string reply =
        "On Monday someone wrote:\n> msg\n> -\treturn 0;\n> +\treturn 1;\n\nWhy one?\n\n>> +int z;\n"
        "Reviewed-by: A <a@example.org>\n-- \nsig line\n";
    auto m = pp::match_quotes(reply, patch);
    CHECK(m.quoted == 2);
    CHECK(m.comments == 1);
    CHECK(m.files == std::vector<int>{0});
    CHECK(m.hunks == std::vector<std::pair<int, int>>{{0, 0}});
    auto none = pp::match_quotes("Thanks!\n> msg\nok\n", patch);
    CHECK(none.quoted == 0);
    CHECK(none.comments == 0);
  }

  TEST_CASE("mailmap: from a buffer, a file and a repository's .mailmap") {
    auto mm = seam::git::Mailmap::from_buffer("Dave Dev <dave@example.org> <dave@old.example.net>\n");
    CHECK_FALSE(mm.empty());
    CHECK(mm.resolve("Dave D", "dave@old.example.net") == std::make_pair(std::string("Dave Dev"), std::string("dave@example.org")));
    CHECK(mm.resolve("Other", "other@example.org") == std::make_pair(std::string("Other"), std::string("other@example.org")));
    auto file = seam::git::Mailmap::from_file(seam::test::data("people/mailmap").string());
    CHECK(file.resolve("", "DAVE@old.example.net").second == "dave@example.org");
    CHECK_THROWS(seam::git::Mailmap::from_file("/nonexistent/mailmap"));
    seam::test::TempDir tmp;
    seam::test::shell("git init -q " + q(tmp.path()));
    seam::test::write_file(tmp / ".mailmap", "Erin Early <erin@example.org> <erin@old.example.net>\n");
    auto repo = seam::git::Mailmap::from_repository(tmp.path().string());
    CHECK(repo.resolve("E", "erin@old.example.net").second == "erin@example.org");
    CHECK_THROWS(seam::git::Mailmap::from_repository((tmp / "nothing-here").string()));
  }

  TEST_CASE("events of each kind; identities merged by mailmap and by a trailer's name") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "p.db") + " ";
    REQUIRE(seam_run(db + "ingest " + fixture("series.mbox")).status == 0);
    auto r = seam_run(db + "reviewers --json --mailmap " + fixture("mailmap") + " --maintainers " + fixture("MAINTAINERS"), false);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    const auto& rows = j["reviewers"];
    CHECK(rows.size() == 3);  // not the author replying to herself, not a thank-you without quotes
    const auto* bob = row_of(rows, "bob@example.org");
    REQUIRE(bob);
    CHECK((*bob)["trailers"] == 1);  // Acked-by sent from bob@work.example.com, tied by the name
    CHECK((*bob)["comments"] == 1);  // the reply quoting patch 1's diff
    CHECK((*bob)["person"]["emails"].size() == 2);
    CHECK((*bob)["rust"] == 1);
    CHECK((*bob)["unsafe"] == 1);
    const auto* carol = row_of(rows, "carol@example.org");
    REQUIRE(carol);
    CHECK((*carol)["trailers"] == 1);  // given to the cover letter: the whole series
    CHECK((*carol)["areas"].size() == 2);
    const auto* dave = row_of(rows, "dave@example.org");  // by the mailmap
    REQUIRE(dave);
    CHECK((*dave)["person"]["name"] == "Dave Dev");
    CHECK((*dave)["areas"][0]["area"] == "FOO DRIVER");
    CHECK(row_of(rows, "alice@example.org") == nullptr);
    CHECK(row_of(rows, "frank@example.org") == nullptr);
    // Without the mailmap Dave keeps his old address; areas are paths.
    auto plain = nlohmann::json::parse(seam_run(db + "reviewers --json", false).out);
    CHECK(row_of(plain["reviewers"], "dave@old.example.net"));
    CHECK(row_of(plain["reviewers"], "dave@example.org") == nullptr);
    // Filters.
    auto rust = nlohmann::json::parse(seam_run(db + "reviewers --json --lang rust", false).out);
    CHECK(rust["reviewers"].size() == 2);  // Bob's comment, Carol's cover trailer
    for (const auto& r : rust["reviewers"])  // the areas of the Rust files only
      for (const auto& a : r["areas"]) CHECK_MESSAGE(a["area"].get<std::string>().rfind("rust", 0) == 0, a.dump());
    CHECK(seam_run(db + "reviewers --since 2025-03 --until 2025-01").status == 2);
    auto since = nlohmann::json::parse(seam_run(db + "reviewers --json --since 2025-02", false).out);
    CHECK(row_of(since["reviewers"], "dave@old.example.net") == nullptr);
    auto path = nlohmann::json::parse(seam_run(db + "reviewers --json --path drivers/foo/", false).out);
    CHECK(path["reviewers"].size() == 3);
    auto area = nlohmann::json::parse(
        seam_run(db + "reviewers --json --area 'rust bindings' --maintainers " + fixture("MAINTAINERS"), false).out);
    CHECK(area["reviewers"].size() == 2);
    // The areas column follows the filter: only areas of files under --path,
    // only areas --area names.
    for (const auto& r : path["reviewers"])
      for (const auto& a : r["areas"]) CHECK_MESSAGE(a["area"] == "drivers/foo", a.dump());
    for (const auto& r : area["reviewers"])
      for (const auto& a : r["areas"]) CHECK_MESSAGE(a["area"] == "FOO RUST BINDINGS", a.dump());
    // An area no file is in is a misspelling, not an empty answer.
    auto typo = seam_run(db + "reviewers --area 'no such area' --maintainers " + fixture("MAINTAINERS"));
    CHECK(typo.status == 1);
    CHECK(typo.out.find("--area no such area: no area of any reviewed file is named so") != std::string::npos);
    // The library reads the same: authored patches too.
    seam::core::Store store((tmp / "p.db").string(), seam::core::Store::Open::existing);
    auto d = pp::load(store, {}, nullptr);
    int authored = 0, comments = 0, trailers = 0;
    for (const auto& e : d.events)
      (e.kind == pp::EventKind::authored ? authored : e.kind == pp::EventKind::comment ? comments : trailers)++;
    CHECK(authored == 3);
    CHECK(comments == 2);  // Bob's, and the author's own from another address…
    CHECK(trailers == 3);
    int reviews = 0;
    for (const auto& e : d.events) reviews += e.review();
    CHECK(reviews == 4);  // …which is no review: the same name answering her patch ties the addresses
    auto alice = pp::find_person(d, "alice@home.example.net");
    REQUIRE(alice.size() == 1);
    CHECK(d.people[alice.front()].email == "alice@example.org");
    CHECK(d.people[alice.front()].emails.size() == 2);
  }

  TEST_CASE("experience: month by month, first Rust and unsafe review; unknown and ambiguous people") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "p.db") + " ";
    REQUIRE(seam_run(db + "ingest " + fixture("series.mbox")).status == 0);
    auto r = seam_run(db + "experience bob@work.example.com --json", false);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["person"]["email"] == "bob@example.org");
    CHECK(j["trailers"] == 1);
    CHECK(j["comments"] == 1);
    CHECK(j["quoted"] == 4);
    CHECK(j["first_rust_review"] == "2025-03-04");
    CHECK(j["first_unsafe_review"] == "2025-03-04");
    CHECK(j["reviewed_with"][0]["person"]["email"] == "carol@example.org");
    CHECK(j["months"].size() == 2);
    auto alice = nlohmann::json::parse(seam_run(db + "experience 'alice author' --json", false).out);
    CHECK(alice["authored"] == 2);
    CHECK(alice["first_review"].is_null());
    auto text = seam_run(db + "experience Carol");
    CHECK(text.status == 0);
    CHECK(text.out.find("Carol Checker <carol@example.org>") != std::string::npos);
    auto unknown = seam_run(db + "experience nobody-here");
    CHECK(unknown.status == 1);
    CHECK(unknown.out.find("nobody-here: no one") != std::string::npos);
    auto many = seam_run(db + "experience example.org");
    CHECK(many.status == 1);
    CHECK(many.out.find("Erin Early <erin@example.org>") != std::string::npos);
    CHECK(many.out.find("Bob Reviewer <bob@example.org>") != std::string::npos);
  }

  TEST_CASE("suggest: ranked with reasons, never the author nor who already reviewed this version") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "p.db") + " ";
    REQUIRE(seam_run(db + "ingest " + fixture("series.mbox")).status == 0);
    auto r = seam_run(db + "suggest alice-2@example.org --json --mailmap " + fixture("mailmap") + " --maintainers " +
                          fixture("MAINTAINERS"),
                      false);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["version"] == 1);
    const auto& rows = j["reviewers"];
    std::vector<std::string> who;
    for (const auto& x : rows) who.push_back(x["person"]["email"]);
    for (const char* out : {"alice@example.org", "bob@example.org", "carol@example.org"})
      CHECK(std::find(who.begin(), who.end(), out) == who.end());
    CHECK(std::find(who.begin(), who.end(), "dave@example.org") != who.end());
    CHECK(std::find(who.begin(), who.end(), "grace@example.org") != who.end());  // R: of FOO DRIVER
    CHECK(std::find(who.begin(), who.end(), "root@example.org") == who.end());   // THE REST is not specific
    for (const auto& x : rows)
      if (x["person"]["email"] == "dave@example.org") {
        CHECK(x["file_reviews"] == 1);
        CHECK(x["last"] == "2025-01-07");
      }
    auto one = nlohmann::json::parse(seam_run(db + "suggest alice-2@example.org --json -n 1 --maintainers " + fixture("MAINTAINERS"), false).out);
    CHECK(one["reviewers"].size() == 1);
    auto text = seam_run(db + "suggest alice-0@example.org --mailmap " + fixture("mailmap"));
    CHECK(text.status == 0);
    CHECK(text.out.find("Dave Dev <dave@example.org>") != std::string::npos);
    CHECK(text.out.find("reviewed these files once") != std::string::npos);
    CHECK(seam_run(db + "suggest no-such@example.org").status == 1);
    CHECK(seam_run(db + "suggest").status == 2);
    CHECK(seam_run(db + "suggest alice-0@example.org -n 0").status == 2);
  }

  TEST_CASE("a reply stored before its patch counts once the patch arrives, and only once") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "p.db") + " ";
    REQUIRE(seam_run(db + "ingest " + fixture("late-reply.mbox")).status == 0);
    auto before = nlohmann::json::parse(seam_run(db + "reviewers --json", false).out);
    CHECK(before["reviewers"].empty());
    REQUIRE(seam_run(db + "ingest " + fixture("late-patch.mbox")).status == 0);
    for (int k = 0; k < 2; ++k) {
      auto after = nlohmann::json::parse(seam_run(db + "reviewers --json", false).out);
      REQUIRE(after["reviewers"].size() == 1);
      CHECK(after["reviewers"][0]["person"]["email"] == "carol@example.org");
      CHECK(after["reviewers"][0]["comments"] == 1);
    }
    REQUIRE(seam_run(db + "ingest " + fixture("series.mbox")).status == 0);
    auto all = nlohmann::json::parse(seam_run(db + "reviewers --json", false).out);
    const auto* carol = row_of(all["reviewers"], "carol@example.org");
    REQUIRE(carol);
    CHECK((*carol)["comments"] == 1);
    CHECK((*carol)["trailers"] == 1);
  }

  TEST_CASE("errors: no store, an empty store, bad options") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "e.db") + " ";
    auto none = seam_run(db + "reviewers");
    CHECK(none.status == 1);
    CHECK_FALSE(fs::exists(tmp / "e.db"));
    { seam::core::Store create((tmp / "e.db").string()); }
    for (const char* cmd : {"reviewers", "experience someone", "suggest some@example.org"}) {
      auto r = seam_run(db + cmd);
      CHECK(r.status == 1);
      CHECK(r.out.find("holds no mail") != std::string::npos);
    }
    CHECK(seam_run(db + "reviewers --lang cobol").status == 2);
    CHECK(seam_run(db + "reviewers --since 2025-13").status == 2);
    CHECK(seam_run(db + "reviewers --area x --path y").status == 2);
    CHECK(seam_run(db + "experience").status == 2);
    // A number option says what is wrong with it.
    for (const auto& [arg, why] : {std::pair{"abc", "-n: abc is not a whole number"},
                                   std::pair{"7x", "-n: 7x is not a whole number"},
                                   std::pair{"0", "-n: 0 is not between 1 and 1000"}}) {
      auto r = seam_run(db + "suggest some@example.org -n " + arg);
      CHECK(r.status == 2);
      CHECK_MESSAGE(r.out.find(why) != std::string::npos, r.out);
    }
    REQUIRE(seam_run(db + "ingest " + fixture("series.mbox")).status == 0);
    auto mm = seam_run(db + "reviewers --mailmap " + q(tmp / "missing"));
    CHECK(mm.status == 1);
    CHECK(mm.out.find("missing") != std::string::npos);
    CHECK(seam_run(db + "reviewers --maintainers " + q(tmp / "missing")).status == 1);
    CHECK(seam_run(db + "reviewers --repo " + q(tmp / "norepo")).status == 1);
  }
}
