// `seam ingest` and `seam list` end to end: the built binary, its JSON, exit
// codes, standard input from a pipe, cursors across runs, where the database
// lives by default.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <zlib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Runs `[prefix] seam args` through the shell (test-controlled text only),
// with stdout and stderr apart. `prefix` may start a pipe ("cat x |") or set
// the environment ("env -u SEAM_DB").
Run seam_run(const seam::test::TempDir& tmp, const std::string& args, const std::string& prefix = "") {
  const fs::path err = tmp / "stderr.txt";
  int st = 0;
  Run r;
  r.out = seam::test::shell(prefix + " '" + std::string(SEAM_BINARY) + "' " + args + " 2>" + q(err), &st);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = seam::test::read_bytes(err);
  return r;
}

// `seam --db DB ingest --json ARGS`, parsed.
json ingest_json(const seam::test::TempDir& tmp, const std::string& args, int expect_status = 0,
                 const std::string& prefix = "") {
  Run r = seam_run(tmp, "--db " + q(tmp / "s.db") + " ingest -j 2 --json " + args, prefix);
  CHECK_MESSAGE(r.status == expect_status, r.out << r.err);
  json j;
  REQUIRE_NOTHROW(j = json::parse(r.out));
  return j;
}

json list_json(const seam::test::TempDir& tmp, const std::string& extra = "") {
  Run r = seam_run(tmp, "--db " + q(tmp / "s.db") + " list --json " + extra);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  json j;
  REQUIRE_NOTHROW(j = json::parse(r.out));
  REQUIRE(j.is_array());
  return j;
}

// The documented shape of one source in `ingest --json`.
void check_source_shape(const json& s) {
  std::set<std::string> keys;
  for (const auto& [k, v] : s.items()) keys.insert(k);
  std::set<std::string> want = {"source", "kind", "seen", "added", "duplicates", "errors"};
  if (s.contains("fatal")) want.insert("fatal");
  CHECK(keys == want);
  CHECK(s["source"].is_string());
  CHECK(s["kind"].is_string());
  const std::set<std::string> kinds = {"mbox", "mbox.gz", "maildir", "public-inbox", "stdin", "pipe"};
  CHECK(kinds.count(s["kind"].get<std::string>()) == 1);
  CHECK(s["seen"].is_number_integer());
  CHECK(s["added"].is_number_integer());
  CHECK(s["duplicates"].is_number_integer());
  REQUIRE(s["errors"].is_array());
  for (const auto& e : s["errors"]) {
    CHECK(e.size() == 2);
    CHECK(e["where"].is_string());
    CHECK(e["message"].is_string());
  }
}

void gz_write(const fs::path& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

std::string entries(int from, int to, const std::string& prefix) {
  std::string out;
  for (int i = from; i <= to; ++i) out += seam::test::mbox_entry(prefix + std::to_string(i) + "@example.org");
  return out;
}

}  // namespace

TEST_SUITE("cli/ingest") {
  TEST_CASE("ingest --json: one object per source, in order, of the documented shape") {
    seam::test::TempDir tmp;
    fs::copy(seam::test::data("ingest/maildir-flags"), tmp / "Mail", fs::copy_options::recursive);
    gz_write(tmp / "archive.mbox.gz", entries(1, 3, "gz"));
    seam::test::GitEpoch epoch(tmp / "epoch.git");
    epoch.add(seam::test::small_mail("pi-1@example.org"));
    epoch.add(seam::test::small_mail("pi-2@example.org"));
    const auto mixed = seam::test::data("ingest/mixed.mbox");

    json j = ingest_json(tmp, q(mixed) + " " + q(tmp / "Mail") + " " + q(tmp / "archive.mbox.gz") + " " +
                                  q(epoch.path()));
    REQUIRE(j.is_object());
    CHECK(j.size() == 1);
    REQUIRE(j["sources"].is_array());
    REQUIRE(j["sources"].size() == 4);
    for (const auto& s : j["sources"]) check_source_shape(s);
    const auto& s = j["sources"];
    CHECK(s[0]["source"] == mixed.string());
    CHECK(s[0]["kind"] == "mbox");
    CHECK(s[0]["seen"] == 4);
    CHECK(s[0]["added"] == 2);
    CHECK(s[0]["duplicates"] == 0);
    REQUIRE(s[0]["errors"].size() == 2);
    CHECK(s[0]["errors"][0]["where"].get<std::string>().rfind(mixed.string() + ": byte ", 0) == 0);
    CHECK_FALSE(s[0].contains("fatal"));
    CHECK(s[1]["source"] == (tmp / "Mail").string());
    CHECK(s[1]["kind"] == "maildir");
    CHECK(s[1]["added"] == 3);
    CHECK(s[2]["kind"] == "mbox.gz");
    CHECK(s[2]["added"] == 3);
    CHECK(s[3]["kind"] == "public-inbox");
    CHECK(s[3]["added"] == 2);
    CHECK(s[3]["errors"].empty());

    // The same sources again: nothing is read.
    json again = ingest_json(tmp, q(mixed) + " " + q(tmp / "Mail") + " " + q(tmp / "archive.mbox.gz") + " " +
                                      q(epoch.path()));
    REQUIRE(again["sources"].size() == 4);
    for (const auto& src : again["sources"]) {
      CHECK(src["seen"] == 0);
      CHECK(src["added"] == 0);
    }
    CHECK(list_json(tmp).size() == 2 + 3 + 3 + 2);
  }

  TEST_CASE("a source that cannot be opened: one line naming it, the others read, exit 1") {
    seam::test::TempDir tmp;
    const auto good = seam::test::data("ingest/quoting-levels.mbox");
    const auto missing = tmp / "missing.mbox";
    // --json: the report on stdout, the one error line on stderr.
    Run r = seam_run(tmp, "--db " + q(tmp / "s.db") + " ingest --json " + q(missing) + " " + q(good));
    CHECK(r.status == 1);
    json j = json::parse(r.out);
    REQUIRE(j["sources"].size() == 2);
    check_source_shape(j["sources"][0]);
    CHECK(j["sources"][0]["fatal"].get<std::string>().find(missing.string()) != std::string::npos);
    CHECK(j["sources"][1]["added"] == 2);
    CHECK(r.err.find(missing.string()) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(list_json(tmp).size() == 2);

    // For people: one error line naming the path.
    Run t = seam_run(tmp, "--db " + q(tmp / "t.db") + " ingest " + q(missing));
    CHECK(t.status == 1);
    const std::string all = t.out + t.err;
    size_t lines_naming = 0;
    for (size_t pos = 0; (pos = all.find(missing.string(), pos)) != std::string::npos; pos += missing.string().size())
      ++lines_naming;
    CHECK(lines_naming == 1);
    // Said as every command says its errors: "seam ingest: …", on stderr.
    CHECK(t.err.rfind("seam ingest: " + missing.string(), 0) == 0);
    CHECK(t.out.find(missing.string()) == std::string::npos);
    CHECK(t.err.find("error:") == std::string::npos);

    // Not mail at all, and the inflate cap: fatal too.
    seam::test::write_file(tmp / "notes.txt", "just some notes\nwithout any mail\n");
    Run n = seam_run(tmp, "--db " + q(tmp / "s.db") + " ingest --json " + q(tmp / "notes.txt"));
    CHECK(n.status == 1);
    CHECK(n.err.find("notes.txt") != std::string::npos);
  }

  TEST_CASE("--max-inflate refuses a .gz that inflates too far") {
    seam::test::TempDir tmp;
    std::string big;
    int n = 0;
    for (; big.size() < (3u << 20) / 2; ++n) big += seam::test::mbox_entry("b" + std::to_string(n) + "@example.org");
    gz_write(tmp / "big.mbox.gz", big);
    json j = ingest_json(tmp, "--max-inflate 1 " + q(tmp / "big.mbox.gz"), 1);
    REQUIRE(j["sources"].size() == 1);
    const auto& s = j["sources"][0];
    CHECK(s["kind"] == "mbox.gz");
    CHECK(s["fatal"].get<std::string>().find("inflates past 1048576") != std::string::npos);
    CHECK(s["fatal"].get<std::string>().find("big.mbox.gz") != std::string::npos);
    // The stream is read in batches: what came before the cap may be stored
    // (with its cursor); a run with a higher cap completes it, nothing twice.
    const auto before = static_cast<int64_t>(list_json(tmp).size());
    CHECK(before < n);
    json ok = ingest_json(tmp, "--max-inflate 2 " + q(tmp / "big.mbox.gz"));
    CHECK(ok["sources"][0]["added"].get<int64_t>() == n - before);
    CHECK(static_cast<int64_t>(list_json(tmp).size()) == n);
  }

  TEST_CASE("ingest - reads one message or an mbox from a pipe") {
    seam::test::TempDir tmp;
    const auto mail = seam::test::data("ingest/headers-rfc2047.eml");
    json one = ingest_json(tmp, "-", 0, "cat " + q(mail) + " |");
    REQUIRE(one["sources"].size() == 1);
    check_source_shape(one["sources"][0]);
    CHECK(one["sources"][0]["source"] == "-");
    CHECK(one["sources"][0]["kind"] == "stdin");
    CHECK(one["sources"][0]["added"] == 1);

    json box = ingest_json(tmp, "- -", 0, "cat " + q(seam::test::data("ingest/quoting-levels.mbox")) + " |");
    REQUIRE(box["sources"].size() == 1);  // standard input is read once
    CHECK(box["sources"][0]["seen"] == 2);
    CHECK(box["sources"][0]["added"] == 2);

    json list = list_json(tmp);
    REQUIRE(list.size() == 3);
    for (const auto& m : list) CHECK(m["source"] == "-");

    // A message without Message-ID from a pipe, twice: one stored message.
    const std::string no_id = "printf 'From: p@example.org\\nSubject: piped\\n\\nno id\\n' |";
    CHECK(ingest_json(tmp, "-", 0, no_id)["sources"][0]["added"] == 1);
    json dup = ingest_json(tmp, "-", 0, no_id);
    CHECK(dup["sources"][0]["duplicates"] == 1);
    json after = list_json(tmp);
    CHECK(after.size() == 4);
    size_t synthetic = 0;
    for (const auto& m : after) synthetic += m["synthetic_id"].get<bool>() ? 1 : 0;
    CHECK(synthetic == 1);

    // Nothing that is mail on the pipe: exit 1.
    Run bad = seam_run(tmp, "--db " + q(tmp / "s.db") + " ingest -", "printf '\\001\\002 nothing' |");
    CHECK(bad.status == 1);
  }

  TEST_CASE("--mboxo changes how quoted From lines are read; mboxrd is the default") {
    seam::test::TempDir tmp;
    // No Message-ID: the synthetic id is a hash of the unquoted bytes, so it
    // shows which unquoting was applied.
    const std::string box =
        "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: q@example.org\nSubject: quoted\n\n>>From two\n>From one\n";
    seam::test::write_file(tmp / "q.mbox", box);
    const auto e = seam::mail::split_mbox(box);
    REQUIRE(e.size() == 1);
    const auto id_rd = seam::mail::parse_message(seam::mail::extract_message(box, e[0], seam::mail::MboxFormat::mboxrd));
    const auto id_o = seam::mail::parse_message(seam::mail::extract_message(box, e[0], seam::mail::MboxFormat::mboxo));
    REQUIRE(id_rd.message);
    REQUIRE(id_o.message);
    REQUIRE(id_rd.message->msgid != id_o.message->msgid);

    seam::test::TempDir a;
    ingest_json(a, q(tmp / "q.mbox"));
    json la = list_json(a);
    REQUIRE(la.size() == 1);
    CHECK(la[0]["msgid"] == id_rd.message->msgid);

    seam::test::TempDir b;
    ingest_json(b, "--mboxo " + q(tmp / "q.mbox"));
    json lb = list_json(b);
    REQUIRE(lb.size() == 1);
    CHECK(lb[0]["msgid"] == id_o.message->msgid);
  }

  TEST_CASE("list --json: the documented fields, decoded, dates in the sender's zone") {
    seam::test::TempDir tmp;
    ingest_json(tmp, q(seam::test::data("ingest/headers-rfc2047.eml")) + " " +
                         q(seam::test::data("ingest/date-malformed.eml")) + " " +
                         q(seam::test::data("ingest/headers-latin1-raw.eml")));
    json list = list_json(tmp);
    REQUIRE(list.size() == 3);
    const std::set<std::string> want = {"msgid", "synthetic_id", "subject", "from",   "to",     "cc",
                                        "date",  "date_raw",     "in_reply_to", "references", "source", "locator"};
    for (const auto& m : list) {
      std::set<std::string> keys;
      for (const auto& [k, v] : m.items()) keys.insert(k);
      CHECK(keys == want);
    }
    // Newest first; the undated message last.
    CHECK(list[0]["msgid"] == "latin1-raw@example.org");
    CHECK(list[1]["msgid"] == "20250304.hdr-2047@example.org");
    CHECK(list[2]["msgid"] == "date-malformed@example.org");

    const json& m = list[1];
    CHECK(m["subject"] == "[PATCH v2 1/3] rust: add Übersetzung für Zeichen");
    CHECK(m["from"] == "René François <rene@example.org>");
    CHECK(m["to"] == json::array({"Éloïse Zürcher <eloise@example.org>", "Doe, Jane <jane@example.org>",
                                  "Jörg <joerg@example.org>"}));
    CHECK(m["cc"] == json::array({"Søren <soren@example.org>"}));
    CHECK(m["date"] == "2025-03-04T14:30:00+05:30");
    CHECK(m["date_raw"] == "Tue, 04 Mar 2025 14:30:00 +0530");
    CHECK(m["in_reply_to"] == "cover.1741000000.git.rene@example.org");
    CHECK(m["references"].size() == 3);
    CHECK(m["synthetic_id"] == false);
    CHECK(m["source"] == fs::canonical(seam::test::data("ingest/headers-rfc2047.eml")).string());
    CHECK(m["locator"].get<std::string>().rfind("0+", 0) == 0);

    CHECK(list[0]["date"] == "2025-03-05T08:15:00-08:00");
    CHECK(list[0]["subject"] == "Résumé des révisions");
    CHECK(list[2]["date"].is_null());
    CHECK(list[2]["date_raw"] == "yesterday, around teatime");
    CHECK(list[2]["in_reply_to"].is_null());

    json limited = list_json(tmp, "-n 1");
    REQUIRE(limited.size() == 1);
    CHECK(limited[0]["msgid"] == "latin1-raw@example.org");
  }

  TEST_CASE("cursors survive between runs: appended mail only, then new epoch commits") {
    seam::test::TempDir tmp;
    const auto box = tmp / "list.mbox";
    seam::test::write_file(box, entries(1, 3, "c"));
    CHECK(ingest_json(tmp, q(box))["sources"][0]["added"] == 3);
    CHECK(ingest_json(tmp, q(box))["sources"][0]["seen"] == 0);
    seam::test::append_file(box, entries(4, 5, "c"));
    json r = ingest_json(tmp, q(box));
    CHECK(r["sources"][0]["seen"] == 2);
    CHECK(r["sources"][0]["added"] == 2);

    seam::test::GitEpoch epoch(tmp / "inbox" / "git" / "0.git");
    epoch.add(seam::test::small_mail("e-1@example.org"));
    json e1 = ingest_json(tmp, q(tmp / "inbox"));
    REQUIRE(e1["sources"].size() == 1);
    CHECK(e1["sources"][0]["source"] == (tmp / "inbox" / "git" / "0.git").string());
    CHECK(e1["sources"][0]["added"] == 1);
    epoch.add(seam::test::small_mail("e-2@example.org"));
    epoch.add(seam::test::small_mail("c1@example.org"));  // already read from the mbox
    json e2 = ingest_json(tmp, q(tmp / "inbox"));
    CHECK(e2["sources"][0]["seen"] == 2);
    CHECK(e2["sources"][0]["added"] == 1);
    CHECK(e2["sources"][0]["duplicates"] == 1);
    CHECK(list_json(tmp).size() == 7);
  }

  TEST_CASE("the text report for people") {
    seam::test::TempDir tmp;
    Run r = seam_run(tmp, "--db " + q(tmp / "s.db") + " ingest " + q(seam::test::data("ingest/mixed.mbox")),
                     "NO_COLOR=1");
    CHECK(r.status == 0);
    CHECK(r.out.find("(mbox): 4 read, 2 added, 0 duplicates, 2 skipped") != std::string::npos);
    CHECK(r.out.find("mixed.mbox: byte ") != std::string::npos);
    CHECK(r.out.find('\033') == std::string::npos);  // not a terminal: no color
  }

  TEST_CASE("where the database lives: --db, then $SEAM_DB, then $XDG_DATA_HOME/seam, then ~/.local/share/seam") {
    seam::test::TempDir tmp;
    const std::string src = q(seam::test::data("ingest/headers-rfc2047.eml"));
    Run a = seam_run(tmp, "ingest " + src, "env SEAM_DB=" + q(tmp / "env" / "seam.db"));
    CHECK(a.status == 0);
    CHECK(fs::exists(tmp / "env" / "seam.db"));
    Run b = seam_run(tmp, "ingest " + src, "env -u SEAM_DB XDG_DATA_HOME=" + q(tmp / "xdg"));
    CHECK(b.status == 0);
    CHECK(fs::exists(tmp / "xdg" / "seam" / "seam.db"));
    Run c = seam_run(tmp, "ingest " + src, "env -u SEAM_DB -u XDG_DATA_HOME HOME=" + q(tmp / "home"));
    CHECK(c.status == 0);
    CHECK(fs::exists(tmp / "home" / ".local" / "share" / "seam" / "seam.db"));
    Run d = seam_run(tmp, "--db " + q(tmp / "flag.db") + " ingest " + src, "env SEAM_DB=" + q(tmp / "unused.db"));
    CHECK(d.status == 0);
    CHECK(fs::exists(tmp / "flag.db"));
    CHECK_FALSE(fs::exists(tmp / "unused.db"));
    // Each store holds the message once, and reading it again there adds nothing.
    Run again = seam_run(tmp, "ingest --json " + src, "env SEAM_DB=" + q(tmp / "env" / "seam.db"));
    CHECK(json::parse(again.out)["sources"][0]["seen"] == 0);
  }

  TEST_CASE("a database that cannot be opened: exit 1, naming it") {
    seam::test::TempDir tmp;
    fs::create_directories(tmp / "a-folder.db");
    Run r = seam_run(tmp, "--db " + q(tmp / "a-folder.db") + " ingest " + q(seam::test::data("ingest/mixed.mbox")));
    CHECK(r.status == 1);
    CHECK(r.err.find((tmp / "a-folder.db").string()) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }

  TEST_CASE("usage errors exit non-zero") {
    seam::test::TempDir tmp;
    CHECK(seam_run(tmp, "--db " + q(tmp / "s.db") + " ingest").status != 0);
    CHECK(seam_run(tmp, "--db " + q(tmp / "s.db") + " ingest --no-such-flag x").status != 0);
  }

  TEST_CASE("seam stats: counts, size, lists and sources with their cursors; --json as documented") {
    seam::test::TempDir tmp;
    seam::test::GitEpoch a(tmp / "lore" / "alpha" / "git" / "0.git");
    a.add(seam::test::small_mail("s-1@example.org", "one"));
    a.add(seam::test::small_mail("s-x@example.org", "cross-posted"));
    seam::test::GitEpoch b(tmp / "lore" / "beta" / "git" / "0.git");
    b.add(seam::test::small_mail("s-x@example.org", "cross-posted"));
    const auto mbox = seam::test::data("ingest/quoting-levels.mbox");
    ingest_json(tmp, q(tmp / "lore") + " " + q(mbox));

    Run r = seam_run(tmp, "--db " + q(tmp / "s.db") + " stats --json");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    json j;
    REQUIRE_NOTHROW(j = json::parse(r.out));
    std::set<std::string> keys;
    for (auto& [k, v] : j.items()) keys.insert(k);
    CHECK(keys == std::set<std::string>{"messages", "series", "duplicates", "store", "sources", "lists"});
    CHECK(j["messages"] == 4);
    CHECK(j["duplicates"] == 1);
    CHECK(j["series"].is_number_integer());
    CHECK(j["store"]["bytes"].get<int64_t>() > 0);
    CHECK(j["store"]["bytes_per_message"] == j["store"]["bytes"].get<int64_t>() / 4);
    REQUIRE(j["lists"].size() == 2);
    CHECK(j["lists"][0] == json{{"name", "alpha"}, {"messages", 2}, {"sources", 1}});
    CHECK(j["lists"][1] == json{{"name", "beta"}, {"messages", 1}, {"sources", 1}});
    REQUIRE(j["sources"].size() == 3);
    for (const auto& s : j["sources"]) {
      std::set<std::string> sk;
      for (auto& [k, v] : s.items()) sk.insert(k);
      CHECK(sk == std::set<std::string>{"path", "kind", "list", "messages", "duplicates", "cursor"});
      if (s["kind"] == "public-inbox") {
        CHECK(s["cursor"]["commit"].get<std::string>().size() == 40);
        CHECK(s["list"].is_string());
      } else {
        CHECK(s["kind"] == "mbox");
        CHECK(s["list"].is_null());
        CHECK(s["cursor"]["offset"] == s["cursor"]["size"]);
        CHECK(s["messages"] == 2);
      }
    }
    // Sources come in path order; where the temporary folder sorts against
    // the repository's test data depends on the machine, so find them by list.
    std::map<std::string, json> by_list;
    std::vector<std::string> paths;
    for (const auto& s : j["sources"]) {
      paths.push_back(s["path"].get<std::string>());
      if (s["list"].is_string()) by_list[s["list"].get<std::string>()] = s;
    }
    CHECK(std::is_sorted(paths.begin(), paths.end()));
    REQUIRE(by_list.count("alpha") == 1);
    REQUIRE(by_list.count("beta") == 1);
    CHECK(by_list["alpha"]["messages"] == 2);
    CHECK(by_list["beta"]["messages"] == 0);
    CHECK(by_list["beta"]["duplicates"] == 1);

    // For people: the same facts, one line each.
    Run t = seam_run(tmp, "--db " + q(tmp / "s.db") + " stats");
    REQUIRE(t.status == 0);
    CHECK(t.out.find("messages:   4\n") != std::string::npos);
    CHECK(t.out.find("alpha: 2 messages, 1 epoch\n") != std::string::npos);
    CHECK(t.out.find(mbox.string()) != std::string::npos);

    // No store: an error naming the path, nothing created.
    Run none = seam_run(tmp, "--db " + q(tmp / "none.db") + " stats");
    CHECK(none.status == 1);
    CHECK(none.err.find((tmp / "none.db").string()) != std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "none.db"));
  }
}
