// Every source kind of `seam ingest`, its cursor, and its errors.
#include <doctest/doctest.h>
#include <zlib.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "core/store/store.hpp"
#include "mail/sources/files.hpp"
#include "mail/ingest.hpp"
#include "mail/sources/locate.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam;

namespace {

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

void append(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out << text;
}

std::string msg(int n, const std::string& extra_body = "") {
  return "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: A <a@example.org>\nSubject: message " +
         std::to_string(n) + "\nDate: Mon, 03 Mar 2025 10:00:00 +0000\nMessage-Id: <m" + std::to_string(n) +
         "@example.org>\n\nbody " + std::to_string(n) + "\n" + extra_body + "\n";
}

// Shell steps that may fail (git push to a bare epoch prints, exits 0).
std::string run(const std::string& cmd) {
  int status = 0;
  return test::shell(cmd, &status);
}

mail::SourceReport one(core::Store& store, const fs::path& p, const mail::IngestOptions& opts = {}) {
  auto reps = mail::ingest(store, p.string(), opts);
  REQUIRE(reps.size() == 1);
  return reps[0];
}

}  // namespace

TEST_SUITE("mail/sources") {
  TEST_CASE("mboxrd: separators, >From unquoting, offsets that read back") {
    auto data = mail::read_file(test::data("ingest/quoting.mboxrd").string());
    auto entries = mail::split_mbox(data);
    REQUIRE(entries.size() == 2);  // the unquoted "From here on" line is not a separator
    auto first = mail::extract_message(data, entries[0], mail::MboxFormat::mboxrd);
    CHECK(first.find("\nFrom the beginning\n") != std::string::npos);
    CHECK(first.find("\n>From twice quoted\n") != std::string::npos);
    auto o = mail::extract_message(data, entries[0], mail::MboxFormat::mboxo);
    CHECK(o.find("\nFrom the beginning\n") != std::string::npos);
    CHECK(o.find("\n>>From twice quoted\n") != std::string::npos);

    test::TempDir tmp;
    core::Store store((tmp / "s.db").string());
    auto r = one(store, test::data("ingest/quoting.mboxrd"));
    CHECK(r.kind == "mbox");
    CHECK(r.seen == 2);
    CHECK(r.added == 2);
    CHECK(r.errors.empty());
    auto raw = mail::read_raw(store, "quoting-1@example.org");
    REQUIRE(raw.raw);
    CHECK(*raw.raw == first);
  }

  TEST_CASE("headers: RFC 2047, groups, repeated Cc, dates, references, list id") {
    test::TempDir tmp;
    core::Store store((tmp / "s.db").string());
    one(store, test::data("ingest/quoting.mboxrd"));
    auto m = store.find_message("quoting-2@example.org");
    REQUIRE(m);
    CHECK(m->message.subject == "Grüße aus Köln");
    CHECK(m->message.from.name == "Jürgen Müller");
    CHECK(m->message.from.email == "jm@example.org");
    auto to = mail::parse_address_list(m->message.to_raw);
    REQUIRE(to.size() == 3);  // the group is flattened
    CHECK(to[1].name == "B, Person");
    CHECK(mail::parse_address_list(m->message.cc_raw).size() == 2);
    REQUIRE(m->message.date);
    CHECK(*m->message.date == 1740931200);  // 2025-03-02 16:00 UTC
    CHECK(m->message.tz_minutes == -480);
    CHECK(m->message.in_reply_to == "quoting-1@example.org");
    CHECK(m->message.references == std::vector<std::string>{"root@example.org", "quoting-1@example.org"});
    CHECK(m->message.list_id == "test.lists.example.org");
    auto q = store.find_message("quoting-1@example.org");
    REQUIRE(q);
    CHECK(q->message.tz_minutes == 330);
  }

  TEST_CASE("8-bit headers become UTF-8; a bad date is kept raw; no Message-ID gets a stable id") {
    auto latin = mail::parse_message(mail::read_file(test::data("ingest/latin1-header.eml").string()));
    REQUIRE(latin.message);
    CHECK(latin.message->subject == "Café crème");
    CHECK_FALSE(latin.message->date_ok);
    CHECK_FALSE(latin.message->date);
    CHECK(latin.message->date_raw == "not a date at all");
    const std::string raw = mail::read_file(test::data("ingest/no-msgid.eml").string());
    auto a = mail::parse_message(raw), b = mail::parse_message(raw);
    REQUIRE(a.message);
    CHECK(a.message->synthetic_id);
    CHECK(a.message->msgid == b.message->msgid);
    CHECK(a.message->msgid.find("@seam.synthetic") != std::string::npos);
    CHECK(mail::parse_message(raw + "x").message->msgid != a.message->msgid);
  }

  TEST_CASE("single-message files, garbage and unreadable sources") {
    test::TempDir tmp;
    core::Store store((tmp / "s.db").string());
    auto r = one(store, test::data("ingest/latin1-header.eml"));
    CHECK(r.added == 1);
    write(tmp / "junk.bin", std::string("\x01\x02\x03 not mail at all\n", 20));
    auto j = one(store, tmp / "junk.bin");
    CHECK_FALSE(j.fatal.empty());
    CHECK(j.fatal.find("junk.bin") != std::string::npos);
    auto missing = one(store, tmp / "nope.mbox");
    CHECK(missing.fatal.find("nope.mbox") != std::string::npos);
    // A malformed message in an mbox is skipped with its byte offset; the others are read.
    write(tmp / "bad.mbox", msg(1) + "From mboxrd@z Thu Jan  1 00:00:00 1970\n\x01\x02 no header\n\n" + msg(2));
    auto b = one(store, tmp / "bad.mbox");
    CHECK(b.seen == 3);
    CHECK(b.added == 2);
    REQUIRE(b.errors.size() == 1);
    CHECK(b.errors[0].where.find("bad.mbox: byte ") != std::string::npos);
  }

  TEST_CASE("mbox cursor: nothing twice, appended mail only, rewritten files again") {
    test::TempDir tmp;
    core::Store store((tmp / "s.db").string());
    const auto box = tmp / "list.mbox";
    write(box, msg(1) + msg(2));
    CHECK(one(store, box).added == 2);
    auto again = one(store, box);
    CHECK(again.seen == 0);
    append(box, msg(3));
    auto more = one(store, box);
    CHECK(more.seen == 1);
    CHECK(more.added == 1);
    write(box, msg(4));  // shorter: read again from the start
    auto rewritten = one(store, box);
    CHECK(rewritten.seen == 1);
    CHECK(rewritten.added == 1);
    write(box, msg(4) + msg(1));  // same prefix grew, old message again: a duplicate
    auto dup = one(store, box);
    CHECK(dup.duplicates + dup.added == dup.seen);
    CHECK(store.message_count() == 4);
    // The same bytes again from the same source are the stored message
    // moved (its locator follows), not a copy.
    CHECK(store.duplicate_count() == 0);
    write(tmp / "other.mbox", msg(1));  // from another source: a copy
    CHECK(one(store, tmp / "other.mbox").duplicates == 1);
    CHECK(store.duplicate_count() == 1);
  }

  TEST_CASE("gzip: several members, cursor, and the inflate cap") {
    test::TempDir tmp;
    core::Store store((tmp / "s.db").string());
    const auto gz = tmp / "t.mbox.gz";
    auto add_member = [&](const std::string& text) {
      gzFile f = gzopen(gz.c_str(), "ab");
      REQUIRE(f);
      gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
      gzclose(f);
    };
    add_member(msg(1) + msg(2));
    auto r = one(store, gz);
    CHECK(r.kind == "mbox.gz");
    CHECK(r.added == 2);
    add_member(msg(3));
    auto r2 = one(store, gz);
    CHECK(r2.seen == 1);
    CHECK(r2.added == 1);
    auto raw = mail::read_raw(store, "m3@example.org");
    REQUIRE(raw.raw);
    CHECK(raw.raw->find("body 3") != std::string::npos);
    mail::IngestOptions small;
    small.max_inflate = 100;
    core::Store other((tmp / "o.db").string());
    auto capped = one(other, gz, small);
    CHECK(capped.fatal.find("inflates past 100 bytes") != std::string::npos);
  }

  TEST_CASE("Maildir: cur and new, flags do not cause a second read") {
    test::TempDir tmp;
    fs::copy(test::data("ingest/maildir"), tmp / "md", fs::copy_options::recursive);
    core::Store store((tmp / "s.db").string());
    auto r = one(store, tmp / "md");
    CHECK(r.kind == "maildir");
    CHECK(r.added == 2);
    fs::rename(tmp / "md/new/1740000001.2_1.host", tmp / "md/cur/1740000001.2_1.host:2,RS");
    CHECK(one(store, tmp / "md").seen == 0);
    write(tmp / "md/new/1740000002.3_1.host", "From: x@example.org\nSubject: three\nMessage-Id: <md-3@example.org>\n\n3\n");
    auto r3 = one(store, tmp / "md");
    CHECK(r3.seen == 1);
    // Renamed for its flags, the message is still found by the unique part of its name.
    CHECK(mail::read_raw(store, "md-2@example.org").raw.has_value());
    CHECK(mail::read_raw(store, "md-3@example.org").raw.has_value());
  }

  TEST_CASE("standard input: one message or an mbox, kept in the store") {
    test::TempDir tmp;
    core::Store store((tmp / "s.db").string());
    auto r = mail::ingest_stdin(store, mail::read_file(test::data("ingest/latin1-header.eml").string()), {});
    CHECK(r.kind == "stdin");
    CHECK(r.added == 1);
    auto kept = mail::read_raw(store, "latin@example.org");
    REQUIRE(kept.raw);
    CHECK(kept.raw->find("body") != std::string::npos);
    auto box = mail::ingest_stdin(store, msg(7) + msg(8), {});
    CHECK(box.added == 2);
    CHECK(mail::read_raw(store, "m8@example.org").raw.has_value());
  }

  TEST_CASE("public-inbox: epochs, inboxes, cursors and missing blobs") {
    test::TempDir tmp;
    const std::string work = (tmp / "w").string();
    auto git = [&](const std::string& args) {
      return run("cd '" + work + "' && GIT_AUTHOR_NAME=pi GIT_AUTHOR_EMAIL=pi@x GIT_COMMITTER_NAME=pi "
                 "GIT_COMMITTER_EMAIL=pi@x git " + args + " 2>&1");
    };
    fs::create_directories(work);
    git("init -q -b master");
    for (int i = 1; i <= 3; ++i) {
      write(fs::path(work) / "m", msg(i).substr(msg(i).find('\n') + 1));
      git("add m && git commit -q -m m" + std::to_string(i));
    }
    const auto inbox = tmp / "inbox";
    fs::create_directories(inbox / "git");
    run("git clone -q --bare '" + work + "' '" + (inbox / "git/0.git").string() + "'");
    core::Store store((tmp / "s.db").string());
    auto r = one(store, inbox / "git/0.git");
    CHECK(r.kind == "public-inbox");
    CHECK(r.added == 3);
    CHECK(one(store, inbox / "git/0.git").seen == 0);
    // A new message arrives in the epoch: only it is read.
    write(fs::path(work) / "m", msg(4).substr(msg(4).find('\n') + 1));
    git("commit -q -am m4 && git push -q '" + (inbox / "git/0.git").string() + "' master");
    auto r2 = one(store, inbox / "git/0.git");
    CHECK(r2.seen == 1);
    CHECK(r2.added == 1);
    // An inbox folder: its epochs in numeric order, each reported.
    run("git clone -q --bare '" + work + "' '" + (inbox / "git/1.git").string() + "'");
    core::Store fresh((tmp / "f.db").string());
    auto reps = mail::ingest(fresh, inbox.string(), {});
    REQUIRE(reps.size() == 2);
    CHECK(reps[0].source.find("0.git") != std::string::npos);
    CHECK(reps[0].added == 4);
    CHECK(reps[1].duplicates == 4);
    // A partial mirror: one blob missing. The commit is named; the rest is read.
    const auto partial = tmp / "partial.git";
    run("git clone -q --bare --no-local '" + work + "' '" + partial.string() + "' && cd '" + partial.string() +
        "' && git repack -q -a -d");
    std::string blob = run("cd '" + work + "' && git rev-parse HEAD~1:m");
    blob.pop_back();
    const std::string commit = run("cd '" + work + "' && git rev-parse HEAD~1").substr(0, 40);
    // Rewrite the pack without that blob.
    run("cd '" + partial.string() + "' && git rev-list --objects --all | grep -v " + blob +
        " | cut -d' ' -f1 | git pack-objects -q pack-new >/dev/null && rm -f objects/pack/pack-* && "
        "mv pack-new-* objects/pack/");
    core::Store p((tmp / "p.db").string());
    auto pr = one(p, partial);
    CHECK(pr.fatal.empty());
    CHECK(pr.seen == 4);
    CHECK(pr.added == 3);
    REQUIRE(pr.errors.size() == 1);
    CHECK(pr.errors[0].where.find(commit) != std::string::npos);
    CHECK(pr.errors[0].message.find("missing") != std::string::npos);
  }
}
