// Reply drafts: quoting, headers (hostile originals), templates, and the
// drafts checked by the real programs: git send-email --dry-run,
// neomutt -H (postponing the draft into a Maildir) and aerc (:recall), headless.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "reports/reply.hpp"
#include "tests/support.hpp"

using namespace seam;
namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

bool have(const std::string& program) {
  int status = 0;
  seam::test::shell(program + " >/dev/null 2>&1", &status);
  return status == 0;
}

// A home of its own: git identity (non-ASCII name), store, no system config.
struct Home {
  seam::test::TempDir dir;
  explicit Home(const std::string& extra_config = "") {
    seam::test::write_file(dir / ".gitconfig",
                           "[user]\n\tname = Jos\xc3\xa9 Reviewer\n\temail = jose@example.net\n" + extra_config);
  }
  std::string env(const std::string& command) const {
    return "env HOME=" + q(dir.path()) + " GIT_CONFIG_GLOBAL=" + q(dir / ".gitconfig") +
           " GIT_CONFIG_NOSYSTEM=1 SEAM_DB=" + q(dir / "seam.db") + " NO_COLOR=1 " + command;
  }
  std::string seam(const std::string& args, int* status = nullptr) const {
    return seam::test::shell(env("'" SEAM_BINARY "' " + args + (status ? " 2>&1" : "")), status);
  }
};

const char* const kPatch1v1 = "20260105-widget-v1-1-zoe@example.org";

// The fixture series ingested, with a note on the reset block of v1 patch 1
// and one on patch 1 as a whole; returns the reset item's id.
std::string with_notes(const Home& h) {
  h.seam("ingest " + q(seam::test::data("reply/series.mbox")));
  auto j = nlohmann::json::parse(h.seam(std::string("checklist ") + kPatch1v1 + " --json"));
  std::string reset;
  for (const auto& e : j["patches"][0]["entries"]) {
    const auto& f = j["patches"][0]["findings"][e["findings"][0].get<size_t>()];
    if (f["snippet"].get<std::string>().find("widget_reset") != std::string::npos) reset = e["id"];
  }
  REQUIRE(!reset.empty());
  h.seam("note '" + reset + "' 'This needs a SAFETY comment:\nwhy is ptr valid here?'");
  h.seam(std::string("note ") + kPatch1v1 + " --patch 1 'Thanks, a few comments below.'");
  return reset;
}

std::string header_block(const std::string& mail) { return mail.substr(0, mail.find("\n\n") + 1); }

// A header's value (unfolded) from a header block, "" when absent.
std::string header(const std::string& head, const std::string& name) {
  size_t at = head.rfind(name + ": ", 0) == 0 ? 0 : head.find("\n" + name + ": ");
  if (at == std::string::npos) return {};
  if (at) ++at;
  std::string v;
  size_t i = at + name.size() + 2;
  while (i < head.size()) {
    size_t nl = head.find('\n', i);
    v += head.substr(i, nl - i);
    i = nl + 1;
    if (i >= head.size() || (head[i] != ' ' && head[i] != '\t')) break;
  }
  return v;
}

}  // namespace

TEST_SUITE("reply") {
  TEST_CASE("reply body: the noted line with at most 5 lines above, its hunk and file lines; the rest [...]") {
    reports::ReplyOriginal o;
    o.body = "Commit message.\n\nSigned-off-by: A <a@example.org>\n---\n"
             "diff --git a/x.rs b/x.rs\n--- a/x.rs\n+++ b/x.rs\n@@ -1,3 +1,12 @@\n"
             " l1\n l2\n+l3\n+l4\n+l5\n+l6\n+l7\n+l8\n+l9\n-gone\n l10\n+l11\n l12\n"
             "diff --git a/y.c b/y.c\n--- a/y.c\n+++ b/y.c\n@@ -5 +5,2 @@\n c5\n+c6\n";
    auto body = reports::reply_body(o, {{"x.rs", 9, "Why l9?"}, {"y.c", 6, "And c6."}, {"", 0, "Overall fine."},
                                        {"x.rs", 99, "Not in the diff."}});
    CHECK(body ==
          "Overall fine.\n\nx.rs:99:\nNot in the diff.\n\n"
          "> [...]\n> diff --git a/x.rs b/x.rs\n> [...]\n> @@ -1,3 +1,12 @@\n> [...]\n"
          "> +l4\n> +l5\n> +l6\n> +l7\n> +l8\n> +l9\n\nWhy l9?\n\n> [...]\n"
          "> diff --git a/y.c b/y.c\n> [...]\n> @@ -5 +5,2 @@\n>  c5\n> +c6\n\nAnd c6.\n\n");
  }

  TEST_CASE("reply headers: To from Reply-To, Cc the original To and Cc, threading; nothing injected") {
    reports::ReplyOriginal o;
    o.msgid = "p1@example.org";
    o.subject = "[PATCH 1/2] rust: caf\xc3\xa9\r\nBcc: spy@example.com";
    o.from = {"Zo\xc3\xab Example", "zoe@example.org"};
    o.reply_to = {{"Zoe Lists", "zoe+lists@example.org"}};
    o.to = {{"", "list@example.org"}, {"Jos\xc3\xa9", "jose@example.net"}};
    o.cc = {{"Evil\r\nBcc: spy@example.com", "evil@example.com"}, {"x", "bad\r\nBcc: y@example.com"},
            {"Last, First", "lf@example.org"}, {"", "LIST@example.org"}};
    o.references = {"c0@example.org", "bad>\r\nBcc: x", "p1@example.org"};
    o.date_raw = "Mon, 05 Jan 2026 10:00:01 +0100";
    o.body = "diff --git a/a.rs b/a.rs\n--- a/a.rs\n+++ b/a.rs\n@@ -0,0 +1 @@\n+unsafe { x }\n";
    reports::ReplyOptions opts;
    opts.me = {"Jos\xc3\xa9 Reviewer", "jose@example.net"};
    opts.reviewed_by = true;
    opts.date = "Tue, 06 Jan 2026 09:00:00 +0000";
    opts.message_id = "r1@example.net";
    const std::string m = reports::reply_message(o, {{"a.rs", 1, "Why?"}}, opts);
    const std::string head = header_block(m);
    CHECK(head.find("\nBcc") == std::string::npos);
    CHECK(head.find('\r') == std::string::npos);
    CHECK(header(head, "From") == "=?UTF-8?B?Sm9zw6kgUmV2aWV3ZXI=?= <jose@example.net>");
    CHECK(header(head, "To") == "Zoe Lists <zoe+lists@example.org>");
    CHECK(header(head, "Cc") ==
          "list@example.org, \"Evil  Bcc: spy@example.com\" <evil@example.com>, \"Last, First\" <lf@example.org>");
    CHECK(header(head, "Subject").rfind("=?UTF-8?B?", 0) == 0);
    CHECK(header(head, "In-Reply-To") == "<p1@example.org>");
    CHECK(header(head, "References") == "<c0@example.org> <p1@example.org>");
    CHECK(header(head, "Message-ID") == "<r1@example.net>");
    CHECK(header(head, "Content-Type") == "text/plain; charset=UTF-8");
    CHECK(header(head, "Content-Transfer-Encoding") == "8bit");
    const std::string body = m.substr(head.size() + 1);
    CHECK(body.rfind("On Mon, 05 Jan 2026 10:00:01 +0100, Zo\xc3\xab Example wrote:\n", 0) == 0);
    CHECK(body.find("> +unsafe { x }\n\nWhy?\n") != std::string::npos);
    CHECK(body.find("\nReviewed-by: Jos\xc3\xa9 Reviewer <jose@example.net>\n") != std::string::npos);
    CHECK(reports::reply_ready(m).empty());
    // Without a Reply-To, the sender.
    o.reply_to.clear();
    CHECK(header(header_block(reports::reply_message(o, {}, opts)), "To") ==
          "=?UTF-8?B?Wm/DqyBFeGFtcGxl?= <zoe@example.org>");
    // Not ready to send: no From, a placeholder left.
    opts.me = {};
    opts.reviewed_by = false;
    CHECK(reports::reply_ready(reports::reply_message(o, {}, opts)).find("it has no From: header") == 0);
    opts.me = {"J", "jose@example.net"};
    opts.template_text = "Hi ${firstname},\n${reply}\n${unknown}\n-- \n${myname} <${myemail}>\n";
    const std::string t = reports::reply_message(o, {{"a.rs", 1, "Why?"}}, opts);
    CHECK(t.find("\n\nHi Zo\xc3\xab,\n> diff --git") != std::string::npos);
    CHECK(t.find("\n${unknown}\n-- \nJ <jose@example.net>\n") != std::string::npos);
    CHECK(reports::reply_ready(t) == "placeholder ${unknown} left in the draft");
    // raw_header: unfolded, CR LF gone.
    CHECK(reports::raw_header("From: a\r\nReply-To: A\r\n <a@example.org>\r\n\r\nReply-To: body", "reply-to") ==
          "A <a@example.org>");
    CHECK(reports::raw_header("From: a\n\nReply-To: body\n", "Reply-To").empty());
    // mboxrd: a body line "From " quoted.
    CHECK(reports::reply_mbox({"Subject: x\n\nFrom here\n>From there\n"}) ==
          "From seam Thu Jan  1 00:00:00 1970\nSubject: x\n\n>From here\n>>From there\n\n");
  }

  TEST_CASE("seam reply: a draft per patch with notes, --questions, -o DIR, --send-ready, template") {
    Home h("[seam]\n\treply-template = ~/tpl.txt\n");
    seam::test::write_file(h.dir / "tpl.txt", "Hello ${firstname},\n\n${reply}\n-- \n${myname}\n");
    with_notes(h);
    const std::string mbox = h.seam(std::string("reply ") + kPatch1v1);
    CHECK(mbox.rfind("From seam ", 0) == 0);
    CHECK(mbox.find("\nFrom seam ", 1) == std::string::npos);  // one draft: patch 2 has no notes
    CHECK(mbox.find("\nIn-Reply-To: <20260105-widget-v1-1-zoe@example.org>\n") != std::string::npos);
    CHECK(mbox.find("\nTo: Zoe Lists <zoe+lists@example.org>\n") != std::string::npos);
    CHECK(mbox.find("\nBcc") == std::string::npos);
    CHECK(mbox.find("Hello Zo\xc3\xab,\n\nThanks, a few comments below.\n\n> [...]\n") != std::string::npos);
    CHECK(mbox.find("> +        unsafe { bindings::widget_reset(self.ptr) }\n\nThis needs a SAFETY comment:\nwhy is ptr "
                    "valid here?\n") != std::string::npos);
    CHECK(mbox.find("\n-- \nJos\xc3\xa9 Reviewer\n") != std::string::npos);

    // --questions: the notes, and the questions of the items nobody has
    // answered (no tick, no note) asked too; the noted item is not asked.
    const std::string qs = h.seam(std::string("reply ") + kPatch1v1 + " --questions --reviewed-by");
    CHECK(qs.find("> [...]") != std::string::npos);
    CHECK(qs.find("Thanks, a few comments below.") != std::string::npos);
    CHECK(qs.find("why is ptr valid here?") != std::string::npos);
    CHECK(qs.find("Reviewed-by: Jos\xc3\xa9 Reviewer <jose@example.net>") != std::string::npos);
    {
      auto j = nlohmann::json::parse(h.seam(std::string("checklist ") + kPatch1v1 + " --json"));
      size_t asked = 0, skipped = 0;
      for (const auto& e : j["patches"][0]["entries"]) {
        const auto& f = j["patches"][0]["findings"][e["findings"][0].get<size_t>()];
        const std::string question = f["question"];
        if (f["snippet"].get<std::string>().find("widget_reset") != std::string::npos) {
          ++skipped;  // its note answers it
          continue;
        }
        CHECK_MESSAGE(qs.find(question) != std::string::npos, question);
        ++asked;
      }
      CHECK(asked > 0);
      CHECK(skipped == 1);
    }

    // -o DIR: one file per draft, named for version and patch.
    const fs::path out = h.dir / "drafts";
    CHECK(h.seam(std::string("reply ") + kPatch1v1 + " -o " + q(out) + "/ --send-ready").find("v1-0001-reply.eml") !=
          std::string::npos);
    const std::string draft = seam::test::read_bytes(out / "v1-0001-reply.eml");
    CHECK(draft.rfind("From: =?UTF-8?B?", 0) == 0);
    CHECK(reports::reply_ready(draft).empty());
    // A draft is the reviewer's to edit: writing it again is refused, by
    // name, and nothing is replaced; --force replaces it.
    seam::test::write_file(out / "v1-0001-reply.eml", "edited\n");
    {
      int st = 0;
      const std::string e = h.seam(std::string("reply ") + kPatch1v1 + " -o " + q(out) + "/", &st);
      CHECK(st != 0);
      CHECK(e.find("v1-0001-reply.eml exists") != std::string::npos);
      CHECK(e.find("--force") != std::string::npos);
      CHECK(seam::test::read_bytes(out / "v1-0001-reply.eml") == "edited\n");
      seam::test::write_file(h.dir / "one.mbox", "kept\n");
      h.seam(std::string("reply ") + kPatch1v1 + " -o " + q(h.dir / "one.mbox"), &st);
      CHECK(st != 0);
      CHECK(seam::test::read_bytes(h.dir / "one.mbox") == "kept\n");
      h.seam(std::string("reply ") + kPatch1v1 + " -o " + q(out) + "/ --force", &st);
      CHECK(st == 0);
      CHECK(seam::test::read_bytes(out / "v1-0001-reply.eml").rfind("From: =?UTF-8?B?", 0) == 0);
    }

    // --send-ready refuses a placeholder left by the template.
    seam::test::write_file(h.dir / "tpl.txt", "${reply}\n${nosuch}\n");
    int status = 0;
    std::string err = h.seam(std::string("reply ") + kPatch1v1 + " --send-ready", &status);
    CHECK(status != 0);
    CHECK(err.find("not ready to send: placeholder ${nosuch} left in the draft") != std::string::npos);
    // Nothing to reply to: an error naming the patch.
    err = h.seam("reply 20260105-widget-v1-2-zoe@example.org", &status);
    CHECK(status != 0);
    CHECK(err.find("no notes") != std::string::npos);
  }

  TEST_CASE("git send-email --dry-run sends the draft as it is, to the original's Reply-To, To and Cc") {
    SEAM_SKIP_UNLESS(have("git send-email --help"), "git send-email (Debian git-email) is not installed");
    Home h;
    with_notes(h);
    const fs::path out = h.dir / "drafts";
    h.seam(std::string("reply ") + kPatch1v1 + " --send-ready -o " + q(out) + "/");
    const fs::path draft = out / "v1-0001-reply.eml";
    int status = 0;
    const std::string log = seam::test::shell(
        h.env("git send-email --dry-run --confirm=never --no-validate --smtp-server=/bin/true --suppress-cc=self " +
              q(draft) + " 2>&1 </dev/null"),
        &status);
    REQUIRE_MESSAGE(status == 0, log);
    CHECK_MESSAGE(log.find("Dry-OK") != std::string::npos, log);
    for (const char* rcpt : {"zoe+lists@example.org", "rust-for-linux@example.org", "yann@example.net",
                             "evil@example.com"})
      CHECK_MESSAGE(log.find(rcpt) != std::string::npos, rcpt << "\n" << log);
    // The hostile display name stays a display name: no Bcc header, spy is no recipient.
    CHECK_MESSAGE(log.find("\nBcc:") == std::string::npos, log);
    const size_t sendmail = log.find("Sendmail: /bin/true");
    REQUIRE_MESSAGE(sendmail != std::string::npos, log);
    const std::string command = log.substr(sendmail, log.find('\n', sendmail) - sendmail);
    CHECK_MESSAGE(command.find("spy@example.com") == std::string::npos, command);
    for (const char* rcpt : {"zoe+lists@example.org", "rust-for-linux@example.org", "yann@example.net",
                             "evil@example.com"})
      CHECK_MESSAGE(command.find(rcpt) != std::string::npos, rcpt << "\n" << command);
    CHECK_MESSAGE(log.find("In-Reply-To: <20260105-widget-v1-1-zoe@example.org>") != std::string::npos, log);
  }

  TEST_CASE("neomutt -H takes the draft and postpones it into a Maildir with its headers") {
    SEAM_SKIP_UNLESS(have("command -v tmux") && have("command -v neomutt"), "tmux or neomutt is not installed");
    Home h;
    with_notes(h);
    const fs::path out = h.dir / "drafts";
    h.seam(std::string("reply ") + kPatch1v1 + " -o " + q(out) + "/");
    const fs::path maildir = h.dir / "Mail";
    for (const char* box : {"INBOX", "Drafts"})
      for (const char* sub : {"cur", "new", "tmp"}) fs::create_directories(maildir / box / sub);
    seam::test::write_file(h.dir / "muttrc", "set mbox_type=Maildir\nset folder=" + maildir.string() +
                                                 "\nset spoolfile=+INBOX\nset postponed=+Drafts\nset record=\n"
                                                 "set editor=true\nset hostname=example.net\nset sendmail=/bin/true\n");
    const fs::path sock = h.dir / "tmux.sock";
    const std::string tmux = "tmux -S " + q(sock);
    seam::test::shell(tmux + " -f /dev/null new-session -d -x 160 -y 50 " +
                      q(h.env("neomutt -n -F " + q(h.dir / "muttrc") + " -H " + q(out / "v1-0001-reply.eml"))));
    auto screen = [&] {
      int st = 0;
      return seam::test::shell(tmux + " capture-pane -p -J 2>&1", &st);
    };
    auto wait_for = [&](const std::string& text) {
      for (int i = 0; i < 300; ++i) {
        if (screen().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      return false;
    };
    // neomutt asks for To and Subject, filled from the draft; Enter keeps them.
    REQUIRE_MESSAGE(wait_for("To: Zoe Lists <zoe+lists@example.org>"), screen());
    seam::test::shell(tmux + " send-keys Enter");
    REQUIRE_MESSAGE(wait_for("Subject: Re: [PATCH 1/2] rust: widget: add the caf\xc3\xa9 abstraction"), screen());
    seam::test::shell(tmux + " send-keys Enter");
    const bool compose = wait_for("NeoMutt: Compose");
    CHECK_MESSAGE(compose, screen());
    if (compose) {
      const std::string menu = screen();
      CHECK(menu.find("From: Jos\xc3\xa9 Reviewer <jose@example.net>") != std::string::npos);
      CHECK(menu.find("Cc: rust-for-linux@example.org, Yann Reviewer <yann@example.net>") != std::string::npos);
      // The hostile name is a display name of the Cc, not a header.
      CHECK(menu.find("Cc: rust-for-linux@example.org, Yann Reviewer <yann@example.net>, \"\xc3\x89vil  Bcc: "
                      "spy@example.com\" <evil@example.com>") != std::string::npos);
      seam::test::shell(tmux + " send-keys P");
      std::string postponed;
      for (int i = 0; i < 300 && postponed.empty(); ++i) {
        for (const char* sub : {"cur", "new"})
          for (const auto& e : fs::directory_iterator(maildir / "Drafts" / sub)) postponed = seam::test::read_bytes(e.path());
        if (postponed.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      REQUIRE_MESSAGE(!postponed.empty(), screen());
      const std::string head = header_block(postponed);
      CHECK_MESSAGE(header(head, "To") == "Zoe Lists <zoe+lists@example.org>", head);
      CHECK_MESSAGE(header(head, "Cc").find("yann@example.net") != std::string::npos, head);
      CHECK_MESSAGE(header(head, "In-Reply-To") == "<20260105-widget-v1-1-zoe@example.org>", head);
      CHECK_MESSAGE(header(head, "References").find("<20260105-widget-v1-1-zoe@example.org>") != std::string::npos, head);
      CHECK(head.find("\nBcc") == std::string::npos);
      CHECK(postponed.find("why is ptr valid here?") != std::string::npos);
    }
    int st = 0;
    seam::test::shell(tmux + " kill-server >/dev/null 2>&1", &st);
  }

  TEST_CASE("aerc recalls the draft from its Drafts folder with its headers and body") {
    SEAM_SKIP_UNLESS(have("command -v tmux") && have("command -v aerc"), "tmux or aerc is not installed");
    Home h;
    with_notes(h);
    const fs::path out = h.dir / "drafts";
    h.seam(std::string("reply ") + kPatch1v1 + " -o " + q(out) + "/");
    const fs::path mail = h.dir / "Mail";
    for (const char* box : {"INBOX", "Drafts"})
      for (const char* sub : {"cur", "new", "tmp"}) fs::create_directories(mail / box / sub);
    fs::copy_file(out / "v1-0001-reply.eml", mail / "Drafts" / "cur" / "1764579600.1.seam-test:2,S");
    const fs::path conf = h.dir / ".config" / "aerc";
    fs::create_directories(conf);
    seam::test::write_file(conf / "accounts.conf", "[test]\nsource = maildir://" + mail.string() +
                                                       "\ndefault = Drafts\nfrom = Jose <jose@example.net>\n"
                                                       "outgoing = /bin/true\npostpone = Drafts\n");
    fs::permissions(conf / "accounts.conf", fs::perms::owner_read | fs::perms::owner_write);
    seam::test::write_file(conf / "aerc.conf", "[general]\nunsafe-accounts-conf = true\n");
    const std::string tmux = "tmux -S " + q(h.dir / "tmux.sock");
    seam::test::shell(tmux + " -f /dev/null new-session -d -x 160 -y 50 " +
                      q(h.env("XDG_CONFIG_HOME=" + q(h.dir / ".config") + " aerc")));
    auto screen = [&] {
      int st = 0;
      return seam::test::shell(tmux + " capture-pane -p -J 2>&1", &st);
    };
    auto wait_for = [&](const std::string& text, int tenths = 300) {
      for (int i = 0; i < tenths; ++i) {
        if (screen().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      return false;
    };
    CHECK_MESSAGE(wait_for("Re: [PATCH 1/2] rust: widget: add the caf\xc3\xa9 abstraction"), screen());
    // aerc drops keys while it loads the folder: type until the draft opens.
    bool recalled = false;
    for (int i = 0; i < 6 && !recalled; ++i) {
      seam::test::shell(tmux + " send-keys -l ':recall'");
      seam::test::shell(tmux + " send-keys Enter");
      recalled = wait_for("why is ptr valid here?", 50);
    }
    const std::string s = screen();
    CHECK_MESSAGE(recalled, s);
    CHECK_MESSAGE(s.find("To: \"Zoe Lists\" <zoe+lists@example.org>") != std::string::npos, s);
    CHECK_MESSAGE(s.find("Cc: <rust-for-linux@example.org>, \"Yann Reviewer\" <yann@example.net>") != std::string::npos, s);
    CHECK_MESSAGE(s.find("Subject: Re: [PATCH 1/2] rust: widget: add the caf\xc3\xa9 abstraction") != std::string::npos, s);
    CHECK_MESSAGE(s.find("> +        unsafe { bindings::widget_reset(self.ptr) }") != std::string::npos, s);
    int st = 0;
    seam::test::shell(tmux + " kill-server >/dev/null 2>&1", &st);
  }
}
