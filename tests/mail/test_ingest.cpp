// mail::ingest and mail::ingest_stdin: every kind of source, the cursors that
// make a second run cheap, and malformed input that must never stop a run.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/store/store.hpp"
#include "mail/sources/files.hpp"
#include "mail/ingest.hpp"
#include "mail/sources/locate.hpp"
#include "mail/sources/mbox.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using seam::core::Store;
using seam::mail::IngestOptions;
using seam::mail::SourceReport;
using seam::test::mbox_entry;
using seam::test::small_mail;

namespace {

// Two parsing threads at most: the machine running the tests is shared.
IngestOptions opts() {
  IngestOptions o;
  o.threads = 2;
  return o;
}

SourceReport one(Store& store, const fs::path& p, const IngestOptions& o = opts()) {
  auto reps = seam::mail::ingest(store, p.string(), o);
  REQUIRE(reps.size() == 1);
  CHECK(reps[0].source == p.string());
  return reps[0];
}

void gz_append(const fs::path& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "ab");
  REQUIRE(f);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

std::string ids(int from, int to, const std::string& prefix = "m") {
  std::string out;
  for (int i = from; i <= to; ++i) out += mbox_entry(prefix + std::to_string(i) + "@example.org");
  return out;
}

// A message for an epoch: the blob `m` holds a message without a separator.
std::string epoch_mail(const std::string& id, const std::string& subject = "") { return small_mail(id, subject); }

// Makes an mtime change visible even on file systems with coarse timestamps.
void bump_mtime(const fs::path& p) {
  fs::last_write_time(p, fs::last_write_time(p) + std::chrono::seconds(5));
}

}  // namespace

TEST_SUITE("mail/ingest") {
  // ---- mbox --------------------------------------------------------------

  TEST_CASE("mbox: every message once, with the locator of its bytes") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto path = seam::test::data("ingest/quoting-levels.mbox");
    auto r = one(store, path);
    CHECK(r.kind == "mbox");
    CHECK(r.seen == 2);
    CHECK(r.added == 2);
    CHECK(r.duplicates == 0);
    CHECK(r.errors.empty());
    CHECK(r.fatal.empty());
    CHECK(store.message_count() == 2);

    const std::string data = seam::test::read_bytes(path);
    auto entries = seam::mail::split_mbox(data);
    REQUIRE(entries.size() == 2);
    auto first = store.find_message("levels-1@example.org");
    REQUIRE(first);
    CHECK(first->source == fs::canonical(path).string());
    CHECK(first->source_kind == "mbox");
    CHECK(first->message.where == "0+" + std::to_string(entries[0].length));
    const std::string rd = seam::mail::extract_message(data, entries[0], seam::mail::MboxFormat::mboxrd);
    CHECK(first->message.size == rd.size());
    auto second = store.find_message("levels-2@example.org");
    REQUIRE(second);
    CHECK(second->message.where == std::to_string(entries[1].offset) + "+" + std::to_string(entries[1].length));
    CHECK(second->message.in_reply_to == "levels-1@example.org");
    // The locator reads the message back, unquoted.
    auto raw = seam::mail::read_raw(store, "levels-1@example.org");
    REQUIRE(raw.raw);
    CHECK(*raw.raw == rd);
    CHECK(raw.raw->find("\nFrom one\n>From two\n>>From three\n") != std::string::npos);
  }

  TEST_CASE("mbox: mboxrd by default, mboxo when asked") {
    seam::test::TempDir tmp;
    const auto path = seam::test::data("ingest/quoting-levels.mbox");
    Store rd((tmp / "rd.db").string());
    one(rd, path);
    IngestOptions o = opts();
    o.format = seam::mail::MboxFormat::mboxo;
    Store mo((tmp / "o.db").string());
    auto r = one(mo, path, o);
    CHECK(r.added == 2);
    auto a = rd.find_message("levels-1@example.org");
    auto b = mo.find_message("levels-1@example.org");
    REQUIRE(a);
    REQUIRE(b);
    // mboxo leaves ">>From two" and ">>>From three" quoted: two bytes more.
    CHECK(b->message.size == a->message.size + 2);
  }

  TEST_CASE("mbox: a message ingested as mboxo reads back as mboxo") {
    seam::test::TempDir tmp;
    IngestOptions o = opts();
    o.format = seam::mail::MboxFormat::mboxo;
    Store store((tmp / "s.db").string());
    one(store, seam::test::data("ingest/quoting-levels.mbox"), o);
    auto raw = seam::mail::read_raw(store, "levels-1@example.org");
    REQUIRE(raw.raw);
    auto m = store.find_message("levels-1@example.org");
    REQUIRE(m);
    CHECK(raw.raw->size() == m->message.size);
    CHECK(raw.raw->find("\n>>From two\n") != std::string::npos);
  }

  TEST_CASE("mbox: malformed messages are reported with file and byte offset, counted, skipped") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto path = seam::test::data("ingest/mixed.mbox");
    const std::string data = seam::test::read_bytes(path);
    auto r = one(store, path);
    CHECK(r.fatal.empty());
    CHECK(r.seen == 4);
    CHECK(r.added == 2);
    CHECK(r.duplicates == 0);
    REQUIRE(r.errors.size() == 2);
    auto entries = seam::mail::split_mbox(data);
    REQUIRE(entries.size() == 4);
    CHECK(r.errors[0].where == path.string() + ": byte " + std::to_string(entries[1].offset));
    CHECK(r.errors[1].where == path.string() + ": byte " + std::to_string(entries[2].offset));
    CHECK(data.compare(entries[1].offset, 5, "From ") == 0);
    for (const auto& e : r.errors) CHECK_FALSE(e.message.empty());
    CHECK(store.find_message("mixed-1@example.org"));
    CHECK(store.find_message("mixed-4@example.org"));
    // Skipped messages are not read again.
    CHECK(one(store, path).seen == 0);
  }

  TEST_CASE("mbox: text before the first separator is reported, the messages are read") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto path = tmp / "junk-first.mbox";
    seam::test::write_file(path, "This archive was saved by hand.\n\n" + ids(1, 2));
    auto r = one(store, path);
    CHECK(r.fatal.empty());
    CHECK(r.added == 2);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].where.find("junk-first.mbox") != std::string::npos);
    // Blank lines alone before the first separator are harmless.
    const auto blank = tmp / "blank-first.mbox";
    seam::test::write_file(blank, "\n\n" + ids(3, 3));
    auto b = one(store, blank);
    CHECK(b.added == 1);
    CHECK(b.errors.empty());
  }

  TEST_CASE("a single-message file") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto path = seam::test::data("ingest/headers-rfc2047.eml");
    auto r = one(store, path);
    CHECK(r.kind == "mbox");
    CHECK(r.seen == 1);
    CHECK(r.added == 1);
    CHECK(r.errors.empty());
    auto m = store.find_message("20250304.hdr-2047@example.org");
    REQUIRE(m);
    CHECK(m->message.subject == "[PATCH v2 1/3] rust: add Übersetzung für Zeichen");
    CHECK(m->message.where == "0+" + std::to_string(fs::file_size(path)));
    auto raw = seam::mail::read_raw(store, "20250304.hdr-2047@example.org");
    REQUIRE(raw.raw);
    CHECK(*raw.raw == seam::test::read_bytes(path));
    CHECK(one(store, path).seen == 0);
    // A message file whose body quotes an mbox separator is still one message.
    const auto quoted = tmp / "one.eml";
    seam::test::write_file(quoted, small_mail("one-file@example.org", "one",
                                              "quoted:\n>From x\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\n"));
    auto q = one(store, quoted);
    CHECK(q.seen == 1);
    CHECK(q.added == 1);
  }

  TEST_CASE("sources that cannot be read: fatal, naming the path, nothing stored") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto missing = one(store, tmp / "no-such.mbox");
    CHECK(missing.fatal.find((tmp / "no-such.mbox").string()) != std::string::npos);
    CHECK(missing.fatal.find('\n') == std::string::npos);
    CHECK(missing.seen == 0);

    seam::test::write_file(tmp / "binary.bin", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    auto bin = one(store, tmp / "binary.bin");
    CHECK(bin.fatal.find("binary.bin") != std::string::npos);
    CHECK(bin.seen == 0);

    fs::create_directories(tmp / "plain-folder" / "sub");
    auto dir = one(store, tmp / "plain-folder");
    CHECK(dir.fatal.find("plain-folder") != std::string::npos);

    fs::create_directories(tmp / "inbox-without-epochs" / "git");
    auto inbox = one(store, tmp / "inbox-without-epochs");
    CHECK(inbox.kind == "public-inbox");
    CHECK(inbox.fatal.find("inbox-without-epochs") != std::string::npos);
    CHECK(store.message_count() == 0);
  }

  TEST_CASE("mbox: an empty or emptied mailbox is no error") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto box = tmp / "empty.mbox";
    seam::test::write_file(box, "");
    auto r = one(store, box);
    CHECK(r.fatal.empty());
    CHECK(r.seen == 0);
    seam::test::write_file(box, ids(1, 2));
    CHECK(one(store, box).added == 2);
    seam::test::write_file(box, "");  // the mail client moved everything out
    auto emptied = one(store, box);
    CHECK(emptied.fatal.empty());
    CHECK(emptied.seen == 0);
  }

  // ---- incremental mbox ---------------------------------------------------

  TEST_CASE("mbox cursor: a second run adds nothing; appended mail only; rewritten files again") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto box = tmp / "list.mbox";
    seam::test::write_file(box, ids(1, 3));
    auto r1 = one(store, box);
    CHECK(r1.seen == 3);
    CHECK(r1.added == 3);

    auto r2 = one(store, box);
    CHECK(r2.seen == 0);
    CHECK(r2.added == 0);
    CHECK(r2.fatal.empty());

    // Appended: exactly the new messages are read.
    seam::test::append_file(box, ids(4, 5));
    auto r3 = one(store, box);
    CHECK(r3.seen == 2);
    CHECK(r3.added == 2);
    CHECK(r3.duplicates == 0);

    // Touched, not changed: nothing read.
    bump_mtime(box);
    CHECK(one(store, box).seen == 0);

    // Appended once more, one message at a time.
    for (int i = 6; i <= 8; ++i) {
      seam::test::append_file(box, ids(i, i));
      auto r = one(store, box);
      CHECK(r.seen == 1);
      CHECK(r.added == 1);
    }
    CHECK(store.message_count() == 8);

    // Rewritten shorter (a mail client expunged some): read again,
    // deduplicated; the same messages moved, so their locators follow them
    // (no duplicate rows: they are the stored messages, not copies).
    const std::string before = store.find_message("m4@example.org")->message.where;
    seam::test::write_file(box, ids(2, 3) + ids(4, 4));
    auto r4 = one(store, box);
    CHECK(r4.seen == 3);
    CHECK(r4.added == 0);
    CHECK(r4.duplicates == 3);
    CHECK(store.message_count() == 8);
    CHECK(store.duplicate_count() == 0);
    CHECK(store.find_message("m4@example.org")->message.where != before);
    auto back = seam::mail::read_raw(store, "m4@example.org");
    REQUIRE(back.raw);
    CHECK(back.raw->find("Message-ID: <m4@example.org>") != std::string::npos);

    // Rewritten shorter with a new message among old ones.
    seam::test::write_file(box, ids(1, 1) + ids(9, 9));
    auto r5 = one(store, box);
    CHECK(r5.seen == 2);
    CHECK(r5.added == 1);
    CHECK(r5.duplicates == 1);

    // And appending after the rewrite works from the new end.
    seam::test::append_file(box, ids(10, 10));
    auto r6 = one(store, box);
    CHECK(r6.seen == 1);
    CHECK(r6.added == 1);
    CHECK(store.message_count() == 10);
    auto m10 = store.find_message("m10@example.org");
    REQUIRE(m10);
    const std::string data = seam::test::read_bytes(box);
    CHECK(m10->message.where.rfind(std::to_string(data.rfind("From mboxrd@z")) + "+", 0) == 0);
  }

  TEST_CASE("mbox cursor: a same-size rewrite with other mail is read again") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto box = tmp / "list.mbox";
    seam::test::write_file(box, ids(1, 2));
    CHECK(one(store, box).added == 2);
    const auto before = fs::file_size(box);
    seam::test::write_file(box, ids(3, 4));
    REQUIRE(fs::file_size(box) == before);
    bump_mtime(box);
    auto r = one(store, box);
    CHECK(r.seen == 2);
    CHECK(r.added == 2);
  }

  TEST_CASE("mbox cursor: a rewrite that grows past the old end is read again; windows of a large file") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto box = tmp / "list.mbox";
    seam::test::write_file(box, ids(1, 2));
    CHECK(one(store, box).added == 2);
    // The old end lands on a separator of the new file: still other mail before it.
    seam::test::write_file(box, ids(3, 4) + ids(5, 5));
    bump_mtime(box);
    auto r = one(store, box);
    CHECK(r.seen == 3);
    CHECK(r.added == 3);

    // Large enough that only the first and last 64 KiB before the cursor are checked.
    const auto big = tmp / "big.mbox";
    seam::test::write_file(big, ids(1000, 2999));
    REQUIRE(fs::file_size(big) > 4 * 64 * 1024);
    CHECK(one(store, big).added == 2000);
    seam::test::append_file(big, ids(3000, 3000));
    auto appended = one(store, big);
    CHECK(appended.seen == 1);
    CHECK(appended.added == 1);
    // The last message before the cursor replaced by one of the same size.
    seam::test::write_file(big, ids(1000, 2998) + ids(8998, 8998) + ids(3000, 3000));
    bump_mtime(big);
    auto rewritten = one(store, big);
    CHECK(rewritten.seen == 2001);
    CHECK(rewritten.added == 1);
    CHECK(store.find_message("m8998@example.org"));
  }

  TEST_CASE("mbox cursor: a source read before the digest was kept still resumes on append") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto box = tmp / "list.mbox";
    seam::test::write_file(box, ids(1, 2));
    CHECK(one(store, box).added == 2);
    auto src = store.source(fs::canonical(box).string(), "mbox");
    REQUIRE_FALSE(src.prefix_hash.empty());
    CHECK(src.mbox_format == "mboxrd");
    src.prefix_hash.clear();  // as a database from before schema 3 has it
    src.mbox_format.clear();
    store.save_source(src);
    seam::test::append_file(box, ids(3, 3));
    auto r = one(store, box);
    CHECK(r.seen == 1);
    CHECK(r.added == 1);
    CHECK_FALSE(store.source(fs::canonical(box).string(), "mbox").prefix_hash.empty());
  }

  TEST_CASE("mbox: read again with the other quoting, the source starts over and reads back so") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto path = tmp / "levels.mbox";
    seam::test::write_file(path, seam::test::read_bytes(seam::test::data("ingest/quoting-levels.mbox")));
    CHECK(one(store, path).added == 2);
    auto rd = seam::mail::read_raw(store, "levels-1@example.org");
    REQUIRE(rd.raw);
    CHECK(rd.raw->find("\n>From two\n") != std::string::npos);
    IngestOptions o = opts();
    o.format = seam::mail::MboxFormat::mboxo;
    auto again = one(store, path, o);
    CHECK(again.seen == 2);
    CHECK(again.duplicates == 2);
    auto mo = seam::mail::read_raw(store, "levels-1@example.org");
    REQUIRE(mo.raw);
    CHECK(mo.raw->find("\n>>From two\n") != std::string::npos);
    CHECK(one(store, path, o).seen == 0);
  }

  TEST_CASE("mbox.gz cursor: a same-size rewrite with other mail is read again") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto gz = tmp / "list.mbox.gz";
    gz_append(gz, ids(1, 2));
    CHECK(one(store, gz).added == 2);
    fs::remove(gz);
    gz_append(gz, ids(3, 4));
    bump_mtime(gz);
    auto r = one(store, gz);
    CHECK(r.seen == 2);
    CHECK(r.added == 2);
    gz_append(gz, ids(5, 5));
    auto appended = one(store, gz);
    CHECK(appended.seen == 1);
    CHECK(appended.added == 1);
  }

  TEST_CASE("mbox cursor: the same file by another name (symlink) is the same source") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    seam::test::write_file(tmp / "real.mbox", ids(1, 2));
    CHECK(one(store, tmp / "real.mbox").added == 2);
    fs::create_symlink(tmp / "real.mbox", tmp / "link.mbox");
    CHECK(one(store, tmp / "link.mbox").seen == 0);
  }

  TEST_CASE("mbox: source order decides duplicates, whatever the threads; progress is reported") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto box = tmp / "many.mbox";
    std::string data;
    for (int i = 0; i < 300; ++i) {
      // Messages 10 and 250 share one Message-ID; so do 70 and 71.
      std::string id = i == 250 ? "m10@example.org" : i == 71 ? "m70@example.org" : "m" + std::to_string(i) + "@example.org";
      data += mbox_entry(id, "number " + std::to_string(i));
    }
    seam::test::write_file(box, data);
    IngestOptions o = opts();
    std::vector<std::pair<int64_t, int64_t>> calls;
    const auto caller = std::this_thread::get_id();
    bool same_thread = true;
    o.progress = [&](const std::string& src, int64_t done, int64_t total) {
      CHECK(src == box.string());
      same_thread = same_thread && std::this_thread::get_id() == caller;
      calls.emplace_back(done, total);
    };
    auto r = one(store, box, o);
    CHECK(r.seen == 300);
    CHECK(r.added == 298);
    CHECK(r.duplicates == 2);
    auto m10 = store.find_message("m10@example.org");
    REQUIRE(m10);
    CHECK(m10->message.subject == "number 10");
    auto m70 = store.find_message("m70@example.org");
    REQUIRE(m70);
    CHECK(m70->message.subject == "number 70");
    REQUIRE_FALSE(calls.empty());
    CHECK(calls.back() == std::pair<int64_t, int64_t>{300, 300});
    CHECK(std::is_sorted(calls.begin(), calls.end()));
    CHECK(same_thread);
  }

  TEST_CASE("mbox: CRLF line ends") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    std::string data;
    for (int i = 1; i <= 3; ++i) {
      std::string e = mbox_entry("crlf-" + std::to_string(i) + "@example.org", "crlf subject " + std::to_string(i));
      for (size_t p = 0; (p = e.find('\n', p)) != std::string::npos; p += 2) e.replace(p, 1, "\r\n");
      data += e;
    }
    seam::test::write_file(tmp / "crlf.mbox", data);
    auto r = one(store, tmp / "crlf.mbox");
    CHECK(r.seen == 3);
    CHECK(r.added == 3);
    CHECK(r.errors.empty());
    auto m = store.find_message("crlf-2@example.org");
    REQUIRE(m);
    CHECK(m->message.subject == "crlf subject 2");
    CHECK(m->message.date_ok);
    seam::test::append_file(tmp / "crlf.mbox", "From mboxrd@z Thu Jan  1 00:00:00 1970\r\n" +
                                                   std::string("From: a@example.org\r\nMessage-ID: <crlf-4@example.org>\r\n\r\nx\r\n"));
    auto more = one(store, tmp / "crlf.mbox");
    CHECK(more.seen == 1);
    CHECK(more.added == 1);
  }

  TEST_CASE("a file that turns from mbox into gzip is read again as a new kind, deduplicated") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto path = tmp / "list.mbox";
    seam::test::write_file(path, ids(1, 2));
    CHECK(one(store, path).kind == "mbox");
    fs::remove(path);
    gz_append(path, ids(1, 3));
    auto r = one(store, path);
    CHECK(r.kind == "mbox.gz");
    CHECK(r.seen == 3);
    CHECK(r.added == 1);
    CHECK(r.duplicates == 2);
    auto m3 = store.find_message("m3@example.org");
    REQUIRE(m3);
    CHECK(m3->source_kind == "mbox.gz");
  }

  TEST_CASE("a message without Message-ID gets the same synthetic id from every source") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    std::string mail = small_mail("x@example.org", "no id anywhere");
    mail.erase(mail.find("Message-ID:"), mail.find('\n', mail.find("Message-ID:")) + 1 - mail.find("Message-ID:"));
    seam::test::write_file(tmp / "a.mbox", "From mboxrd@z Thu Jan  1 00:00:00 1970\n" + mail + "\n");
    seam::test::write_file(tmp / "b.eml", mail);
    CHECK(one(store, tmp / "a.mbox").added == 1);
    auto b = one(store, tmp / "b.eml");
    CHECK(b.added == 0);
    CHECK(b.duplicates == 1);
    CHECK(seam::mail::ingest_stdin(store, mail, opts()).duplicates == 1);
    auto listed = store.list_messages();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].message.synthetic_id);
  }

  // ---- gzip ---------------------------------------------------------------

  TEST_CASE("mbox.gz: several members, appended members, recompression") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const auto gz = tmp / "archive.mbox.gz";
    gz_append(gz, ids(1, 2));
    gz_append(gz, ids(3, 3));
    auto r = one(store, gz);
    CHECK(r.kind == "mbox.gz");
    CHECK(r.seen == 3);
    CHECK(r.added == 3);
    CHECK(r.errors.empty());
    CHECK(one(store, gz).seen == 0);

    gz_append(gz, ids(4, 5));
    auto r2 = one(store, gz);
    CHECK(r2.seen == 2);
    CHECK(r2.added == 2);
    auto raw = seam::mail::read_raw(store, "m5@example.org");
    REQUIRE(raw.raw);
    CHECK(*raw.raw == small_mail("m5@example.org"));

    // The same mail recompressed as one member: nothing new.
    fs::remove(gz);
    gz_append(gz, ids(1, 5));
    bump_mtime(gz);
    auto r3 = one(store, gz);
    CHECK(r3.fatal.empty());
    CHECK(r3.added == 0);
    CHECK(store.message_count() == 5);
  }

  TEST_CASE("mbox.gz: inflating past the cap is refused with one clear fatal error") {
    seam::test::TempDir tmp;
    const auto gz = tmp / "bomb.mbox.gz";
    std::string data = ids(1, 2000);
    gz_append(gz, data);
    REQUIRE(fs::file_size(gz) < data.size() / 4);
    IngestOptions o = opts();
    o.max_inflate = data.size() / 2;
    Store store((tmp / "s.db").string());
    auto r = one(store, gz, o);
    CHECK(r.kind == "mbox.gz");
    CHECK(r.fatal.find(gz.string()) != std::string::npos);
    CHECK(r.fatal.find("inflates past " + std::to_string(o.max_inflate)) != std::string::npos);
    CHECK(r.fatal.find('\n') == std::string::npos);
    CHECK(r.seen == 0);
    CHECK(store.message_count() == 0);
    // Exactly at the cap is allowed.
    o.max_inflate = data.size();
    auto ok = one(store, gz, o);
    CHECK(ok.fatal.empty());
    CHECK(ok.added == 2000);
  }

  TEST_CASE("mbox.gz: corrupt data is fatal and names the file") {
    seam::test::TempDir tmp;
    const auto gz = tmp / "corrupt.mbox.gz";
    gz_append(gz, ids(1, 200));
    std::string bytes = seam::test::read_bytes(gz);
    for (size_t i = 20; i < 80 && i < bytes.size(); ++i) bytes[i] = static_cast<char>(~bytes[i]);
    seam::test::write_file(gz, bytes);
    Store store((tmp / "s.db").string());
    auto r = one(store, gz);
    CHECK(r.fatal.find(gz.string()) != std::string::npos);
  }

  // ---- Maildir ------------------------------------------------------------

  TEST_CASE("Maildir: cur and new; not tmp, not dot files; flags do not cause re-reads") {
    seam::test::TempDir tmp;
    const auto md = tmp / "Mail";
    fs::copy(seam::test::data("ingest/maildir-flags"), md, fs::copy_options::recursive);
    Store store((tmp / "s.db").string());
    auto r = one(store, md);
    CHECK(r.kind == "maildir");
    CHECK(r.seen == 3);
    CHECK(r.added == 3);
    CHECK(r.errors.empty());
    CHECK_FALSE(store.find_message("mdf-hidden@example.org"));
    CHECK_FALSE(store.find_message("mdf-tmp@example.org"));
    auto m3 = store.find_message("mdf-3@example.org");
    REQUIRE(m3);
    CHECK(m3->message.where == "new/1741000002.M3P100.host");
    CHECK(m3->source_kind == "maildir");
    auto m2 = store.find_message("mdf-2@example.org");
    REQUIRE(m2);
    CHECK(m2->message.where == "cur/1741000001.M2P100.host:2,RS");
    CHECK(m2->message.in_reply_to == "mdf-1@example.org");

    CHECK(one(store, md).seen == 0);

    // The mail client reads the new message and changes flags of the others.
    fs::rename(md / "new/1741000002.M3P100.host", md / "cur/1741000002.M3P100.host:2,S");
    fs::rename(md / "cur/1741000000.M1P100.host:2,S", md / "cur/1741000000.M1P100.host:2,FS");
    fs::rename(md / "cur/1741000001.M2P100.host:2,RS", md / "cur/1741000001.M2P100.host:2,");
    auto r2 = one(store, md);
    CHECK(r2.seen == 0);
    CHECK(r2.added == 0);
    CHECK(store.duplicate_count() == 0);

    // Delivery finished (tmp -> new) and one more arrived: only those are read.
    fs::rename(md / "tmp/1741000003.M4P100.host", md / "new/1741000003.M4P100.host");
    seam::test::write_file(md / "new/1741000004.M5P100.host", small_mail("mdf-5@example.org"));
    auto r3 = one(store, md);
    CHECK(r3.seen == 2);
    CHECK(r3.added == 2);
    CHECK(store.find_message("mdf-tmp@example.org"));
    // Renamed for its flags, a message is still found by the unique part of its name.
    CHECK(seam::mail::read_raw(store, "mdf-3@example.org").raw.has_value());
  }

  TEST_CASE("Maildir: malformed files are reported by name and not retried; delivery order decides duplicates") {
    seam::test::TempDir tmp;
    const auto md = tmp / "md";
    fs::create_directories(md / "new");  // no cur/ at all: still a Maildir
    seam::test::write_file(md / "new/1741000020.bad.host", "this is not a mail message\n");
    seam::test::write_file(md / "new/1741000011.later.host", small_mail("same@example.org", "delivered later"));
    seam::test::write_file(md / "new/1741000010.early.host", small_mail("same@example.org", "delivered first"));
    Store store((tmp / "s.db").string());
    auto r = one(store, md);
    CHECK(r.kind == "maildir");
    CHECK(r.fatal.empty());
    CHECK(r.seen == 3);
    CHECK(r.added == 1);
    CHECK(r.duplicates == 1);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].where.find("new/1741000020.bad.host") != std::string::npos);
    CHECK(r.errors[0].where.find(md.string()) != std::string::npos);
    auto m = store.find_message("same@example.org");
    REQUIRE(m);
    CHECK(m->message.subject == "delivered first");
    auto again = one(store, md);
    CHECK(again.seen == 0);
    CHECK(again.errors.empty());
  }

  // ---- standard input -----------------------------------------------------

  TEST_CASE("standard input: one message, kept raw") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const std::string mail = seam::test::read_bytes(seam::test::data("ingest/headers-rfc2047.eml"));
    auto r = seam::mail::ingest_stdin(store, mail, opts());
    CHECK(r.source == "-");
    CHECK(r.kind == "stdin");
    CHECK(r.seen == 1);
    CHECK(r.added == 1);
    CHECK(r.errors.empty());
    CHECK(r.fatal.empty());
    auto kept = store.kept_raw("20250304.hdr-2047@example.org");
    REQUIRE(kept);
    CHECK(*kept == mail);
    auto m = store.find_message("20250304.hdr-2047@example.org");
    REQUIRE(m);
    CHECK(m->source == "-");
    CHECK(m->source_kind == "stdin");
    auto raw = seam::mail::read_raw(store, "20250304.hdr-2047@example.org");
    REQUIRE(raw.raw);
    CHECK(*raw.raw == mail);

    // The same message piped again: no cursor for a pipe, it is a duplicate.
    auto again = seam::mail::ingest_stdin(store, mail, opts());
    CHECK(again.seen == 1);
    CHECK(again.added == 0);
    CHECK(again.duplicates == 1);
  }

  TEST_CASE("standard input: an mbox, unquoted; every message kept") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    const std::string data = seam::test::read_bytes(seam::test::data("ingest/quoting-levels.mbox"));
    auto r = seam::mail::ingest_stdin(store, data, opts());
    CHECK(r.kind == "stdin");
    CHECK(r.seen == 2);
    CHECK(r.added == 2);
    auto entries = seam::mail::split_mbox(data);
    REQUIRE(entries.size() == 2);
    auto kept = store.kept_raw("levels-1@example.org");
    REQUIRE(kept);
    CHECK(*kept == seam::mail::extract_message(data, entries[0], seam::mail::MboxFormat::mboxrd));
    CHECK(kept->rfind("From: Quoter", 0) == 0);  // no separator line
    CHECK(store.kept_raw("levels-2@example.org"));

    // --mboxo applies to standard input too.
    IngestOptions o = opts();
    o.format = seam::mail::MboxFormat::mboxo;
    Store other((tmp / "o.db").string());
    seam::mail::ingest_stdin(other, data, o);
    auto kept_o = other.kept_raw("levels-1@example.org");
    REQUIRE(kept_o);
    CHECK(kept_o->find("\n>>From two\n") != std::string::npos);
  }

  TEST_CASE("standard input: no Message-ID, malformed, not mail") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    std::string mail = small_mail("x@example.org");
    mail.erase(mail.find("Message-ID:"), mail.find('\n', mail.find("Message-ID:")) + 1 - mail.find("Message-ID:"));
    auto r = seam::mail::ingest_stdin(store, mail, opts());
    CHECK(r.added == 1);
    auto listed = store.list_messages();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].message.synthetic_id);
    CHECK(store.kept_raw(listed[0].message.msgid) == mail);
    // The same bytes again: the same synthetic id, so a duplicate.
    CHECK(seam::mail::ingest_stdin(store, mail, opts()).duplicates == 1);

    auto mixed = seam::mail::ingest_stdin(store, seam::test::read_bytes(seam::test::data("ingest/mixed.mbox")), opts());
    CHECK(mixed.seen == 4);
    CHECK(mixed.added == 2);
    REQUIRE(mixed.errors.size() == 2);
    CHECK(mixed.errors[0].where.rfind("-: byte ", 0) == 0);

    auto junk = seam::mail::ingest_stdin(store, "\x01\x02\x03 nothing here\n", opts());
    CHECK_FALSE(junk.fatal.empty());
    CHECK(junk.seen == 0);
  }

  // ---- public-inbox -------------------------------------------------------

  TEST_CASE("public-inbox epoch: oldest first, commit locators, cursor, new commits only") {
    seam::test::TempDir tmp;
    seam::test::GitEpoch epoch(tmp / "0.git");
    auto c1 = epoch.add(epoch_mail("pi-1@example.org", "oldest copy"));
    epoch.add(epoch_mail("pi-2@example.org"));
    auto c3 = epoch.add(epoch_mail("pi-1@example.org", "newer copy"));
    Store store((tmp / "s.db").string());
    auto r = one(store, epoch.path());
    CHECK(r.kind == "public-inbox");
    CHECK(r.fatal.empty());
    CHECK(r.seen == 3);
    CHECK(r.added == 2);
    CHECK(r.duplicates == 1);
    CHECK(r.errors.empty());
    auto m1 = store.find_message("pi-1@example.org");
    REQUIRE(m1);
    CHECK(m1->message.subject == "oldest copy");  // oldest commit first
    CHECK(m1->message.where == c1.commit);
    CHECK(m1->source_kind == "public-inbox");
    auto raw = seam::mail::read_raw(store, "pi-1@example.org");
    REQUIRE(raw.raw);
    CHECK(*raw.raw == epoch_mail("pi-1@example.org", "oldest copy"));

    auto again = one(store, epoch.path());
    CHECK(again.seen == 0);
    CHECK(again.added == 0);

    epoch.add(epoch_mail("pi-4@example.org"));
    auto c5 = epoch.add(epoch_mail("pi-5@example.org"));
    auto more = one(store, epoch.path());
    CHECK(more.seen == 2);
    CHECK(more.added == 2);
    CHECK(more.duplicates == 0);
    auto m5 = store.find_message("pi-5@example.org");
    REQUIRE(m5);
    CHECK(m5->message.where == c5.commit);
    CHECK(c3.commit != c5.commit);
    CHECK(one(store, epoch.path()).seen == 0);
  }

  TEST_CASE("public-inbox epoch: a missing blob or tree is an error naming the commit; the run goes on") {
    seam::test::TempDir tmp;
    seam::test::GitEpoch epoch(tmp / "partial.git");
    epoch.add(epoch_mail("p-1@example.org"));
    auto lost_blob = epoch.add(epoch_mail("p-2@example.org"));
    epoch.add(epoch_mail("p-3@example.org"));
    auto lost_tree = epoch.add(epoch_mail("p-4@example.org"));
    epoch.add(epoch_mail("p-5@example.org"));
    epoch.remove_object(lost_blob.blob);
    epoch.remove_object(lost_tree.tree);
    Store store((tmp / "s.db").string());
    auto r = one(store, epoch.path());
    CHECK(r.fatal.empty());
    CHECK(r.seen == 5);
    CHECK(r.added == 3);
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0].where.find(lost_blob.commit) != std::string::npos);
    CHECK(r.errors[0].where.find(epoch.path().string()) != std::string::npos);
    CHECK(r.errors[0].message.find("missing") != std::string::npos);
    CHECK(r.errors[1].where.find(lost_tree.commit) != std::string::npos);
    CHECK(store.find_message("p-5@example.org"));
    CHECK_FALSE(store.find_message("p-2@example.org"));
  }

  TEST_CASE("RawReader reads back from more epochs than it keeps open, in any order") {
    // Six epochs (RawReader keeps four open): every message read back
    // through one reader, twice over, in an order that reopens closed ones.
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    std::vector<std::string> ids;
    for (int e = 0; e < 6; ++e) {
      seam::test::GitEpoch epoch(tmp / ("e" + std::to_string(e) + ".git"));
      for (int k = 0; k < 2; ++k) {
        ids.push_back("ep" + std::to_string(e) + "-" + std::to_string(k) + "@example.org");
        epoch.add(epoch_mail(ids.back()));
      }
      REQUIRE(one(store, epoch.path()).added == 2);
    }
    seam::mail::RawReader reader(store);
    for (int round = 0; round < 2; ++round)
      for (size_t i = 0; i < ids.size(); ++i) {
        const auto& id = ids[round ? ids.size() - 1 - i : (i * 5) % ids.size()];
        auto r = reader.read(id);
        REQUIRE_MESSAGE(r.raw, id << ": " << r.error);
        CHECK(r.raw->find("Message-ID: <" + id + ">") != std::string::npos);
      }
    CHECK_FALSE(reader.read("absent@example.org").raw);
  }

  TEST_CASE("public-inbox epoch: a commit whose m is not mail is skipped and named") {
    seam::test::TempDir tmp;
    seam::test::GitEpoch epoch(tmp / "e.git");
    epoch.add(epoch_mail("g-1@example.org"));
    auto bad = epoch.add("\x01\x02 this blob holds no mail\n");
    epoch.add(epoch_mail("g-3@example.org"));
    Store store((tmp / "s.db").string());
    auto r = one(store, epoch.path());
    CHECK(r.seen == 3);
    CHECK(r.added == 2);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].where == epoch.path().string() + ": commit " + bad.commit);
  }

  TEST_CASE("public-inbox epoch: rewritten history is read again and deduplicated") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    {
      seam::test::GitEpoch epoch(tmp / "r.git");
      epoch.add(epoch_mail("r-1@example.org"));
      epoch.add(epoch_mail("r-2@example.org"));
      CHECK(one(store, epoch.path()).added == 2);
    }
    fs::remove_all(tmp / "r.git");
    seam::test::GitEpoch rebuilt(tmp / "r.git");
    rebuilt.add(epoch_mail("r-0@example.org"));
    rebuilt.add(epoch_mail("r-1@example.org"));
    rebuilt.add(epoch_mail("r-2@example.org"));
    auto r = one(store, rebuilt.path());
    CHECK(r.seen == 3);
    CHECK(r.added == 1);
    CHECK(r.duplicates == 2);
  }

  TEST_CASE("public-inbox epoch: a mirror without refs/ (packed-refs only) opens") {
    seam::test::TempDir tmp;
    seam::test::GitEpoch epoch(tmp / "mirror.git");
    epoch.add(epoch_mail("mirror-1@example.org"));
    epoch.add(epoch_mail("mirror-2@example.org"));
    epoch.sh("git pack-refs --all --prune");
    fs::remove_all(epoch.path() / "refs");
    REQUIRE(fs::exists(epoch.path() / "packed-refs"));
    Store store((tmp / "s.db").string());
    auto r = one(store, epoch.path());
    CHECK(r.fatal.empty());
    CHECK(r.kind == "public-inbox");
    CHECK(r.added == 2);
    CHECK(one(store, epoch.path()).seen == 0);
  }

  TEST_CASE("public-inbox epoch: a missing commit ends the history there; the run goes on") {
    seam::test::TempDir tmp;
    seam::test::GitEpoch epoch(tmp / "shallow.git");
    epoch.add(epoch_mail("s-1@example.org"));
    auto gone = epoch.add(epoch_mail("s-2@example.org"));
    epoch.add(epoch_mail("s-3@example.org"));
    epoch.remove_object(gone.commit);
    Store store((tmp / "s.db").string());
    auto r = one(store, epoch.path());
    CHECK(r.fatal.empty());
    CHECK(r.seen == 1);
    CHECK(store.find_message("s-3@example.org"));
    CHECK_FALSE(store.find_message("s-1@example.org"));
  }

  TEST_CASE("public-inbox epoch: an epoch that is not a repository is fatal, naming it") {
    seam::test::TempDir tmp;
    const auto fake = tmp / "fake.git";
    fs::create_directories(fake / "objects");
    seam::test::write_file(fake / "HEAD", "ref: refs/heads/master\n");
    Store store((tmp / "s.db").string());
    auto r = one(store, fake);
    CHECK(r.kind == "public-inbox");
    CHECK(r.fatal.find(fake.string()) != std::string::npos);
    CHECK(r.seen == 0);
  }

  TEST_CASE("public-inbox folder: epochs git/N.git in numeric order, one report each") {
    seam::test::TempDir tmp;
    const auto inbox = tmp / "inbox";
    for (int n : {10, 2, 0, 1}) {
      seam::test::GitEpoch e(inbox / "git" / (std::to_string(n) + ".git"));
      for (int k = 0; k <= n % 3; ++k) e.add(epoch_mail("e" + std::to_string(n) + "-" + std::to_string(k) + "@example.org"));
    }
    // Not epochs: a non-numeric name and a folder without objects.
    seam::test::GitEpoch other(inbox / "git" / "all.git");
    other.add(epoch_mail("not-an-epoch@example.org"));
    fs::create_directories(inbox / "git" / "3.git");
    Store store((tmp / "s.db").string());
    auto reps = seam::mail::ingest(store, inbox.string(), opts());
    REQUIRE(reps.size() == 4);
    const int order[] = {0, 1, 2, 10};
    for (size_t i = 0; i < 4; ++i) {
      CAPTURE(i);
      CHECK(reps[i].source == (inbox / "git" / (std::to_string(order[i]) + ".git")).string());
      CHECK(reps[i].kind == "public-inbox");
      CHECK(reps[i].fatal.empty());
      CHECK(reps[i].added == order[i] % 3 + 1);
      CHECK(reps[i].seen == reps[i].added);
    }
    CHECK(store.message_count() == 1 + 2 + 3 + 2);
    CHECK_FALSE(store.find_message("not-an-epoch@example.org"));
    // Second run: every epoch reported, nothing read.
    auto again = seam::mail::ingest(store, inbox.string(), opts());
    REQUIRE(again.size() == 4);
    for (const auto& r : again) CHECK(r.seen == 0);
  }

  TEST_CASE("public-inbox folder: new commits in the newest epoch are read from its cursor") {
    seam::test::TempDir tmp;
    const auto inbox = tmp / "inbox";
    seam::test::GitEpoch e0(inbox / "git" / "0.git");
    e0.add(epoch_mail("f-0@example.org"));
    seam::test::GitEpoch e1(inbox / "git" / "1.git");
    e1.add(epoch_mail("f-1@example.org"));
    Store store((tmp / "s.db").string());
    auto first = seam::mail::ingest(store, inbox.string(), opts());
    REQUIRE(first.size() == 2);
    e1.add(epoch_mail("f-2@example.org"));
    e1.add(epoch_mail("f-3@example.org"));
    auto second = seam::mail::ingest(store, inbox.string(), opts());
    REQUIRE(second.size() == 2);
    CHECK(second[0].seen == 0);
    CHECK(second[1].seen == 2);
    CHECK(second[1].added == 2);
    // The epoch alone shares the cursor of the inbox run.
    CHECK(one(store, e1.path()).seen == 0);
  }

  // ---- the shared corpus --------------------------------------------------

  TEST_CASE("corpus: every thread mbox ingests with no errors, one stored message per message") {
    const auto dir = seam::test::shared("corpus/threads");
    SEAM_SKIP_UNLESS(!dir.empty(), "../shared/corpus/threads is absent");
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".mbox") continue;
      CAPTURE(e.path());
      ++files;
      int64_t separators = 0;
      std::ifstream in(e.path(), std::ios::binary);
      for (std::string line; std::getline(in, line);) separators += line.rfind("From ", 0) == 0;
      REQUIRE(separators > 0);
      seam::test::TempDir tmp;
      Store store((tmp / "s.db").string());
      auto r = one(store, e.path());
      CHECK(r.fatal.empty());
      CHECK(r.errors.empty());
      CHECK(r.kind == "mbox");
      CHECK(r.seen == separators);
      CHECK(r.added == separators);
      CHECK(store.message_count() == separators);
      CHECK(one(store, e.path()).seen == 0);
    }
    CHECK(files > 0);
  }

  TEST_CASE("corpus: the linux-kbuild epoch, every commit accounted for, then nothing new") {
    const auto epoch = seam::test::shared("corpus/lore/linux-kbuild/git/0.git");
    SEAM_SKIP_UNLESS(!epoch.empty(), "../shared/corpus/lore/linux-kbuild/git/0.git is absent");
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto r = one(store, epoch);
    CHECK(r.kind == "public-inbox");
    CHECK(r.fatal.empty());
    CHECK(r.errors.size() == 0);
    CHECK(r.duplicates == 22);
    CHECK(r.added + r.duplicates + static_cast<int64_t>(r.errors.size()) == 31699);
    CHECK(r.seen == 31699);
    CHECK(store.message_count() == r.added);
    CHECK(store.duplicate_count() == 22);
    auto again = one(store, epoch);
    CHECK(again.seen == 0);
    CHECK(again.added == 0);
  }
}
