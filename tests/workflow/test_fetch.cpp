// seam fetch against a real public-inbox-httpd serving the fixture threads of
// tests/data/lore/: a thread by Message-ID and by URL, again (only what is
// new), a 404, searches, a saved query run twice and with its server stopped,
// fallbacks after a refused connection and a time-out but not after a 404,
// and a body past --max-inflate. Skipped when public-inbox is not installed.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "mail/sources/lore.hpp"
#include "tests/support.hpp"
#include "tests/workflow/pi_server.hpp"

namespace fs = std::filesystem;
using seam::test::PiServer;

namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

// Runs the built seam from `dir` with HOME there (its git configuration is
// dir/.gitconfig, nothing of the user's), standard error kept apart.
Run seam_in(const fs::path& dir, const std::string& args) {
  const std::string err = (dir / "stderr.txt").string();
  int st = 0;
  Run r;
  r.out = seam::test::shell("cd '" + dir.string() + "' && HOME='" + dir.string() +
                                "' XDG_CONFIG_HOME='" + dir.string() + "/.config' GIT_CONFIG_NOSYSTEM=1 '" +
                                SEAM_BINARY + "' --db '" + (dir / "s.db").string() + "' " + args + " 2>'" + err + "'",
                            &st);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = seam::test::read_bytes(err);
  return r;
}

using seam::test::fixture_server;

int64_t count_messages(const fs::path& dir) {
  auto r = seam_in(dir, "list --json");
  REQUIRE(r.status == 0);
  return static_cast<int64_t>(nlohmann::json::parse(r.out).size());
}

const std::string kCover = "20250303-widget-v2-0-ada@example.org";
const std::string kPatch2 = "20250303-widget-v2-2-ada@example.org";

}  // namespace

TEST_SUITE("workflow") {
  TEST_CASE("fetch: a whole thread by Message-ID into a lore source, then only what is new") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer& pi = fixture_server();
    seam::test::TempDir tmp;
    auto r = seam_in(tmp.path(), "fetch --json --lore " + pi.base() + " '<" + kPatch2 + ">'");
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["sources"].size() == 1);
    CHECK(j["sources"][0]["kind"] == "lore");
    CHECK(j["sources"][0]["source"] == pi.base() + "/" + kPatch2 + "/t.mbox.gz");
    CHECK(j["sources"][0]["added"] == 5);  // cover, three patches, the review
    CHECK(j["sources"][0]["errors"].empty());

    // The series is whole, with the review's trailer collected.
    auto series = nlohmann::json::parse(seam_in(tmp.path(), "series --json").out);
    REQUIRE(series.size() == 1);
    CHECK(series[0]["versions"][0]["received"] == 3);
    CHECK(series[0]["versions"][0]["patches"][1]["trailers"].back()["name"] == "Reviewed-by");
    // Patches read back from the store (the source is not re-fetched), with
    // the mboxrd quoting undone.
    auto am = seam_in(tmp.path(), "am " + kCover);
    CHECK(am.status == 0);
    // (am writes what plain git am reads: a body line starting "From " goes
    // quoted-printable, its F as =46, never a '>' that git am would keep)
    CHECK(am.out.find("\n=46rom the C documentation: widget calls") != std::string::npos);
    CHECK(am.out.find(">From the C") == std::string::npos);

    // Again: nothing new.
    r = seam_in(tmp.path(), "fetch --json --lore " + pi.base() + " " + kPatch2);
    REQUIRE(r.status == 0);
    j = nlohmann::json::parse(r.out);
    CHECK(j["sources"][0]["added"] == 0);
    CHECK(j["sources"][0]["duplicates"] == 5);
    CHECK(count_messages(tmp.path()) == 5);
  }

  TEST_CASE("fetch: a lore URL of a message page names the thread") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer& pi = fixture_server();
    seam::test::TempDir tmp;
    auto r = seam_in(tmp.path(), "fetch --json '" + pi.base() + "/" + kCover + "/T/#u'");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(nlohmann::json::parse(r.out)["sources"][0]["added"] == 5);
  }

  TEST_CASE("fetch: an unknown message is one error line naming the URL, and nothing is stored") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer& pi = fixture_server();
    seam::test::TempDir tmp;
    auto r = seam_in(tmp.path(), "fetch --lore " + pi.base() + " nosuch@example.org");
    CHECK(r.status == 1);
    CHECK(r.err == "seam fetch: " + pi.base() + "/nosuch@example.org/t.mbox.gz: no such message on the server (HTTP 404)\n");
    CHECK(count_messages(tmp.path()) == 0);
  }

  TEST_CASE("fetch: --max-inflate refuses a thread that inflates past it, storing nothing") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer& pi = fixture_server();
    seam::test::TempDir tmp;
    auto r = seam_in(tmp.path(), "fetch --max-inflate 0 --lore " + pi.base() + " " + kCover);
    CHECK(r.status == 1);
    CHECK(r.err.find(pi.base() + "/" + kCover + "/t.mbox.gz: ") != std::string::npos);
    CHECK(r.err.find("--max-inflate") != std::string::npos);
    CHECK(count_messages(tmp.path()) == 0);
  }

  TEST_CASE("fetch --query: only the matches, whole threads with --threads, no match is no error") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer& pi = fixture_server();
    seam::test::TempDir tmp;
    auto r = seam_in(tmp.path(), "fetch --json --lore " + pi.base() + " --query 'dfn:rust/kernel/widget.rs'");
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["sources"][0]["kind"] == "lore");
    CHECK(j["sources"][0]["seen"] == 3);  // the three patches, not the cover letter nor the C fix

    seam::test::TempDir t2;
    r = seam_in(t2.path(), "fetch --json --threads --lore " + pi.base() + " --query 'dfn:rust/kernel/widget.rs'");
    REQUIRE(r.status == 0);
    CHECK(nlohmann::json::parse(r.out)["sources"][0]["seen"] == 5);

    r = seam_in(t2.path(), "fetch --json --lore " + pi.base() + " --query 's:no-such-subject-anywhere'");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(nlohmann::json::parse(r.out)["sources"][0]["seen"] == 0);
  }

  TEST_CASE("fetch --follow: a saved query asks the second time only for what is newer") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer pi;
    pi.add_mbox(seam::test::data("lore/widget-v2.mbox"));
    pi.start();
    seam::test::TempDir tmp;
    auto r = seam_in(tmp.path(), "fetch --json --lore " + pi.base() + " --follow widgets 'dfn:rust/'");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(nlohmann::json::parse(r.out)["sources"][0]["added"] == 3);
    auto listed = seam_in(tmp.path(), "fetch --followed");
    CHECK(listed.out.find("widgets\tdfn:rust/\tlast run: 20") == 0);

    // New mail arrives: a patch sent now, and one long delayed (dated a
    // year before the others: the server received it, as far as the
    // search knows, back then), then the query runs again.
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", std::gmtime(&now));
    auto patch = [](const std::string& id, const std::string& d) {
      return "From: Ada Example <ada@example.org>\nTo: test@example.org\nSubject: [PATCH] rust: widget: " + id +
             "\nDate: " + d + "\nMessage-ID: <" + id + "@example.org>\n\nA change.\n---\n"
             "diff --git a/rust/kernel/widget.rs b/rust/kernel/widget.rs\n--- a/rust/kernel/widget.rs\n"
             "+++ b/rust/kernel/widget.rs\n@@ -1 +1,2 @@\n // SPDX-License-Identifier: GPL-2.0\n+// " + id + "\n";
    };
    pi.add_messages({patch("fresh", date), patch("stale", "Sun, 03 Mar 2024 10:00:00 +0000")});
    r = seam_in(tmp.path(), "fetch --json --follow widgets");
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["sources"][0]["seen"] == 1);
    CHECK(j["sources"][0]["added"] == 1);
    CHECK(seam_in(tmp.path(), "list --json").out.find("\"fresh@example.org\"") != std::string::npos);

    // From cron: every saved query; nothing new now.
    r = seam_in(tmp.path(), "fetch --json --all-followed");
    REQUIRE(r.status == 0);
    j = nlohmann::json::parse(r.out);
    REQUIRE(j["sources"].size() == 1);
    CHECK(j["sources"][0]["added"] == 0);
    CHECK(count_messages(tmp.path()) == 4);

    // The server goes away: one line naming the URL, a non-zero exit; what
    // was stored stays, and the query keeps its last good run.
    const std::string before = seam_in(tmp.path(), "fetch --followed").out;
    pi.stop();
    r = seam_in(tmp.path(), "fetch --all-followed");
    CHECK(r.status == 1);
    CHECK(r.err.find("seam fetch: " + pi.base() + "/?q=") == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(count_messages(tmp.path()) == 4);
    CHECK(seam_in(tmp.path(), "fetch --followed").out == before);
    r = seam_in(tmp.path(), "fetch --lore " + pi.base() + " " + kPatch2);
    CHECK(r.status == 1);
    CHECK(r.err.find("seam fetch: " + pi.base() + "/" + kPatch2 + "/t.mbox.gz: ") == 0);

    CHECK(seam_in(tmp.path(), "fetch --unfollow widgets").status == 0);
    CHECK(seam_in(tmp.path(), "fetch --follow widgets").status == 1);
  }

  TEST_CASE("fetch: fallbacks after a refused connection and a time-out, not after a 404") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer& pi = fixture_server();
    seam::test::TempDir tmp;
    std::string refused;
    {
      seam::test::Listener closed;  // a port nothing listens on once closed
      refused = "http://127.0.0.1:" + std::to_string(closed.port()) + "/all";
    }
    auto config = [&](const std::string& url, const std::string& fallback) {
      seam::test::write_file(tmp / ".gitconfig", "[seam]\n\tlore-url = " + url + "\n\tlore-fallback = " + fallback +
                                                     "\n\tlore-read-timeout = 2\n");
    };

    config(refused, pi.base());
    auto r = seam_in(tmp.path(), "fetch --json " + kCover);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.err.find("seam fetch: " + refused + "/" + kCover + "/t.mbox.gz: ") == 0);
    CHECK(r.err.find("; asking the next server") != std::string::npos);
    CHECK(nlohmann::json::parse(r.out)["sources"][0]["source"] == pi.base() + "/" + kCover + "/t.mbox.gz");

    // A server that takes the connection and never answers: a time-out.
    seam::test::Listener silent;
    config("http://127.0.0.1:" + std::to_string(silent.port()) + "/all", pi.base());
    r = seam_in(tmp.path(), "fetch --json 20250305140000.1234-1-linus.sample@example.org");
    REQUIRE(r.status == 0);
    CHECK(r.err.find("time-out") != std::string::npos);
    CHECK(nlohmann::json::parse(r.out)["sources"][0]["added"] == 1);

    // A 404 from the first server is an answer: the fallback is not asked.
    config(pi.root() + "/no-such-inbox", pi.base());
    r = seam_in(tmp.path(), "fetch " + kCover);
    CHECK(r.status == 1);
    CHECK(r.err == "seam fetch: " + pi.root() + "/no-such-inbox/" + kCover +
                       "/t.mbox.gz: no such message on the server (HTTP 404)\n");
    CHECK(count_messages(tmp.path()) == 6);
  }

  TEST_CASE("fetch: answers that are not a thread are one error line naming the URL; a 503 is worth a fallback") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer site{PiServer::StaticSite{}};
    auto put = [&](const std::string& msgid, const std::string& bytes, bool gzip) {
      const fs::path dir = site.site() / "all" / msgid;
      fs::create_directories(dir);
      seam::test::write_file(dir / "t.mbox", bytes);
      if (gzip) seam::test::shell("gzip -n -f '" + (dir / "t.mbox").string() + "' 2>&1");
      else fs::rename(dir / "t.mbox", dir / "t.mbox.gz");
    };
    // A captive portal or a bot wall: HTML, not gzip.
    put("portal@example.org", "<html><body>\n<p>Please enable JavaScript</p>\n</body></html>\n", false);
    // gzip, but of something that is no mbox.
    put("notmbox@example.org", "just some text\n", true);
    // gzip cut short.
    put("whole@example.org", seam::test::mbox_entry("whole@example.org"), true);
    const fs::path gz = site.site() / "all" / "whole@example.org" / "t.mbox.gz";
    const std::string bytes = seam::test::read_bytes(gz);
    put("cut@example.org", bytes.substr(0, bytes.size() - 12), false);
    site.start();
    seam::test::TempDir tmp;

    auto r = seam_in(tmp.path(), "fetch --lore " + site.base() + " portal@example.org");
    CHECK(r.status == 1);
    CHECK(r.err == "seam fetch: " + site.base() +
                       "/portal@example.org/t.mbox.gz: the answer is not gzip-compressed mbox (it says: Please "
                       "enable JavaScript)\n");
    r = seam_in(tmp.path(), "fetch --lore " + site.base() + " notmbox@example.org");
    CHECK(r.status == 1);
    CHECK(r.err == "seam fetch: " + site.base() +
                       "/notmbox@example.org/t.mbox.gz: the inflated answer is not an mbox (no \"From \" line at "
                       "its start)\n");
    r = seam_in(tmp.path(), "fetch --lore " + site.base() + " cut@example.org");
    CHECK(r.status == 1);
    CHECK(r.err == "seam fetch: " + site.base() + "/cut@example.org/t.mbox.gz: truncated gzip data\n");
    CHECK(count_messages(tmp.path()) == 0);
    r = seam_in(tmp.path(), "fetch --json --lore " + site.base() + " whole@example.org");
    CHECK(r.status == 0);
    CHECK(count_messages(tmp.path()) == 1);

    // 503 from the first server: the fallback answers.
    seam::test::write_file(tmp / ".gitconfig", "[seam]\n\tlore-url = " + site.root() + "/down/all\n\tlore-fallback = " +
                                                   site.base() + "\n");
    r = seam_in(tmp.path(), "fetch --json whole@example.org");
    CHECK(r.status == 0);
    CHECK(r.err == "seam fetch: " + site.root() +
                       "/down/all/whole@example.org/t.mbox.gz: HTTP 503: Service Unavailable; asking the next server\n");
    // A bad time-out in the configuration is named, key and value.
    seam::test::append_file(tmp / ".gitconfig", "\tlore-connect-timeout = soon\n");
    r = seam_in(tmp.path(), "fetch whole@example.org");
    CHECK(r.status == 1);
    CHECK(r.err == "seam fetch: git config seam.lore-connect-timeout = 'soon': not a number of seconds\n");
  }

  TEST_CASE("lore names: Message-IDs as typed, URLs of message pages, escaping, followed terms") {
    using namespace seam::mail;
    CHECK(normalize_msgid(" <a.b@example.org> ") == "a.b@example.org");
    CHECK(normalize_msgid("id:a.b@example.org") == "a.b@example.org");
    CHECK(normalize_msgid("<>").empty());
    CHECK(thread_url("https://lore.kernel.org/all/", "x/y z%@example.org") ==
          "https://lore.kernel.org/all/x%2Fy%20z%25@example.org/t.mbox.gz");
    CHECK(thread_url("https://lore.kernel.org/all", "20250303-widget-v2-0-ada+tag@example.org") ==
          "https://lore.kernel.org/all/20250303-widget-v2-0-ada+tag@example.org/t.mbox.gz");
    CHECK(thread_url("http://h/all", "..") == "http://h/all/%2E%2E/t.mbox.gz");
    CHECK(msgid_of_url("https://lore.kernel.org/rust-for-linux/x%2Fy@example.org/T/#u") == "x/y@example.org");
    CHECK(msgid_of_url("https://lore.kernel.org/all/a@b/") == "a@b");
    CHECK(msgid_of_url("https://lore.kernel.org/r/a@b") == "a@b");
    CHECK(msgid_of_url("https://lore.kernel.org/all/a@b/t.mbox.gz") == "a@b");
    CHECK(msgid_of_url("https://lore.kernel.org/").empty());
    CHECK(is_url("https://x"));
    CHECK(is_url("http://x"));
    CHECK_FALSE(is_url("x@https://y"));
    CHECK(followed_terms("dfn:rust/", std::nullopt) == "dfn:rust/");
    CHECK(followed_terms("dfn:rust/ OR s:rust", int64_t{1741000000}) ==
          "(dfn:rust/ OR s:rust) AND rt:" + std::to_string(1741000000 - kFollowOverlap) + "..");
    CHECK(search_url("http://h/all", "dfn:rust/ AND rt:2.weeks.ago..", true) ==
          "http://h/all/?q=dfn%3Arust%2F%20AND%20rt%3A2.weeks.ago..&x=m&t=1");
  }
}
