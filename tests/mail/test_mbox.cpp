// mail/mbox and mail/files: splitting mbox data into messages, undoing the
// ">From " quoting of mboxrd and mboxo, and reading plain and gzip files.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mail/sources/files.hpp"
#include "mail/sources/mbox.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using seam::mail::MboxEntry;
using seam::mail::MboxFormat;

namespace {

// Appends one gzip member holding `text` to `path` (as `cat a.gz b.gz` does).
void gz_append(const fs::path& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "ab");
  REQUIRE(f);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

// The body of a message (after the first empty line).
std::string body_of(const std::string& msg) {
  auto p = msg.find("\n\n");
  REQUIRE(p != std::string::npos);
  return msg.substr(p + 2);
}

}  // namespace

TEST_SUITE("mail/mbox") {
  TEST_CASE("looks_like_mbox and looks_like_message") {
    using seam::mail::looks_like_mbox;
    using seam::mail::looks_like_message;
    CHECK(looks_like_mbox("From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: a@b\n"));
    CHECK_FALSE(looks_like_mbox("From: a@example.org\n"));
    CHECK_FALSE(looks_like_mbox("\nFrom x Thu Jan  1 00:00:00 1970\n"));
    CHECK_FALSE(looks_like_mbox(""));

    CHECK(looks_like_message("From: a@example.org\nSubject: x\n\nbody\n"));
    CHECK(looks_like_message("Return-Path: <a@example.org>\n"));
    CHECK(looks_like_message("X-Some-Header:value\n"));
    CHECK_FALSE(looks_like_message(""));
    CHECK_FALSE(looks_like_message(":no name\n"));
    CHECK_FALSE(looks_like_message("not a header line\n"));
    CHECK_FALSE(looks_like_message("From x Thu Jan  1 00:00:00 1970\n"));  // a separator, not a field
    CHECK_FALSE(looks_like_message("\x01\x02: binary\n"));
    CHECK_FALSE(looks_like_message(std::string(300, 'a') + ": too long for a field name\n"));
  }

  TEST_CASE("split_mbox: offsets and lengths tile the data, one entry per separator") {
    std::string data;
    std::vector<uint64_t> starts;
    for (int i = 0; i < 5; ++i) {
      starts.push_back(data.size());
      data += seam::test::mbox_entry("split-" + std::to_string(i) + "@example.org");
    }
    auto entries = seam::mail::split_mbox(data);
    REQUIRE(entries.size() == 5);
    uint64_t expect = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      CAPTURE(i);
      CHECK(entries[i].offset == starts[i]);
      CHECK(entries[i].offset == expect);
      CHECK(data.compare(entries[i].offset, 5, "From ") == 0);
      expect = entries[i].offset + entries[i].length;
    }
    CHECK(expect == data.size());

    // From a later separator: only the messages from there on.
    auto tail = seam::mail::split_mbox(data, starts[3]);
    REQUIRE(tail.size() == 2);
    CHECK(tail[0].offset == starts[3]);
    CHECK(tail[1].offset == starts[4]);
    CHECK(seam::mail::split_mbox(data, data.size()).empty());
    CHECK(seam::mail::split_mbox("").empty());
  }

  TEST_CASE("split_mbox: separator lines of real writers; body lines that are none") {
    // git format-patch, mutt, and lore's mboxrd each write their own separator.
    const std::string data =
        "From 1a2b3c4d5e6f Mon Sep 17 00:00:00 2001\nFrom: a@example.org\nSubject: one\n\n"
        "From this line on, nothing is a separator.\n"
        "From someone at 10:00 in the morning\n"
        "\n"
        "From mutt@example.org Thu Mar  6 10:00:00 2025\nFrom: b@example.org\nSubject: two\n\nx\n\n"
        "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: c@example.org\nSubject: three\n\ny\n";
    auto entries = seam::mail::split_mbox(data);
    REQUIRE(entries.size() == 3);
    CHECK(data.compare(entries[1].offset, 10, "From mutt@") == 0);
    CHECK(data.compare(entries[2].offset, 12, "From mboxrd@") == 0);
    const auto first = seam::mail::extract_message(data, entries[0], MboxFormat::mboxrd);
    CHECK(first.find("From this line on") != std::string::npos);
    CHECK(first.find("From someone at 10:00") != std::string::npos);
  }

  TEST_CASE("split_mbox: text before the first separator is not a message") {
    const std::string junk = "leading junk that is not mail\n";
    const std::string data = junk + seam::test::mbox_entry("a@example.org") + seam::test::mbox_entry("b@example.org");
    auto entries = seam::mail::split_mbox(data);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].offset == junk.size());
  }

  TEST_CASE("extract_message: separator and the writer's blank line go, the message stays") {
    const std::string mail = seam::test::small_mail("x@example.org");
    const std::string data = seam::test::mbox_entry("x@example.org") + seam::test::mbox_entry("y@example.org");
    auto entries = seam::mail::split_mbox(data);
    REQUIRE(entries.size() == 2);
    CHECK(seam::mail::extract_message(data, entries[0], MboxFormat::mboxrd) == mail);
    // The last message of a file without the trailing blank line keeps its end.
    const std::string bare = "From mboxrd@z Thu Jan  1 00:00:00 1970\n" + mail;
    auto one = seam::mail::split_mbox(bare);
    REQUIRE(one.size() == 1);
    CHECK(seam::mail::extract_message(bare, one[0], MboxFormat::mboxrd) == mail);
    // CRLF files: the blank CRLF line goes, the message's own CRLF stays.
    const std::string crlf =
        "From mboxrd@z Thu Jan  1 00:00:00 1970\r\nFrom: a@example.org\r\nSubject: crlf\r\n\r\nbody\r\n\r\n"
        "From mboxrd@z Thu Jan  1 00:00:00 1970\r\nFrom: b@example.org\r\nSubject: two\r\n\r\nb\r\n";
    auto ce = seam::mail::split_mbox(crlf);
    REQUIRE(ce.size() == 2);
    CHECK(seam::mail::extract_message(crlf, ce[0], MboxFormat::mboxrd) ==
          "From: a@example.org\r\nSubject: crlf\r\n\r\nbody\r\n");
  }

  TEST_CASE("mboxrd unquotes every level of >From, mboxo only the first") {
    const std::string data = seam::test::read_bytes(seam::test::data("ingest/quoting-levels.mbox"));
    auto entries = seam::mail::split_mbox(data);
    // "From the body, unquoted, ..." does not end like a date: no separator.
    REQUIRE(entries.size() == 2);
    const std::string rd = body_of(seam::mail::extract_message(data, entries[0], MboxFormat::mboxrd));
    CHECK(rd ==
          "From one\n"
          ">From two\n"
          ">>From three\n"
          "> From with a space is not a quoted separator\n"
          ">Fromage is not one either\n"
          "From the body, unquoted, is no separator.\n"
          "Last line.\n");
    const std::string o = body_of(seam::mail::extract_message(data, entries[0], MboxFormat::mboxo));
    CHECK(o ==
          "From one\n"
          ">>From two\n"
          ">>>From three\n"
          "> From with a space is not a quoted separator\n"
          ">Fromage is not one either\n"
          "From the body, unquoted, is no separator.\n"
          "Last line.\n");
    // Header lines are never touched.
    CHECK(seam::mail::extract_message(data, entries[1], MboxFormat::mboxrd).rfind("From: Quoter", 0) == 0);
  }
}

TEST_SUITE("mail/files") {
  TEST_CASE("MappedFile and read_file give the exact bytes; errors name the path") {
    seam::test::TempDir tmp;
    const std::string bytes = std::string("a\0b\r\n\xff", 6);
    seam::test::write_file(tmp / "f", bytes);
    seam::mail::MappedFile m((tmp / "f").string());
    CHECK(m.data() == bytes);
    CHECK(seam::mail::read_file((tmp / "f").string()) == bytes);
    seam::test::write_file(tmp / "empty", "");
    seam::mail::MappedFile e((tmp / "empty").string());
    CHECK(e.data().empty());

    const std::string missing = (tmp / "no-such-file").string();
    CHECK_THROWS_WITH_AS(seam::mail::MappedFile{missing}, doctest::Contains(missing.c_str()),
                         seam::mail::FileError);
    CHECK_THROWS_WITH_AS(seam::mail::read_file(missing), doctest::Contains(missing.c_str()),
                         seam::mail::FileError);
  }

  TEST_CASE("gzip: detection, several members, the inflate cap") {
    seam::test::TempDir tmp;
    const auto gz = tmp / "a.mbox.gz";
    const std::string part1 = seam::test::mbox_entry("gz-1@example.org");
    const std::string part2 = seam::test::mbox_entry("gz-2@example.org");
    gz_append(gz, part1);
    gz_append(gz, part2);
    CHECK(seam::mail::is_gzip(gz.string()));
    seam::test::write_file(tmp / "plain", part1);
    CHECK_FALSE(seam::mail::is_gzip((tmp / "plain").string()));
    CHECK_FALSE(seam::mail::is_gzip((tmp / "missing").string()));

    const uint64_t total = part1.size() + part2.size();
    CHECK(seam::mail::inflate_gzip(gz.string(), total) == part1 + part2);  // exactly the cap is fine
    CHECK_THROWS_WITH_AS(seam::mail::inflate_gzip(gz.string(), total - 1),
                         doctest::Contains(("inflates past " + std::to_string(total - 1)).c_str()),
                         seam::mail::FileError);
    CHECK_THROWS_WITH_AS(seam::mail::inflate_gzip(gz.string(), 10), doctest::Contains(gz.c_str()),
                         seam::mail::FileError);
    // prefix: stop quietly at the cap.
    CHECK(seam::mail::inflate_gzip(gz.string(), 12, true) == part1.substr(0, 12));
  }

  TEST_CASE("gzip: a large member inflates in many reads and still respects the cap") {
    seam::test::TempDir tmp;
    const auto gz = tmp / "big.gz";
    std::string big;
    for (int i = 0; big.size() < (1u << 20); ++i) big += seam::test::mbox_entry("big-" + std::to_string(i) + "@example.org");
    gz_append(gz, big);
    CHECK(fs::file_size(gz) < big.size() / 4);
    CHECK(seam::mail::inflate_gzip(gz.string(), big.size()) == big);
    CHECK_THROWS_AS(seam::mail::inflate_gzip(gz.string(), big.size() / 2), seam::mail::FileError);
  }

  TEST_CASE("gzip: corrupt data is an error naming the path") {
    seam::test::TempDir tmp;
    const auto gz = tmp / "bad.gz";
    std::string good;
    for (int i = 0; i < 200; ++i) good += seam::test::mbox_entry("c-" + std::to_string(i) + "@example.org");
    gz_append(gz, good);
    std::string bytes = seam::test::read_bytes(gz);
    REQUIRE(bytes.size() > 100);
    for (size_t i = 20; i < 60; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);  // scramble the deflate stream
    seam::test::write_file(gz, bytes);
    CHECK_THROWS_WITH_AS(seam::mail::inflate_gzip(gz.string(), uint64_t{1} << 30), doctest::Contains(gz.c_str()),
                         seam::mail::FileError);
  }

  TEST_CASE("gzip: a truncated file is an error, not a shorter mbox") {
    seam::test::TempDir tmp;
    const auto gz = tmp / "cut.gz";
    std::string good;
    for (int i = 0; i < 2000; ++i) good += seam::test::mbox_entry("t-" + std::to_string(i) + "@example.org");
    gz_append(gz, good);
    std::string bytes = seam::test::read_bytes(gz);
    seam::test::write_file(gz, bytes.substr(0, bytes.size() / 2));
    std::string got;
    CHECK_THROWS_AS(got = seam::mail::inflate_gzip(gz.string(), uint64_t{1} << 30), seam::mail::FileError);
    CHECK(got.size() < good.size());
  }
}

namespace {

// Hands out `data` in pieces of the given sizes (cycled), as a pipe would.
class PieceStream : public seam::mail::ByteStream {
 public:
  PieceStream(std::string data, std::vector<size_t> sizes) : data_(std::move(data)), sizes_(std::move(sizes)) {}
  size_t read(char* buf, size_t n) override {
    size_t want = std::min({n, sizes_[k_++ % sizes_.size()], data_.size() - at_});
    std::copy_n(data_.data() + at_, want, buf);
    at_ += want;
    return want;
  }
  bool inflating() const override { return false; }

 private:
  std::string data_;
  std::vector<size_t> sizes_;
  size_t at_ = 0, k_ = 0;
};

std::vector<seam::mail::StreamEntry> stream_all(const std::string& data, std::vector<size_t> sizes,
                                                uint64_t max = 1 << 20) {
  PieceStream in(data, std::move(sizes));
  seam::mail::MboxStream ms(in, max);
  std::vector<seam::mail::StreamEntry> out;
  seam::mail::StreamEntry e;
  while (ms.next(e)) out.push_back(e);
  return out;
}

}  // namespace

TEST_SUITE("mail/mbox") {
  TEST_CASE("MboxStream splits a stream exactly as split_mbox splits it in memory, in any pieces") {
    std::string data;
    for (int i = 0; i < 40; ++i) {
      data += "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: A <a@example.org>\nMessage-ID: <m" + std::to_string(i) +
              "@example.org>\n\nline\n";
      if (i % 3 == 0) data += "From here on, a body line that is no separator\n>From quoted\n";
      if (i % 5 == 0) data += "\nFrom what I see\n";
      data += "\n";
    }
    const auto want = seam::mail::split_mbox(data);
    REQUIRE(want.size() == 40);
    for (std::vector<size_t> sizes : {std::vector<size_t>{1}, {2, 3}, {7}, {64, 1, 5}, {4096}, {1 << 20}}) {
      CAPTURE(sizes[0]);
      const auto got = stream_all(data, sizes);
      REQUIRE(got.size() == want.size());
      for (size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].offset == want[i].offset);
        CHECK(got[i].length == want[i].length);
        CHECK(got[i].bytes == data.substr(want[i].offset, want[i].length));
      }
    }
  }

  TEST_CASE("MboxStream: a single message, text before the first separator, an oversize entry") {
    auto one = stream_all("From: A <a@example.org>\nSubject: x\n\nbody\n", {3});
    REQUIRE(one.size() == 1);
    CHECK(one[0].offset == 0);
    CHECK(one[0].bytes == "From: A <a@example.org>\nSubject: x\n\nbody\n");

    const std::string lead = "some notes\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: y\n\nb\n";
    PieceStream in(lead, {5});
    seam::mail::MboxStream ms(in, 1 << 20);
    seam::mail::StreamEntry e;
    REQUIRE(ms.next(e));
    CHECK(ms.leading() == 11);
    CHECK(ms.leading_text());
    CHECK(e.offset == 11);
    CHECK_FALSE(ms.next(e));

    std::string big = "From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: big\n\n" + std::string(5000, 'x') +
                      "\n\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: small\n\nb\n";
    auto got = stream_all(big, {100}, 1000);
    REQUIRE(got.size() == 2);
    CHECK(got[0].oversize);
    CHECK(got[0].bytes.empty());
    CHECK(got[0].length == big.find("\nFrom mboxrd", 10) + 1);
    CHECK_FALSE(got[1].oversize);
    CHECK(got[1].bytes.find("Subject: small") != std::string::npos);
    CHECK(stream_all("", {10}).empty());
  }
}
