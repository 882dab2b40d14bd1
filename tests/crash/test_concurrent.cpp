// Concurrent use of one store by real seam processes: ingests of different
// sources at once, two processes creating a store at once, readers during
// an ingest.
#include <doctest/doctest.h>
#include <zlib.h>

#include "tests/crash/support_crash.hpp"

namespace fs = std::filesystem;
using namespace seam::test;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST_SUITE("crash") {
  TEST_CASE("three ingests into one store at once all succeed and equal the sequential result") {
    TempDir tmp;
    write_file(tmp / "a.mbox", series_mbox(100, 3, "a"));
    write_file(tmp / "b.mbox", series_mbox(100, 3, "b"));
    write_file(tmp / "c.mbox", series_mbox(100, 3, "c"));
    const fs::path seq = tmp / "seq.db";
    for (const char* s : {"a", "b", "c"}) {
      auto r = seam_at(seq, std::string("ingest -j 1 ") + q(tmp / (std::string(s) + ".mbox")), "SEAM_TEST_BATCH=40");
      REQUIRE_MESSAGE(r.status == 0, r.err);
    }
    const std::string want = store_dump(seq);
    REQUIRE(dump_rows(want, "messages") == 2400);
    REQUIRE(dump_rows(want, "series") == 300);

    for (int round = 0; round < 2; ++round) {
      CAPTURE(round);
      const fs::path db = tmp / ("par" + std::to_string(round) + ".db");
      // Small batches: many commits, so that the writers interleave. The
      // store does not exist yet: the three also race to create it.
      std::string cmd;
      for (const char* s : {"a", "b", "c"})
        cmd += "(env SEAM_TEST_BATCH=40 '" + std::string(SEAM_BINARY) + "' --db " + q(db) + " ingest -j 1 " +
               q(tmp / (std::string(s) + ".mbox")) + " >/dev/null 2>" + q(tmp / (std::string(s) + ".err")) +
               "; echo " + s + "=$?) & ";
      const std::string out = shell(cmd + "wait");
      CHECK_MESSAGE(out.find("a=0") != std::string::npos, out << read_bytes(tmp / "a.err"));
      CHECK_MESSAGE(out.find("b=0") != std::string::npos, out << read_bytes(tmp / "b.err"));
      CHECK_MESSAGE(out.find("c=0") != std::string::npos, out << read_bytes(tmp / "c.err"));
      const std::string got = store_dump(db);
      CHECK_MESSAGE(got == want, first_difference(want, got));
    }
  }

  TEST_CASE("two processes creating a new store at once both succeed") {
    TempDir tmp;
    write_file(tmp / "x.mbox", series_mbox(2, 1, "x"));
    write_file(tmp / "y.mbox", series_mbox(2, 1, "y"));
    for (int round = 0; round < 8; ++round) {
      CAPTURE(round);
      const fs::path db = tmp / ("new" + std::to_string(round)) / "s.db";
      std::string cmd;
      for (const char* s : {"x", "y"})
        cmd += "('" + std::string(SEAM_BINARY) + "' --db " + q(db) + " ingest " + q(tmp / (std::string(s) + ".mbox")) +
               " >/dev/null 2>>" + q(tmp / "create.err") + "; echo " + s + "=$?) & ";
      const std::string out = shell(cmd + "wait");
      CHECK_MESSAGE(out.find("x=0") != std::string::npos, out << read_bytes(tmp / "create.err"));
      CHECK_MESSAGE(out.find("y=0") != std::string::npos, out << read_bytes(tmp / "create.err"));
      CHECK(dump_rows(store_dump(db), "messages") == 16);
    }
  }

  TEST_CASE("series and checklist work while an ingest writes") {
    TempDir tmp;
    write_file(tmp / "first.mbox", series_mbox(5, 2, "f"));
    write_file(tmp / "big.mbox", series_mbox(400, 4, "g"));
    const fs::path db = tmp / "s.db";
    REQUIRE(seam_at(db, "ingest " + q(tmp / "first.mbox")).status == 0);
    // The ingest runs in the background, committing every 50 messages; the
    // readers run until it is done, each of them must succeed.
    const std::string script =
        "env SEAM_TEST_BATCH=50 '" + std::string(SEAM_BINARY) + "' --db " + q(db) + " ingest -j 1 " +
        q(tmp / "big.mbox") + " >/dev/null 2>" + q(tmp / "ingest.err") + " & pid=$!; n=0; bad=0; " +
        "while kill -0 $pid 2>/dev/null; do n=$((n+1)); '" + std::string(SEAM_BINARY) + "' --db " + q(db) +
        " series --json >/dev/null 2>>" + q(tmp / "readers.err") + " || bad=$((bad+1)); '" +
        std::string(SEAM_BINARY) + "' --db " + q(db) + " checklist f0.0@example.org >/dev/null 2>>" +
        q(tmp / "readers.err") + " || bad=$((bad+1)); done; wait $pid; echo \"ingest=$? reads=$n bad=$bad\"";
    write_file(tmp / "run.sh", script);
    const std::string out = shell("bash " + q(tmp / "run.sh"));
    CHECK_MESSAGE(out.find("ingest=0") != std::string::npos, out << read_bytes(tmp / "ingest.err"));
    CHECK_MESSAGE(out.find("bad=0") != std::string::npos, out << read_bytes(tmp / "readers.err"));
    CHECK(out.find("reads=0 ") == std::string::npos);
    auto series = seam_at(db, "series --json");
    REQUIRE(series.status == 0);
    CHECK(series.out.find("feature g399") != std::string::npos);
  }
}
