// The series commands end to end on our fixtures: a Message-ID selects its
// version in am/show, --version picks another, cover-letter trailers are
// announced and can be left out, --sloppy-trailers takes anyone's, and the
// series list counts what show lists.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <cctype>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/support.hpp"

namespace fs = std::filesystem;

namespace {

struct Run {
  int status;
  std::string out;  // standard output, then standard error
};

Run seam_run(const std::string& args) {
  int st = 0;
  std::string out = seam::test::shell(std::string("'") + SEAM_BINARY + "' " + args + " 2>&1", &st);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("series/cli") {
  TEST_CASE("am and show take the version of the message given; --version chooses another") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "s.db") + " ";
    REQUIRE(seam_run(db + "ingest " + q(seam::test::data("series/version-inferred.mbox"))).status == 0);
    auto v1 = seam_run(db + "am vc1-2@example.org");
    CHECK(v1.status == 0);
    CHECK(count(v1.out, "Subject: [PATCH 1/2] gadget: add counter") == 1);
    CHECK(count(v1.out, "+int count;") == 0);
    CHECK(count(v1.out, "+static int count;") == 1);
    auto v2 = seam_run(db + "am vc2-0@example.org");
    CHECK(v2.status == 0);
    CHECK(count(v2.out, "Subject: [PATCH v2 1/2] gadget: add counter") == 1);
    CHECK(count(v2.out, "Subject: [PATCH v2 2/2] rust: gadget: use counter") == 1);
    auto other = seam_run(db + "am vc1-2@example.org --version 2");
    CHECK(count(other.out, "+static unsigned int count;") == 1);
    auto show = nlohmann::json::parse(seam_run(db + "show --json vc1-1@example.org").out);
    CHECK(show["selected_version"] == 1);
    REQUIRE(show["versions"].size() == 2);
    CHECK(show["versions"][1]["received"] == 2);
    CHECK(show["versions"][1]["cover"] == "vc2-0@example.org");
  }

  TEST_CASE("cover-letter trailers: announced, --no-cover-trailers leaves them out; --sloppy-trailers") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "s.db") + " ";
    REQUIRE(seam_run(db + "ingest " + q(seam::test::data("series/trailer-people.mbox"))).status == 0);
    auto def = seam_run(db + "am tp-0@example.org");
    CHECK(def.status == 0);
    CHECK(count(def.out, "Tested-by: Tess Tester <tess@example.com>") == 2);
    CHECK(count(def.out, "given to the cover letter applied to every patch") == 1);
    CHECK(count(def.out, "Acked-by: Mia Maintainer <mia@work.example>") == 1);
    CHECK(count(def.out, "Gus Other") == 0);
    auto nocover = seam_run(db + "am --no-cover-trailers tp-0@example.org");
    CHECK(nocover.status == 0);
    CHECK(count(nocover.out, "Tested-by: Tess Tester") == 0);
    CHECK(count(nocover.out, "given to the cover letter") == 0);
    auto sloppy = seam_run(db + "am --sloppy-trailers tp-0@example.org");
    CHECK(count(sloppy.out, "Acked-by: Gus Other <gus@example.com>") == 1);

    // One meaning of A·R·T: `series` counts what `show` lists.
    auto list = seam_run(db + "series");
    CHECK(list.out.find("A1·R1·T2") != std::string::npos);
    auto show = seam_run(db + "show tp-1@example.org");
    CHECK(count(show.out, "Acked-by: ") + count(show.out, "Reviewed-by: ") + count(show.out, "Tested-by: ") == 4);
    CHECK(count(show.out, "(in the commit message)") == 1);
    CHECK(count(show.out, "given to the cover letter applied to every patch") == 1);
  }

  TEST_CASE("an unrelated [PATCH] in a thread: am and series --rust reach it") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "s.db") + " ";
    REQUIRE(seam_run(db + "ingest " + q(seam::test::data("series/additional-patch-after-review.mbox"))).status == 0);
    auto rust = seam_run(db + "series --rust");
    CHECK(count(rust.out, "\n") == 1);
    CHECK(rust.out.find("rust: spindle: use a typed literal in new()") != std::string::npos);
    auto am = seam_run(db + "am addp-2@example.org");
    CHECK(am.status == 0);
    CHECK(count(am.out, "Subject: [PATCH] rust: spindle: use a typed literal in new()") == 1);
    CHECK(count(am.out, "spindle: spell the increment out") == 0);
    auto c = seam_run(db + "am addp-1@example.org");
    CHECK(count(c.out, "Reviewed-by: Finn Reviewer <finn@example.net>") == 1);
    CHECK(count(c.out, "rust/kernel/spindle.rs") == 0);
  }

  TEST_CASE("a short series id (4 or more hex digits) names the one series it starts; an ambiguous one is an error listing them") {
    seam::test::TempDir tmp;
    const std::string db = "--db " + q(tmp / "s.db") + " ";
    REQUIRE(seam_run(db + "ingest " + q(seam::test::data("series/version-inferred.mbox"))).status == 0);
    auto show = nlohmann::json::parse(seam_run(db + "show --json vc1-1@example.org").out);
    const std::string id = show["id"];
    REQUIRE(id.size() == 12);
    auto by_short = nlohmann::json::parse(seam_run(db + "show --json " + id.substr(0, 6)).out);
    CHECK(by_short["id"] == id);
    // A short id names the series as the full one does: no version selected.
    auto by_full = nlohmann::json::parse(seam_run(db + "show --json " + id).out);
    CHECK(by_full["selected_version"].is_null());
    CHECK(by_short["selected_version"].is_null());
    std::string upper = id.substr(0, 6);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(nlohmann::json::parse(seam_run(db + "show --json " + upper).out)["id"] == id);
    CHECK(seam_run(db + "am " + id.substr(0, 4)).status == 0);
    // Three digits are too few, and a prefix of no series is no series.
    auto few = seam_run(db + "show " + id.substr(0, 3));
    CHECK(few.status != 0);
    CHECK(few.out.find("no series has this message or id (a short id needs at least 4 hex digits)") !=
          std::string::npos);
    // Two series starting alike (a second row under a sibling id): ambiguous, both named.
    const std::string twin = id.substr(0, 6) + (id[6] == '0' ? "1" : "0") + id.substr(7);
    {
      sqlite3* h = nullptr;
      REQUIRE(sqlite3_open((tmp / "s.db").c_str(), &h) == SQLITE_OK);
      const std::string sql = "INSERT INTO series SELECT '" + twin +
                              "', title, author_name, author_email, change_id, pull, newest_date, rust "
                              "FROM series WHERE id='" + id + "'";
      CHECK(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
      sqlite3_close(h);
    }
    auto amb = seam_run(db + "show " + id.substr(0, 6));
    CHECK(amb.status != 0);
    CHECK_MESSAGE(amb.out.find("ambiguous short id") != std::string::npos, amb.out);
    CHECK(amb.out.find(id) != std::string::npos);
    CHECK(amb.out.find(twin) != std::string::npos);
  }
}
