// Crash safety the way it fails: a real `seam ingest` killed (SIGKILL, as
// `kill -9` or a crash) after each committed batch and inside series
// assembly, then run again; the store must end exactly as after one
// uninterrupted run: messages, locators, cursors, series and trailers.
#include <doctest/doctest.h>
#include <signal.h>
#include <zlib.h>

#include "tests/crash/support_crash.hpp"

namespace fs = std::filesystem;
using namespace seam::test;

namespace {

constexpr const char* kBatch = "SEAM_TEST_BATCH=300";

void gz_write(const fs::path& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

// One uninterrupted ingest of `source` into a fresh store: its dump.
std::string reference(const TempDir& tmp, const std::string& source, const std::string& name) {
  const fs::path db = tmp / (name + "-ref.db");
  auto r = seam_at(db, "ingest -j 2 " + source, kBatch);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  return store_dump(db);
}

// Kills an ingest of `source` at `point`, then runs it again (twice: the
// second run must find nothing new), and compares with `ref`.
void kill_and_resume(const TempDir& tmp, const std::string& source, const std::string& point,
                     const std::string& ref, const std::string& name) {
  CAPTURE(point);
  const fs::path db = tmp / (name + "-" + point.substr(0, point.find(':')) + "-" +
                             point.substr(point.find(':') + 1) + ".db");
  auto killed = seam_at(db, "ingest -j 2 " + source, std::string(kBatch) + " SEAM_TEST_KILL_AFTER=" + point);
  REQUIRE_MESSAGE(killed.signal == SIGKILL, "not killed at " << point << ": " << killed.status << killed.err);
  auto again = seam_at(db, "ingest -j 2 " + source, kBatch);
  REQUIRE_MESSAGE(again.status == 0, again.err);
  const std::string got = store_dump(db);
  CHECK_MESSAGE(got == ref, first_difference(ref, got));
  auto third = seam_at(db, "ingest -j 2 --json " + source, kBatch);
  REQUIRE(third.status == 0);
  CHECK(third.out.find("\"added\": 0") != std::string::npos);
  CHECK(store_dump(db) == ref);
}

int batches_of(size_t messages) { return static_cast<int>((messages + 299) / 300); }

}  // namespace

TEST_SUITE("crash") {
  TEST_CASE("an mbox ingest killed after any batch or inside assembly resumes to the uninterrupted store") {
    TempDir tmp;
    // 300 series x (cover + 4 patches + 4 reviews + an ack) = 3,000 messages.
    const std::string text = series_mbox(300, 4);
    write_file(tmp / "big.mbox", text);
    const std::string src = "'" + (tmp / "big.mbox").string() + "'";
    const std::string ref = reference(tmp, src, "mbox");
    REQUIRE(dump_rows(ref, "messages") == 3000);
    REQUIRE(dump_rows(ref, "series") == 300);
    REQUIRE(dump_rows(ref, "series_trailers") >= 1200);
    const int batches = batches_of(3000);
    for (int b = 1; b <= batches; ++b) kill_and_resume(tmp, src, "batch:" + std::to_string(b), ref, "mbox");
    kill_and_resume(tmp, src, "assembly", ref, "mbox");
  }

  TEST_CASE("a killed run then a reader: series, checklist see complete series without a re-run") {
    TempDir tmp;
    write_file(tmp / "s.mbox", series_mbox(12, 3));
    const std::string src = "'" + (tmp / "s.mbox").string() + "'";
    const std::string ref = reference(tmp, src, "reader");
    const fs::path db = tmp / "killed.db";
    auto killed = seam_at(db, "ingest " + src, "SEAM_TEST_KILL_AFTER=assembly");
    REQUIRE(killed.signal == SIGKILL);
    // No ingest again: the reader assembles what the killed run left stale.
    auto listed = seam_at(db, "series --json");
    REQUIRE_MESSAGE(listed.status == 0, listed.err);
    CHECK(listed.out.find("feature s11") != std::string::npos);
    CHECK(listed.out.find("feature s0") != std::string::npos);
    CHECK(store_dump(db) == ref);
  }

  TEST_CASE("an mbox.gz, a Maildir and a public-inbox epoch resume after a kill") {
    TempDir tmp;
    const std::string text = series_mbox(60, 3, "g");  // 480 messages: two batches
    gz_write(tmp / "a.mbox.gz", text);
    const std::string gz = "'" + (tmp / "a.mbox.gz").string() + "'";
    const std::string gref = reference(tmp, gz, "gz");
    REQUIRE(dump_rows(gref, "messages") == 480);
    kill_and_resume(tmp, gz, "batch:1", gref, "gz");
    kill_and_resume(tmp, gz, "assembly", gref, "gz");

    // A Maildir of the same kind of mail, one file per message.
    fs::create_directories(tmp / "Mail" / "cur");
    fs::create_directories(tmp / "Mail" / "new");
    fs::create_directories(tmp / "Mail" / "tmp");
    const std::string md = series_mbox(60, 3, "m");
    size_t pos = 0;
    int n = 0;
    while (pos < md.size()) {
      size_t next = md.find("\nFrom mboxrd@z", pos);
      const size_t end = next == std::string::npos ? md.size() : next + 1;
      std::string one = md.substr(pos, end - pos);
      one = one.substr(one.find('\n') + 1);
      char name[64];
      std::snprintf(name, sizeof name, "17000%05d.M%dP1.host", n, n);
      write_file(tmp / "Mail" / "new" / name, one);
      ++n;
      pos = end;
    }
    const std::string mdsrc = "'" + (tmp / "Mail").string() + "'";
    const std::string mref = reference(tmp, mdsrc, "md");
    REQUIRE(dump_rows(mref, "messages") == 480);
    kill_and_resume(tmp, mdsrc, "batch:1", mref, "md");
    kill_and_resume(tmp, mdsrc, "assembly", mref, "md");

    // A small epoch: 400 messages in 400 commits, made with git fast-import.
    const fs::path epoch = tmp / "0.git";
    const std::string ep = series_mbox(40, 4, "e");
    std::string fi;
    pos = 0;
    n = 0;
    while (pos < ep.size()) {
      size_t next = ep.find("\nFrom mboxrd@z", pos);
      const size_t end = next == std::string::npos ? ep.size() : next + 1;
      std::string one = ep.substr(pos, end - pos);
      one = one.substr(one.find('\n') + 1);
      fi += "commit refs/heads/master\ncommitter seam <seam@example.org> " + std::to_string(1741255200 + n) +
            " +0000\ndata 1\nm\n";
      fi += "M 100644 inline m\ndata " + std::to_string(one.size()) + "\n" + one + "\n";
      ++n;
      pos = end;
    }
    write_file(tmp / "fi.txt", fi);
    shell("git init -q --bare '" + epoch.string() + "' && cd '" + epoch.string() +
          "' && git symbolic-ref HEAD refs/heads/master && git fast-import --quiet < '" +
          (tmp / "fi.txt").string() + "'");
    const std::string esrc = "'" + epoch.string() + "'";
    const std::string eref = reference(tmp, esrc, "epoch");
    REQUIRE(dump_rows(eref, "messages") == 400);
    kill_and_resume(tmp, esrc, "batch:1", eref, "epoch");
    kill_and_resume(tmp, esrc, "assembly", eref, "epoch");
  }

  TEST_CASE("the kbuild epoch resumes after a kill (shared corpus)") {
    const fs::path epoch = shared("corpus/lore/linux-kbuild/git/0.git");
    SEAM_SKIP_UNLESS(!epoch.empty(), "no shared kbuild epoch");
    TempDir tmp;
    const std::string src = "'" + epoch.string() + "'";
    const fs::path refdb = tmp / "ref.db";
    auto r = seam_at(refdb, "ingest " + src, "SEAM_TEST_BATCH=1000");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const std::string ref = store_dump(refdb);
    REQUIRE(dump_rows(ref, "series") > 100);
    // Messages and duplicates are each one epoch commit.
    const size_t commits = dump_rows(ref, "messages") + dump_rows(ref, "duplicates");
    const int batches = static_cast<int>((commits + 999) / 1000);
    REQUIRE(batches >= 2);
    for (const std::string& point : {std::string("batch:1"), "batch:" + std::to_string(batches / 2 + 1),
                                    std::string("assembly")}) {
      CAPTURE(point);
      const fs::path db = tmp / (point.substr(0, 5) + point.substr(point.find(':') + 1) + ".db");
      auto k = seam_at(db, "ingest " + src, "SEAM_TEST_BATCH=1000 SEAM_TEST_KILL_AFTER=" + point);
      REQUIRE(k.signal == SIGKILL);
      auto again = seam_at(db, "ingest " + src, "SEAM_TEST_BATCH=1000");
      REQUIRE_MESSAGE(again.status == 0, again.err);
      const std::string got = store_dump(db);
      CHECK_MESSAGE(got == ref, first_difference(ref, got));
    }
  }
}
