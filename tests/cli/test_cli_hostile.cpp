// Hostile sources given to the real binary: NUL bytes in headers, a gzip
// bomb (memory measured), sources that cannot be read twice (named pipes,
// process substitution, /dev/stdin), an mbox rewritten under the store
// (a message deleted as a mail client does on sync), a mistyped --db.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/crash/support_crash.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace seam::test;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }
const std::string kSeam = "'" + std::string(SEAM_BINARY) + "'";

json ingest_json(const fs::path& db, const std::string& args, int expect = 0) {
  auto r = seam_at(db, "ingest --json " + args);
  CHECK_MESSAGE(r.status == expect, r.out << r.err);
  json j;
  REQUIRE_NOTHROW(j = json::parse(r.out));
  return j;
}

// Peak resident memory (KiB) of `seam args`, measured by /usr/bin/time.
long peak_kib(const TempDir& tmp, const std::string& args, int* status) {
  const fs::path t = tmp / "time.txt";
  shell("/usr/bin/time -f '%M' -o " + q(t) + " " + kSeam + " " + args + " >/dev/null 2>&1", status);
  // The last line (GNU time writes "Command exited with ..." before it).
  std::string text = read_bytes(t);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return std::stol(text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1));
}

}  // namespace

TEST_SUITE("cli/hostile") {
  TEST_CASE("a NUL inside a Message-ID refuses the message by name, and never merges two messages") {
    TempDir tmp;
    std::string box = mbox_entry("ok@example.org");
    std::string a = mbox_entry("same@example.org");
    a.replace(a.find("<same@"), 6, std::string("<same\0A", 7));
    std::string b = mbox_entry("same@example.org");
    b.replace(b.find("<same@"), 6, std::string("<same\0B", 7));
    box += a + b + mbox_entry("body-nul@example.org", "", std::string("a body with a \0 NUL\n", 20));
    write_file(tmp / "nul.mbox", box);
    auto j = ingest_json(tmp / "s.db", q(tmp / "nul.mbox"));
    REQUIRE(j["sources"].size() == 1);
    const auto& s = j["sources"][0];
    CHECK(s["seen"] == 4);
    CHECK(s["added"] == 2);
    CHECK(s["duplicates"] == 0);  // the second is not "a duplicate" of the first
    REQUIRE(s["errors"].size() == 2);
    for (const auto& e : s["errors"]) {
      CHECK(e["message"].get<std::string>().find("Message-ID") != std::string::npos);
      CHECK(e["message"].get<std::string>().find("NUL") != std::string::npos);
      CHECK(e["where"].get<std::string>().find("nul.mbox: byte ") != std::string::npos);
    }
    const std::string dump = store_dump(tmp / "s.db");
    CHECK(dump.find("messages|ok@example.org|") != std::string::npos);
    CHECK(dump.find("messages|body-nul@example.org|") != std::string::npos);
    CHECK(dump.find("messages|same") == std::string::npos);
  }

  TEST_CASE("a gzip bomb is refused with flat memory, whatever --max-inflate says") {
    TempDir tmp;
    // 600 MiB of one message's body, a 600 KiB file.
    shell("{ printf 'From x@y Thu Jan  1 00:00:00 1970\\nFrom: Bomb <bomb@example.org>\\nMessage-ID: "
          "<bomb@example.org>\\nSubject: boom\\n\\n'; head -c 629145600 /dev/zero; } | gzip -1 > " +
          q(tmp / "bomb.mbox.gz"));
    int st = 0;
    const long small = peak_kib(tmp, "--db " + q(tmp / "a.db") + " ingest --max-inflate 64 " + q(tmp / "bomb.mbox.gz"), &st);
    CHECK(WEXITSTATUS(st) == 1);  // refused: inflates past 64 MiB
    const long big = peak_kib(tmp, "--db " + q(tmp / "b.db") + " ingest --max-inflate 1024 " + q(tmp / "bomb.mbox.gz"), &st);
    // Under the cap: the one 600 MiB message is skipped with an error, not held.
    CHECK(WEXITSTATUS(st) == 0);
    MESSAGE("peak RSS: " << small << " KiB (cap 64 MiB), " << big << " KiB (cap 1 GiB)");
    CHECK(small < 200 * 1024);
    CHECK(big < 200 * 1024);
    auto j = ingest_json(tmp / "c.db", "--max-inflate 1024 " + q(tmp / "bomb.mbox.gz"));
    REQUIRE(j["sources"][0]["errors"].size() == 1);
    CHECK(j["sources"][0]["errors"][0]["message"].get<std::string>().find("32 MiB") != std::string::npos);
    auto refused = seam_at(tmp / "d.db", "ingest --max-inflate 64 " + q(tmp / "bomb.mbox.gz"));
    CHECK(refused.status == 1);
    CHECK(refused.err.rfind("seam ingest: ", 0) == 0);
    CHECK(refused.err.find("inflates past") != std::string::npos);
  }

  TEST_CASE("named pipes, process substitution and /dev/stdin are read as streams and their mail kept") {
    TempDir tmp;
    write_file(tmp / "s.mbox", series_mbox(3, 2, "p"));
    const std::string want_ids = "p0.1@example.org";
    // A FIFO written by another process.
    REQUIRE(::mkfifo((tmp / "fifo").c_str(), 0600) == 0);
    // (The writer starts in the same shell: it blocks opening the FIFO until
    // seam opens it to read.)
    json j = json::parse(shell("cat " + q(tmp / "s.mbox") + " > " + q(tmp / "fifo") + " & " + kSeam + " --db " +
                               q(tmp / "fifo.db") + " ingest --json " + q(tmp / "fifo") + "; wait"));
    CHECK(j["sources"][0]["kind"] == "pipe");
    CHECK(j["sources"][0]["added"] == 18);
    // The mail cannot be read again from the pipe: it is in the store.
    auto am = seam_at(tmp / "fifo.db", "am p0.0@example.org");
    CHECK_MESSAGE(am.status == 0, am.err);
    CHECK(am.out.find("+int b1;") != std::string::npos);
    CHECK(am.out.find("+int b2;") != std::string::npos);

    // Process substitution (bash), gzip through it too.
    const std::string sub = "bash -c \"exec " + kSeam + " --db " + q(tmp / "sub.db") + " ingest --json <(gzip -c < " +
                            q(tmp / "s.mbox") + ")\"";
    json js = json::parse(shell(sub));
    CHECK(js["sources"][0]["added"] == 18);
    CHECK(js["sources"][0]["kind"] == "pipe");
    // /dev/stdin on a pipe.
    json jd = json::parse(shell("cat " + q(tmp / "s.mbox") + " | " + kSeam + " --db " + q(tmp / "stdin.db") +
                                " ingest --json /dev/stdin"));
    CHECK(jd["sources"][0]["added"] == 18);
    // '-' streams too, and all give the same messages as the file itself.
    json jf = json::parse(shell(kSeam + " --db " + q(tmp / "file.db") + " ingest --json " + q(tmp / "s.mbox")));
    CHECK(jf["sources"][0]["added"] == 18);
    auto ids = [](const fs::path& db) {
      std::string d = store_dump(db, false);
      std::string out;
      for (size_t p = d.find("\nmessages|"); p != std::string::npos; p = d.find("\nmessages|", p + 1))
        out += d.substr(p, d.find('|', d.find('|', p + 10) + 1) - p);
      return out;
    };
    CHECK(ids(tmp / "fifo.db") == ids(tmp / "file.db"));
    CHECK(ids(tmp / "sub.db") == ids(tmp / "file.db"));
    CHECK(ids(tmp / "stdin.db") == ids(tmp / "file.db"));
    // An empty pipe is an error, not an empty mbox read with success.
    auto empty = seam_at(tmp / "e.db", "ingest /dev/stdin < /dev/null");
    CHECK(empty.status == 1);
  }

  TEST_CASE("a message deleted from an ingested mbox: am and checklist use the right bytes or fail by name") {
    TempDir tmp;
    const std::string text = series_mbox(3, 3, "d");
    write_file(tmp / "box.mbox", text);
    const fs::path db = tmp / "s.db";
    REQUIRE(seam_at(db, "ingest " + q(tmp / "box.mbox")).status == 0);
    auto before = seam_at(db, "am d2.0@example.org");
    REQUIRE(before.status == 0);
    auto check_before = seam_at(db, "checklist --format json d2.0@example.org");
    REQUIRE(check_before.status == 0);

    // A mail client deletes the first series' cover letter (rewrites the file).
    auto cut = [&](const std::string& in, const std::string& id) {
      const size_t at = in.find("Message-ID: <" + id + ">");
      const size_t from = in.rfind("From mboxrd@z", at);
      const size_t to = in.find("From mboxrd@z", at);
      return in.substr(0, from) + in.substr(to);
    };
    const std::string edited = cut(text, "d0.0@example.org");
    write_file(tmp / "box.mbox", edited);
    auto after = seam_at(db, "am d2.0@example.org");
    CHECK_MESSAGE(after.status == 0, after.err);
    CHECK(after.out == before.out);  // found again, not other bytes
    auto check_after = seam_at(db, "checklist --format json d2.0@example.org");
    CHECK(check_after.status == 0);
    CHECK(check_after.out == check_before.out);

    // A patch of the series itself deleted: am fails naming it.
    write_file(tmp / "box.mbox", cut(edited, "d2.2@example.org"));
    auto gone = seam_at(db, "am d2.0@example.org");
    CHECK(gone.status != 0);
    CHECK(gone.err.find("d2.2@example.org") != std::string::npos);
    auto gone_check = seam_at(db, "checklist d2.0@example.org");
    CHECK(gone_check.status != 0);
    CHECK(gone_check.err.find("d2.2@example.org") != std::string::npos);

    // Re-ingesting the rewritten source updates the locators.
    write_file(tmp / "box.mbox", edited);
    REQUIRE(seam_at(db, "ingest " + q(tmp / "box.mbox")).status == 0);
    const fs::path fresh = tmp / "fresh.db";
    REQUIRE(seam_at(fresh, "ingest " + q(tmp / "box.mbox")).status == 0);
    auto locators = [](const fs::path& d) {
      std::string out;
      std::string dump = store_dump(d);
      for (size_t p = dump.find("\nmessages|"); p != std::string::npos; p = dump.find("\nmessages|", p + 1))
        if (dump.compare(p + 10, 3, "d0.") != 0) out += dump.substr(p, dump.find('\n', p + 1) - p);
      return out;
    };
    CHECK(locators(db) == locators(fresh));
  }

  TEST_CASE("only ingest creates a store: a mistyped --db fails naming the path") {
    TempDir tmp;
    const fs::path typo = tmp / "no" / "such" / "sotre.db";
    for (const char* cmd : {"list", "series", "am x@example.org", "checklist x@example.org"}) {
      CAPTURE(cmd);
      auto r = seam_at(typo, cmd, "", tmp / "err.txt");
      CHECK(r.status != 0);
      CHECK(r.err.find(typo.string()) != std::string::npos);
      CHECK_FALSE(fs::exists(typo));
      CHECK_FALSE(fs::exists(tmp / "no"));
    }
    write_file(tmp / "one.mbox", mbox_entry("one@example.org"));
    CHECK(seam_at(typo, "ingest " + q(tmp / "one.mbox"), "", tmp / "err.txt").status == 0);
    CHECK(fs::exists(typo));
    CHECK(seam_at(typo, "list", "", tmp / "err.txt").status == 0);
  }
}
