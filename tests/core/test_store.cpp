// core::Store: messages once by Message-ID, duplicates, sources and their
// cursors, schema migrations, and where the database lives by default.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <optional>
#include <string>

#include "core/store/store.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using seam::core::AddResult;
using seam::core::Message;
using seam::core::Store;

namespace {

Message make(const std::string& id, std::optional<int64_t> date = 1741255200) {
  Message m;
  m.msgid = id;
  m.subject = "subject of " + id;
  m.from = {"Sender Name", "sender@example.org"};
  m.to_raw = "To Person <to@example.org>";
  m.cc_raw = "cc@example.org";
  m.date = date;
  m.tz_minutes = 60;
  m.date_raw = "Thu, 06 Mar 2025 11:00:00 +0100";
  m.date_ok = date.has_value();
  m.in_reply_to = "parent@example.org";
  m.references = {"root@example.org", "parent@example.org"};
  m.list_id = "list.example.org";
  m.size = 1234;
  m.where = "0+1234";
  return m;
}

// Sets an environment variable for the life of the object, then restores it.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~EnvVar() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Runs SQL on a database file directly (to shape an old or foreign schema).
void raw_sql(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  const std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << msg);
}

int64_t raw_count(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  const int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

}  // namespace

TEST_SUITE("core/store") {
  TEST_CASE("a message is stored once by Message-ID; later copies are recorded duplicates") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto src = store.source("/mail/a.mbox", "mbox");
    auto other = store.source("/mail/b.mbox", "mbox");
    store.begin();
    Message first = make("one@example.org");
    CHECK(store.add_message(src.id, first) == AddResult::added);
    Message copy = make("one@example.org");
    copy.subject = "a different subject";
    copy.where = "5000+10";
    CHECK(store.add_message(other.id, copy) == AddResult::duplicate);
    CHECK(store.add_message(src.id, copy) == AddResult::duplicate);
    CHECK(store.add_message(src.id, make("two@example.org")) == AddResult::added);
    store.commit();
    CHECK(store.message_count() == 2);
    CHECK(store.duplicate_count() == 2);
    // The first copy wins; the duplicates keep their own locators.
    auto got = store.find_message("one@example.org");
    REQUIRE(got);
    CHECK(got->message.subject == "subject of one@example.org");
    CHECK(got->source == "/mail/a.mbox");
    CHECK(raw_count(tmp / "s.db", "SELECT count(*) FROM duplicates WHERE msgid='one@example.org' AND locator='5000+10'") ==
          2);
    CHECK(raw_count(tmp / "s.db", "SELECT count(DISTINCT source_id) FROM duplicates") == 2);
  }

  TEST_CASE("every field round-trips; references keep their order") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto src = store.source("/mail/a.mbox", "mbox");
    Message m = make("round@example.org");
    m.synthetic_id = true;
    m.subject = "Grüße \xe2\x9c\x93 with 'quotes' and \"double\"";
    m.references = {"z@example.org", "a@example.org", "m@example.org"};
    m.tz_minutes = -480;
    store.begin();
    store.add_message(src.id, m);
    store.commit();
    auto got = store.find_message("round@example.org");
    REQUIRE(got);
    const Message& r = got->message;
    CHECK(r.msgid == m.msgid);
    CHECK(r.synthetic_id);
    CHECK(r.subject == m.subject);
    CHECK(r.from.name == "Sender Name");
    CHECK(r.from.email == "sender@example.org");
    CHECK(r.to_raw == m.to_raw);
    CHECK(r.cc_raw == m.cc_raw);
    CHECK(r.date == m.date);
    CHECK(r.tz_minutes == -480);
    CHECK(r.date_raw == m.date_raw);
    CHECK(r.date_ok);
    CHECK(r.in_reply_to == "parent@example.org");
    CHECK(r.references == m.references);
    CHECK(r.list_id == "list.example.org");
    CHECK(r.size == 1234);
    CHECK(r.where == "0+1234");
    CHECK(got->source_kind == "mbox");
    CHECK_FALSE(store.find_message("absent@example.org"));
  }

  TEST_CASE("the Date header as written: canonical ones are rebuilt, others kept byte for byte") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto src = store.source("/mail/a.mbox", "mbox");
    // 2025-03-06 10:00:00 UTC, written in the sender's zone (+0100 / -0800).
    const std::pair<const char*, int> dates[] = {
        {"Thu, 6 Mar 2025 11:00:00 +0100", 60},               // canonical: stored as ""
        {"Thu, 06 Mar 2025 11:00:00 +0100", 60},              // zero-padded day
        {"Thu,  6 Mar 2025 02:00:00 -0800", -480},            // two spaces (git before 2.x)
        {"Thu, 6 Mar 2025 11:00:00 +0100 (CET)", 60},         // a comment
        {"6 Mar 2025 11:00:00 +0100", 60},                    // no weekday
    };
    CHECK(seam::core::rfc5322_date(1741255200, 60) == dates[0].first);
    CHECK(seam::core::rfc5322_date(1741255200, -480) == "Thu, 6 Mar 2025 02:00:00 -0800");
    store.begin();
    int n = 0;
    for (const auto& [raw, tz] : dates) {
      Message m = make("date-" + std::to_string(n++) + "@example.org");
      m.date_raw = raw;
      m.tz_minutes = tz;
      CHECK(store.add_message(src.id, m) == AddResult::added);  // never dropped for its date
    }
    Message bad = make("date-bad@example.org", std::nullopt);
    bad.date_raw = "yesterday";
    CHECK(store.add_message(src.id, bad) == AddResult::added);
    store.commit();
    n = 0;
    for (const auto& [raw, tz] : dates) {
      auto got = store.find_message("date-" + std::to_string(n++) + "@example.org");
      REQUIRE(got);
      CHECK(got->message.date_raw == raw);
      CHECK(got->message.tz_minutes == tz);
    }
    auto got = store.find_message("date-bad@example.org");
    REQUIRE(got);
    CHECK(got->message.date_raw == "yesterday");
    CHECK_FALSE(got->message.date_ok);
    // Only the canonical one is stored empty.
    seam::core::Statement st(store.handle(), "SELECT count(*) FROM messages WHERE date_raw=''");
    REQUIRE(st.step());
    CHECK(st.int64(0) == 1);
  }

  TEST_CASE("an empty view binds as an empty value, never as NULL") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    sqlite3* db = store.handle();
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t(a TEXT NOT NULL, b BLOB NOT NULL)", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    seam::core::Statement ins(db, "INSERT OR IGNORE INTO t(a, b) VALUES(?1, ?2)");
    ins.bind_static(1, std::string_view{}).bind_static_blob(2, std::string_view{}).run();
    ins.bind(1, std::string_view{}).bind_blob(2, std::string_view{}).run();
    seam::core::Statement st(db, "SELECT count(*), sum(a = ''), sum(length(b) = 0) FROM t");
    REQUIRE(st.step());
    CHECK(st.int64(0) == 2);
    CHECK(st.int64(1) == 2);
    CHECK(st.int64(2) == 2);
  }

  TEST_CASE("a statement kept for reuse binds and runs again after a failed step") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    sqlite3* db = store.handle();
    REQUIRE(sqlite3_exec(db, "CREATE TABLE u(a TEXT PRIMARY KEY)", nullptr, nullptr, nullptr) == SQLITE_OK);
    seam::core::Statement ins(db, "INSERT INTO u(a) VALUES(?1)");
    ins.bind(1, std::string_view("x")).run();
    CHECK_THROWS_AS(ins.bind(1, std::string_view("x")).run(), seam::core::SqliteError);  // not unique
    ins.bind(1, std::string_view("y")).run();  // the same statement, reset by the failure
    seam::core::Statement st(db, "SELECT group_concat(a, ',') FROM u");
    REQUIRE(st.step());
    CHECK(st.text(0) == "x,y");
  }

  TEST_CASE("mail text is data, never SQL") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto src = store.source("/mail/x'; DROP TABLE messages; --", "mbox");
    const std::string evil = "x'); DROP TABLE messages; --@example.org";
    store.begin();
    CHECK(store.add_message(src.id, make(evil)) == AddResult::added);
    CHECK(store.add_message(src.id, make("after@example.org")) == AddResult::added);
    store.commit();
    CHECK(store.message_count() == 2);
    auto got = store.find_message(evil);
    REQUIRE(got);
    CHECK(got->source == "/mail/x'; DROP TABLE messages; --");
  }

  TEST_CASE("raw text is kept only when given (standard input)") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto in = store.source("-", "stdin");
    auto file = store.source("/mail/a.mbox", "mbox");
    const std::string raw = std::string("From: a@example.org\nSubject: kept\n\nbytes ") + '\0' + " and \xff\n";
    REQUIRE(raw.find('\0') != std::string::npos);
    store.begin();
    store.add_message(in.id, make("kept@example.org"), raw);
    store.add_message(file.id, make("file@example.org"));
    // A duplicate's raw text is not kept over the first copy's.
    store.add_message(in.id, make("kept@example.org"), "other raw text");
    store.commit();
    auto kept = store.kept_raw("kept@example.org");
    REQUIRE(kept);
    CHECK(*kept == raw);
    CHECK_FALSE(store.kept_raw("file@example.org"));
    CHECK_FALSE(store.kept_raw("absent@example.org"));
  }

  TEST_CASE("list_messages: by date, undated last, limit") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto src = store.source("/mail/a.mbox", "mbox");
    store.begin();
    store.add_message(src.id, make("late@example.org", 3000));
    store.add_message(src.id, make("undated@example.org", std::nullopt));
    store.add_message(src.id, make("early@example.org", 1000));
    store.add_message(src.id, make("middle@example.org", 2000));
    store.commit();
    auto all = store.list_messages();
    REQUIRE(all.size() == 4);
    CHECK(all[0].message.msgid == "early@example.org");
    CHECK(all[1].message.msgid == "middle@example.org");
    CHECK(all[2].message.msgid == "late@example.org");
    CHECK(all[3].message.msgid == "undated@example.org");
    CHECK_FALSE(all[3].message.date);
    CHECK(all[0].source == "/mail/a.mbox");
    CHECK(all[0].message.references == std::vector<std::string>{"root@example.org", "parent@example.org"});
    auto two = store.list_messages(2);
    REQUIRE(two.size() == 2);
    CHECK(two[1].message.msgid == "middle@example.org");
    CHECK(store.list_messages(0).empty());
  }

  TEST_CASE("sources: created once, cursors saved, a change of kind starts over") {
    seam::test::TempDir tmp;
    const auto db = (tmp / "s.db").string();
    int64_t id = 0;
    {
      Store store(db);
      auto s = store.source("/mail/a.mbox", "mbox");
      CHECK(s.id > 0);
      CHECK(s.kind == "mbox");
      CHECK(s.cursor.empty());
      CHECK(s.offset == 0);
      id = s.id;
      s.size = 100;
      s.mtime = 123456789;
      s.offset = 90;
      s.cursor = "abc";
      store.save_source(s);
      CHECK(store.source("/mail/b.mbox", "mbox").id != id);
    }
    Store store(db);  // reopened: the cursor persisted
    auto s = store.source("/mail/a.mbox", "mbox");
    CHECK(s.id == id);
    CHECK(s.size == 100);
    CHECK(s.mtime == 123456789);
    CHECK(s.offset == 90);
    CHECK(s.cursor == "abc");
    // The same path read as another kind: the old cursor means nothing there.
    auto gz = store.source("/mail/a.mbox", "mbox.gz");
    CHECK(gz.id == id);
    CHECK(gz.kind == "mbox.gz");
    CHECK(gz.offset == 0);
    CHECK(gz.size == 0);
    CHECK(gz.cursor.empty());
    CHECK(store.source("/mail/a.mbox", "mbox.gz").kind == "mbox.gz");
  }

  TEST_CASE("Maildir names seen, per source") {
    seam::test::TempDir tmp;
    Store store((tmp / "s.db").string());
    auto a = store.source("/mail/md1", "maildir");
    auto b = store.source("/mail/md2", "maildir");
    CHECK_FALSE(store.maildir_seen(a.id, "1741000000.M1P1.host"));
    store.mark_maildir_seen(a.id, "1741000000.M1P1.host");
    store.mark_maildir_seen(a.id, "1741000000.M1P1.host");  // twice is fine
    CHECK(store.maildir_seen(a.id, "1741000000.M1P1.host"));
    CHECK_FALSE(store.maildir_seen(b.id, "1741000000.M1P1.host"));
    CHECK_FALSE(store.maildir_seen(a.id, "1741000000.M2P1.host"));
  }

  TEST_CASE("schema: created at the newest version; reopening keeps data") {
    seam::test::TempDir tmp;
    const auto db = tmp / "s.db";
    int version = 0;
    {
      Store store(db.string());
      version = store.schema_version();
      CHECK(version >= 2);
      auto src = store.source("/mail/a.mbox", "mbox");
      store.begin();
      store.add_message(src.id, make("keep@example.org"));
      store.commit();
    }
    CHECK(raw_count(db, "PRAGMA user_version") == version);
    Store again(db.string());
    CHECK(again.schema_version() == version);
    CHECK(again.message_count() == 1);
  }

  TEST_CASE("schema: an older database migrates forward") {
    seam::test::TempDir tmp;
    const auto db = tmp / "s.db";
    int version = 0;
    {
      Store store(db.string());
      version = store.schema_version();
      auto src = store.source("/mail/a.mbox", "mbox");
      store.begin();
      store.add_message(src.id, make("old@example.org"));
      store.commit();
    }
    // Take the database back to version 1: only messages, references,
    // sources (what migration 2 and later add is gone).
    raw_sql(db,
            "DROP TABLE series_trailers; DROP TABLE series_patches; DROP TABLE series_versions; "
            "DROP TABLE series; DROP TABLE body_trailers; DROP TABLE facts; PRAGMA user_version=1;");
    CHECK(raw_count(db, "SELECT count(*) FROM sqlite_master WHERE name='facts'") == 0);
    Store store(db.string());
    CHECK(store.schema_version() == version);
    CHECK(raw_count(db, "SELECT count(*) FROM sqlite_master WHERE name='facts'") == 1);
    CHECK(store.message_count() == 1);
    CHECK(store.find_message("old@example.org"));
    auto src = store.source("/mail/a.mbox", "mbox");
    store.begin();
    CHECK(store.add_message(src.id, make("new@example.org")) == AddResult::added);
    store.commit();
  }

  TEST_CASE("schema: a database from a newer seam is refused, not damaged") {
    seam::test::TempDir tmp;
    const auto db = tmp / "s.db";
    { Store store(db.string()); }
    raw_sql(db, "PRAGMA user_version=999");
    CHECK_THROWS_WITH_AS(Store(db.string()), doctest::Contains("newer"), seam::core::SqliteError);
    CHECK(raw_count(db, "PRAGMA user_version") == 999);
  }

  TEST_CASE("opening: missing folders are made; an unusable path is an error naming it") {
    seam::test::TempDir tmp;
    const auto deep = tmp / "a" / "b" / "c" / "seam.db";
    { Store store(deep.string()); }
    CHECK(fs::exists(deep));
    // A directory where the file should be.
    fs::create_directories(tmp / "dir.db");
    CHECK_THROWS_WITH_AS(Store((tmp / "dir.db").string()), doctest::Contains((tmp / "dir.db").c_str()),
                         seam::core::SqliteError);
    // Not a database at all.
    seam::test::write_file(tmp / "text.db", std::string(4096, 'x'));
    CHECK_THROWS_WITH_AS(Store((tmp / "text.db").string()), doctest::Contains((tmp / "text.db").c_str()),
                         seam::core::SqliteError);
  }

  TEST_CASE("default path: $SEAM_DB, then $XDG_DATA_HOME/seam, then ~/.local/share/seam") {
    EnvVar seam_db("SEAM_DB", "/somewhere/explicit.db");
    EnvVar xdg("XDG_DATA_HOME", "/xdg/data");
    EnvVar home("HOME", "/home/tester");
    CHECK(seam::core::default_db_path() == "/somewhere/explicit.db");
    {
      EnvVar empty("SEAM_DB", "");  // set but empty: not a path
      CHECK(seam::core::default_db_path() == "/xdg/data/seam/seam.db");
    }
    {
      EnvVar unset("SEAM_DB", nullptr);
      CHECK(seam::core::default_db_path() == "/xdg/data/seam/seam.db");
      EnvVar no_xdg("XDG_DATA_HOME", nullptr);
      CHECK(seam::core::default_db_path() == "/home/tester/.local/share/seam/seam.db");
      EnvVar empty_xdg("XDG_DATA_HOME", "");
      CHECK(seam::core::default_db_path() == "/home/tester/.local/share/seam/seam.db");
    }
    CHECK(seam::core::default_db_path() == "/somewhere/explicit.db");  // restored
  }
}
