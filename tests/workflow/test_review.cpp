// seam review as a mail client runs it: one message piped in (or a
// Message-ID), the rest of its thread fetched from a real public-inbox-httpd
// when the series is incomplete, the checklist of the whole series printed.
// Skipped when public-inbox is not installed.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "mail/sources/mbox.hpp"
#include "tests/support.hpp"
#include "tests/workflow/pi_server.hpp"

namespace fs = std::filesystem;
using seam::test::PiServer;

namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

// seam run from `dir` with HOME there and standard input from `input` when given.
Run review_in(const fs::path& dir, const std::string& args, const fs::path& input = {}) {
  const std::string err = (dir / "stderr.txt").string();
  int st = 0;
  Run r;
  r.out = seam::test::shell("cd '" + dir.string() + "' && HOME='" + dir.string() + "' XDG_CONFIG_HOME='" +
                                dir.string() + "/.config' GIT_CONFIG_NOSYSTEM=1 '" + SEAM_BINARY + "' --db '" +
                                (dir / "s.db").string() + "' " + args + " 2>'" + err + "'" +
                                (input.empty() ? std::string(" </dev/null") : " <'" + input.string() + "'"),
                            &st);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = seam::test::read_bytes(err);
  return r;
}

// Message `i` of the fixture thread, as a mail client pipes it (no "From " line).
fs::path one_message(const fs::path& dir, size_t i) {
  const std::string data = seam::test::read_bytes(seam::test::data("lore/widget-v2.mbox"));
  auto entries = seam::mail::split_mbox(data);
  REQUIRE(entries.size() > i);
  const fs::path out = dir / ("message-" + std::to_string(i) + ".eml");
  seam::test::write_file(out, seam::mail::extract_message(data, entries[i], seam::mail::MboxFormat::mboxrd));
  return out;
}

}  // namespace

TEST_SUITE("workflow") {
  TEST_CASE("review -: one piped patch, the rest of the series from lore, the whole checklist") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer& pi = seam::test::fixture_server();
    seam::test::TempDir tmp;
    auto r = review_in(tmp.path(), "review - --lore " + pi.base(), one_message(tmp.path(), 2));
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    // Not a terminal: Markdown, every patch of the series, the missing SAFETY
    // comment of patch 2 among the findings.
    CHECK(r.out.find("rust: widget: a safe widget abstraction") != std::string::npos);
    CHECK(r.out.find("rust: widget: add the Widget type") != std::string::npos);
    CHECK(r.out.find("rust: widget: enable and disable") != std::string::npos);
    CHECK(r.out.find("rust: widget: let widgets cross threads") != std::string::npos);
    CHECK(r.out.find("unsafe-impl") != std::string::npos);

    // The same as JSON (--format as checklist's): three patches.
    r = review_in(tmp.path(), "review --format json --no-fetch 20250303-widget-v2-3-ada@example.org");
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["patches"].size() == 3);
  }

  TEST_CASE("review MSGID of a reply: its series, fetched whole") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    PiServer& pi = seam::test::fixture_server();
    seam::test::TempDir tmp;
    auto r = review_in(tmp.path(), "review --format json --lore " + pi.base() + " '<grace-review-1@example.org>'");
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["patches"].size() == 3);
  }

  TEST_CASE("review --no-fetch: the checklist of what the store has, and what is missing") {
    seam::test::TempDir tmp;
    auto r = review_in(tmp.path(), "review --no-fetch --format md -", one_message(tmp.path(), 2));
    REQUIRE(r.status == 0);
    CHECK(r.err.find("seam review: v2 lacks patches 1, 3 of 3 (--no-fetch: not asked from lore)\n") == 0);
    CHECK(r.err.find("lacks", r.err.find("lacks") + 1) == std::string::npos);  // said once
    CHECK(r.out.find("rust: widget: enable and disable") != std::string::npos);
    CHECK(r.out.find("rust: widget: add the Widget type") == std::string::npos);

    // A message that belongs to no series: no checklist, exit 1.
    seam::test::write_file(tmp / "chat.eml", seam::test::small_mail("chat@example.org", "lunch?"));
    r = review_in(tmp.path(), "review --no-fetch -", tmp / "chat.eml");
    CHECK(r.status == 1);
    CHECK(r.err == "seam review: <chat@example.org> is not part of a patch series in the store (--no-fetch: the "
                   "rest of its thread was not asked from lore)\n");
  }

  TEST_CASE("review with lore down: says so, and reviews what it has") {
    seam::test::TempDir tmp;
    std::string refused;
    {
      seam::test::Listener closed;
      refused = "http://127.0.0.1:" + std::to_string(closed.port()) + "/all";
    }
    auto r = review_in(tmp.path(), "review --format md --lore " + refused + " -", one_message(tmp.path(), 1));
    REQUIRE(r.status == 0);
    CHECK(r.err.find("seam review: cannot fetch the thread: " + refused + "/20250303-widget-v2-1-ada@example.org/t.mbox.gz: ") == 0);
    CHECK(r.err.find("seam review: v2 lacks patches 2, 3 of 3\n") != std::string::npos);
    CHECK(r.err.find("lacks", r.err.find("lacks") + 1) == std::string::npos);  // said once
    CHECK(r.out.find("rust: widget: add the Widget type") != std::string::npos);
  }

  TEST_CASE("review -: a real patch mail of the corpus, its thread served by public-inbox-httpd: the whole series") {
    SEAM_SKIP_UNLESS(seam::test::have_public_inbox(), "public-inbox is not installed");
    const fs::path thread = seam::test::shared("corpus/threads/pci-rust-request-irq-v6.mbox");
    SEAM_SKIP_UNLESS(!thread.empty(), "no shared corpus");
    PiServer pi;
    pi.add_mbox(thread);
    pi.start();
    seam::test::TempDir tmp;
    // Patch 3 of 6, as a mail client pipes it.
    const std::string data = seam::test::read_bytes(thread);
    fs::path mail;
    for (const auto& e : seam::mail::split_mbox(data)) {
      std::string m = seam::mail::extract_message(data, e, seam::mail::MboxFormat::mboxrd);
      if (m.find("Subject: [PATCH v6 3/6]") != std::string::npos && m.find("\ndiff --git") != std::string::npos) {
        mail = tmp / "patch.eml";
        seam::test::write_file(mail, m);
        break;
      }
    }
    REQUIRE(!mail.empty());
    auto r = review_in(tmp.path(), "review --format json --lore " + pi.base() + " -", mail);
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["patches"].size() == 6);
    for (size_t i = 0; i < 6; ++i) CHECK(j["patches"][i]["index"] == i + 1);
  }
}
