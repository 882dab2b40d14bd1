#include "core/store/store.hpp"

#include <signal.h>
#include <unistd.h>

#include <libdeflate.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <new>
#include <sstream>

namespace seam::core {

namespace fs = std::filesystem;

namespace {

// To and Cc are the longest columns of a message (a third of the store for
// lore archives) and compress to about half: a value of kMinPacked bytes or
// more is stored as a BLOB holding its raw deflate when that is shorter.
// A TEXT value is stored as written (short values, and stores written
// before this).
constexpr size_t kMinPacked = 96;

class Deflater {
 public:
  // libdeflate at level 1: twice zlib's level-1 speed on header text, with
  // a slightly better ratio; its raw DEFLATE reads back with zlib (unpack).
  Deflater() : c_(libdeflate_alloc_compressor(1)) {
    if (!c_) throw std::bad_alloc();
  }
  ~Deflater() { libdeflate_free_compressor(c_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // True with `out` set when the deflated text is shorter than `in`.
  bool pack(std::string_view in, std::string& out) {
    if (in.size() < kMinPacked) return false;
    // Only a result shorter than the input is of use: libdeflate returns 0
    // when it does not fit in in.size() - 1 bytes.
    out.resize(in.size() - 1);
    const size_t n = libdeflate_deflate_compress(c_, in.data(), in.size(), out.data(), out.size());
    if (n == 0) return false;
    out.resize(n);
    return true;
  }

 private:
  libdeflate_compressor* c_;
};

// The text of a packed column; a corrupt one reads as what inflated of it.
std::string unpack(std::string_view packed) {
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) std::abort();
  std::string out;
  char buf[4096];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc != Z_OK) break;
  }
  inflateEnd(&z);
  return out;
}

Deflater& deflater() {
  static thread_local Deflater d;
  return d;
}

}  // namespace

Store::Packed Store::pack_recipients(const Message& m) {
  Packed p;
  p.ready = true;
  if (!deflater().pack(m.to_raw, p.to)) p.to.clear();
  if (!deflater().pack(m.cc_raw, p.cc)) p.cc.clear();
  return p;
}

void Store::bind_packed(Statement& st, int i, std::string_view text, const std::string* packed) {
  std::string& buf = i == 6 ? pack_to_ : pack_cc_;
  if (packed) {
    if (!packed->empty()) st.bind_static_blob(i, *packed);
    else st.bind_static(i, text);
  } else if (deflater().pack(text, buf)) {
    st.bind_static_blob(i, buf);
  } else {
    st.bind_static(i, text);
  }
}

namespace {

// The Date header as written, or "" when it is exactly what rfc5322_date()
// makes of the parsed date (most mail): 30 bytes a message less, rebuilt by
// read_row().
std::string_view compact_date_raw(const Message& m) {
  // (not a null view: SQLite binds that as NULL, which the NOT NULL column
  // refuses, and INSERT OR IGNORE would drop the message)
  if (m.date_ok && m.date && m.date_raw == rfc5322_date(*m.date, m.tz_minutes)) return std::string_view("", 0);
  return m.date_raw;
}

// A public-inbox locator is the object id of the message's blob, 40 hex
// digits: stored as its 20 bytes (20 bytes a message less). Other locators
// (mbox offsets, Maildir names) are stored as text, as before.
bool hex_oid(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string oid_bytes(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out(20, '\0');
  for (size_t i = 0; i < 20; ++i) out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

std::string oid_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

}  // namespace

std::string Store::packed_text(const Statement& st, int col) {
  return st.is_blob(col) ? unpack(st.text(col)) : st.text(col);
}

std::string default_db_path() {
  if (const char* e = std::getenv("SEAM_DB"); e && *e) return e;
  fs::path base;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) {
    base = x;
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    base = fs::path(h) / ".local" / "share";
  } else {
    base = ".";
  }
  return (base / "seam" / "seam.db").string();
}

// Each entry moves the schema from version i to i+1. Never edit a released
// entry: add a new one, so that existing databases migrate forward.
static const char* const kMigrations[] = {
    // 1: messages, references, sources and their cursors.
    R"sql(
CREATE TABLE sources(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  cursor TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT 0,
  mtime INTEGER NOT NULL DEFAULT 0,
  offset INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE messages(
  id INTEGER PRIMARY KEY,
  msgid TEXT NOT NULL UNIQUE,
  synthetic INTEGER NOT NULL DEFAULT 0,
  subject TEXT NOT NULL DEFAULT '',
  from_name TEXT NOT NULL DEFAULT '',
  from_email TEXT NOT NULL DEFAULT '',
  date INTEGER,
  tz INTEGER NOT NULL DEFAULT 0,
  date_raw TEXT NOT NULL DEFAULT '',
  date_ok INTEGER NOT NULL DEFAULT 0,
  in_reply_to TEXT NOT NULL DEFAULT '',
  list_id TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT 0,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  locator TEXT NOT NULL,
  -- Long recipient lists last: reading the other columns never has to walk
  -- their overflow pages.
  to_addrs TEXT NOT NULL DEFAULT '',  -- the To header as written
  cc_addrs TEXT NOT NULL DEFAULT ''   -- the Cc header(s) as written
);
CREATE INDEX messages_date ON messages(date);
CREATE INDEX messages_in_reply_to ON messages(in_reply_to);
CREATE TABLE refs(
  message_id INTEGER NOT NULL REFERENCES messages(id),
  position INTEGER NOT NULL,
  ref TEXT NOT NULL,
  PRIMARY KEY(message_id, position)
) WITHOUT ROWID;
CREATE INDEX refs_ref ON refs(ref);
CREATE TABLE duplicates(
  msgid TEXT NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  locator TEXT NOT NULL
);
CREATE TABLE kept_raw(
  message_id INTEGER PRIMARY KEY REFERENCES messages(id),
  data BLOB NOT NULL
);
CREATE TABLE maildir_seen(
  source_id INTEGER NOT NULL REFERENCES sources(id),
  name TEXT NOT NULL,
  PRIMARY KEY(source_id, name)
) WITHOUT ROWID;
)sql",
    // 2: what subjects and bodies say about series, and the assembled series.
    R"sql(
CREATE TABLE facts(
  message_id INTEGER PRIMARY KEY REFERENCES messages(id),
  reply INTEGER NOT NULL, has_patch_tag INTEGER NOT NULL, pull INTEGER NOT NULL,
  rfc INTEGER NOT NULL, resend INTEGER NOT NULL,
  version INTEGER NOT NULL, idx INTEGER NOT NULL, total INTEGER NOT NULL,
  title TEXT NOT NULL, norm_title TEXT NOT NULL,
  has_diff INTEGER NOT NULL, patch_id TEXT NOT NULL,
  change_id TEXT NOT NULL, base_commit TEXT NOT NULL, rust INTEGER NOT NULL,
  prerequisites TEXT NOT NULL
);
CREATE TABLE body_trailers(
  message_id INTEGER NOT NULL REFERENCES messages(id),
  followup INTEGER NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL, value TEXT NOT NULL, email TEXT NOT NULL,
  PRIMARY KEY(message_id, followup, position)
) WITHOUT ROWID;
CREATE TABLE series(
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL, author_name TEXT NOT NULL, author_email TEXT NOT NULL,
  change_id TEXT NOT NULL, pull INTEGER NOT NULL,
  newest_date INTEGER NOT NULL, rust INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX series_date ON series(newest_date);
CREATE TABLE series_versions(
  id INTEGER PRIMARY KEY,
  series_id TEXT NOT NULL REFERENCES series(id),
  position INTEGER NOT NULL,
  version INTEGER NOT NULL, cover TEXT, expected INTEGER NOT NULL, date INTEGER NOT NULL,
  rfc INTEGER NOT NULL, resend INTEGER NOT NULL, base_commit TEXT NOT NULL,
  prerequisites TEXT NOT NULL
);
CREATE INDEX series_versions_series ON series_versions(series_id);
CREATE TABLE series_patches(
  version_id INTEGER NOT NULL REFERENCES series_versions(id),
  idx INTEGER NOT NULL, msgid TEXT NOT NULL, subject TEXT NOT NULL, patch_id TEXT NOT NULL,
  carried INTEGER NOT NULL,
  PRIMARY KEY(version_id, idx)
) WITHOUT ROWID;
CREATE INDEX series_patches_msgid ON series_patches(msgid);
-- Trailers collected from replies; a patch's own trailers stay in body_trailers.
CREATE TABLE series_trailers(
  version_id INTEGER NOT NULL, idx INTEGER NOT NULL, position INTEGER NOT NULL,
  name TEXT NOT NULL, value TEXT NOT NULL, email TEXT NOT NULL, from_msgid TEXT NOT NULL,
  PRIMARY KEY(version_id, idx, position)
) WITHOUT ROWID;
)sql",
    // 3: what mbox sources need to be read back and resumed safely. A table of
    // its own (not columns of sources), created only when missing.
    R"sql(
CREATE TABLE IF NOT EXISTS source_files(
  source_id INTEGER PRIMARY KEY REFERENCES sources(id),
  mbox_format TEXT NOT NULL DEFAULT '',  -- mboxrd, mboxo; '' read before v3
  prefix_hash TEXT NOT NULL DEFAULT ''   -- digest of the bytes before the offset
);
)sql",
    // 4: crash safety. series_state.stale counts commits that stored mail
    // since the series were assembled (set in the same transaction as the
    // messages, cleared in the one that writes the series); message_digests
    // lets bytes read back be checked against what was ingested.
    R"sql(
CREATE TABLE IF NOT EXISTS series_state(
  id INTEGER PRIMARY KEY CHECK(id = 1),
  stale INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO series_state(id, stale) VALUES(1, 0);
CREATE TABLE IF NOT EXISTS message_digests(
  message_id INTEGER PRIMARY KEY REFERENCES messages(id),
  digest TEXT NOT NULL  -- mail::mbox_digest() of the message as ingested
);
)sql",
    // 5: saved public-inbox queries of `seam fetch --follow`: what to ask
    // and when it last ran, so that the next run asks only for what is newer.
    R"sql(
CREATE TABLE IF NOT EXISTS lore_queries(
  name TEXT PRIMARY KEY,
  query TEXT NOT NULL,
  threads INTEGER NOT NULL DEFAULT 0,
  base TEXT NOT NULL DEFAULT '',   -- '' = the configured seam.lore-url
  last_run INTEGER                 -- unix seconds when the last good run started
);
)sql",
    // 6: a collected trailer given in reply to the cover letter (copied to
    // every patch), so `am --no-cover-trailers` can leave it out and output
    // can say it was applied.
    R"sql(
ALTER TABLE series_trailers ADD COLUMN via_cover INTEGER NOT NULL DEFAULT 0;
-- Assembly rules changed with this version: assemble again on next use.
UPDATE series_state SET stale = stale + 1 WHERE id = 1;
)sql",
    // 7: a reviewer's notes and ticks on checklist items (core/store/notes.hpp),
    // and the items each checklist showed, so `seam note ITEM-ID` finds the
    // series, version and patch of an id, and a note remembers the code it
    // was made on (shown as carried over when a later version changes it).
    R"sql(
CREATE TABLE IF NOT EXISTS review_items(
  series TEXT NOT NULL,
  version INTEGER NOT NULL,
  patch INTEGER NOT NULL,           -- 1-based index in the version
  patch_msgid TEXT NOT NULL,
  item TEXT NOT NULL,               -- core/analysis/item_id.hpp
  rule TEXT NOT NULL,
  path TEXT NOT NULL,
  line INTEGER NOT NULL,            -- post-image line of its first finding
  excerpt TEXT NOT NULL,
  PRIMARY KEY(series, version, item)
);
CREATE INDEX IF NOT EXISTS review_items_item ON review_items(item);
CREATE TABLE IF NOT EXISTS review_notes(
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- a deleted note's number is never reused
  series TEXT NOT NULL,
  version INTEGER NOT NULL,         -- the version it was made on
  patch INTEGER NOT NULL,
  patch_msgid TEXT NOT NULL,
  item TEXT NOT NULL DEFAULT '',    -- '' for a note on the whole patch
  rule TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL DEFAULT '',
  line INTEGER NOT NULL DEFAULT 0,
  excerpt TEXT NOT NULL DEFAULT '',
  tick INTEGER NOT NULL DEFAULT 0,  -- 1: the item is done (text '')
  text TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL          -- unix seconds
);
CREATE INDEX IF NOT EXISTS review_notes_series ON review_notes(series, version);
)sql",
    // 8: people and review events (core/people/events.cpp), computed lazily
    // from the stored messages: people_state.watermark is the last message
    // row read; a reply whose patch is not stored yet waits in
    // people_pending; people_ties are addresses a trailer or reply shows to
    // be one person's.
    R"sql(
CREATE TABLE IF NOT EXISTS people_state(
  id INTEGER PRIMARY KEY CHECK(id = 1),
  watermark INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO people_state(id, watermark) VALUES(1, 0);
CREATE TABLE IF NOT EXISTS people_files(
  message_id INTEGER NOT NULL REFERENCES messages(id),
  position INTEGER NOT NULL,
  path TEXT NOT NULL, cls TEXT NOT NULL,
  hunks INTEGER NOT NULL, lines INTEGER NOT NULL,
  unsafe INTEGER NOT NULL, boundary INTEGER NOT NULL,
  PRIMARY KEY(message_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS review_events(
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  kind TEXT NOT NULL,               -- trailer, comment, authored
  target TEXT NOT NULL,             -- msgid of the patch or cover letter
  name TEXT NOT NULL, email TEXT NOT NULL,  -- who (for trailers: as the trailer names them)
  sender TEXT NOT NULL,             -- the address the message came from
  date INTEGER NOT NULL,
  trailer TEXT NOT NULL DEFAULT '', -- Reviewed-by, Acked-by, Tested-by
  files TEXT NOT NULL DEFAULT '',   -- comment: positions of the files quoted
  hunks TEXT NOT NULL DEFAULT '',   -- comment: file:hunk quoted
  quoted INTEGER NOT NULL DEFAULT 0, comments INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS review_events_target ON review_events(target);
CREATE TABLE IF NOT EXISTS people_pending(
  message_id INTEGER PRIMARY KEY REFERENCES messages(id),
  parent TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS people_pending_parent ON people_pending(parent);
CREATE TABLE IF NOT EXISTS people_ties(
  a TEXT NOT NULL, b TEXT NOT NULL,
  PRIMARY KEY(a, b)
) WITHOUT ROWID;
)sql",
    // 9: incremental assembly (store_series.cpp). series_dirty: messages
    // stored since the series were last assembled, written in the
    // transaction that stores them and emptied in the one that writes the
    // series; series_keys: core::link_keys() of every assembled message, to
    // find what new mail may change beyond its thread.
    R"sql(
CREATE TABLE IF NOT EXISTS series_dirty(
  message_id INTEGER PRIMARY KEY  -- messages.id
);
CREATE TABLE IF NOT EXISTS series_keys(
  key INTEGER NOT NULL,         -- FNV-1a hash of the key (store_series.cpp)
  date INTEGER NOT NULL,
  message_id INTEGER NOT NULL,  -- messages.id
  PRIMARY KEY(key, date, message_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS series_versions_cover ON series_versions(cover);
-- No keys are known for mail stored before: assemble it all once.
INSERT OR IGNORE INTO series_dirty(message_id) SELECT id FROM messages;
UPDATE series_state SET stale = stale + 1 WHERE id = 1 AND EXISTS(SELECT 1 FROM messages);
)sql",
    // 10: the mailing lists a message was seen in. A message cross-posted to
    // several lists is stored once; each public-inbox inbox it came from is
    // one row here (lists.name is the inbox's folder name). sources.list_id
    // names the list of an epoch ('' list: none).
    R"sql(
CREATE TABLE IF NOT EXISTS lists(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS message_lists(
  message_id INTEGER NOT NULL REFERENCES messages(id),
  list_id INTEGER NOT NULL REFERENCES lists(id),
  PRIMARY KEY(message_id, list_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_lists(
  source_id INTEGER PRIMARY KEY REFERENCES sources(id),
  list_id INTEGER NOT NULL REFERENCES lists(id)
);
)sql",
    // 11: a message's List-Id header, stored once per distinct value: every
    // message of a list carries the same 30 bytes. New rows leave
    // messages.list_id '' and point messages.list_id_ref (kAddedColumns) at
    // list_ids; rows stored before keep their text.
    R"sql(
CREATE TABLE IF NOT EXISTS list_ids(
  id INTEGER PRIMARY KEY,
  list_id TEXT NOT NULL UNIQUE
);
)sql",
};

// Columns a migration adds to an existing table. ALTER TABLE ADD COLUMN
// cannot say IF NOT EXISTS, and every step must be safe to run again (a
// store taken back to an older version re-runs them): migrate() adds each
// only where it is missing, after the step's SQL.
struct AddedColumn {
  int migration;  // 1-based, as numbered above
  const char* table;
  const char* column;
  const char* declaration;
};
constexpr AddedColumn kAddedColumns[] = {
    {11, "messages", "list_id_ref", "INTEGER REFERENCES list_ids(id)"},
};

void test_kill_point(const std::string& point) {
  static const char* const want = std::getenv("SEAM_TEST_KILL_AFTER");
  if (want && point == want) ::raise(SIGKILL);
}

Store::Store(const std::string& path, Open mode, std::string_view wanted) : path_(path) {
  fs::path p(path);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == Open::create) {
    flags |= SQLITE_OPEN_CREATE;
    if (p.has_parent_path()) {
      std::error_code ec;
      fs::create_directories(p.parent_path(), ec);
    }
  } else {
    std::error_code ec;
    if (!fs::exists(p, ec))
      throw SqliteError("no store at " + path + (wanted.empty() ? "" : " to look up " + std::string(wanted) + " in") +
                        " (a mistyped --db or $SEAM_DB? `seam ingest` creates one)");
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  db_.reset(db);
  if (rc != SQLITE_OK)
    throw SqliteError("cannot open database " + path + ": " +
                      (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  // Writers of several processes (three ingests, an ingest and a reader that
  // assembles stale series) wait for each other rather than fail; every
  // write transaction is short, so the wait is too.
  sqlite3_busy_timeout(db, 10 * 60 * 1000);
  try {
    // WAL keeps readers (series, checklist, a mail client plugin) working
    // while ingest writes.
    // Turning a new store into WAL, and its first migration, can meet
    // another process doing the same: SQLite may answer "locked" there
    // without calling the busy handler (the lock is taken while the journal
    // mode changes). Both steps are idempotent, so wait and try again.
    for (int attempt = 0;; ++attempt) {
      try {
        // 8 KiB pages for a new store (a no-op on an existing one): rows of
        // mail headers leave less unused space at the end of each page, a
        // twentieth of the store.
        exec(db, "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                 "PRAGMA foreign_keys=ON;");
        migrate();
        break;
      } catch (const SqliteError& e) {
        // (the code is gone after migrate() rolled back: read the message)
        const bool locked = std::string_view(e.what()).find("is locked") != std::string_view::npos;
        if (!locked || attempt >= 400) throw;
        ::usleep(25000);  // 25 ms, 10 s in all
      }
    }
    if (mode == Open::existing) refresh_series();
  } catch (const SqliteError& e) {
    throw SqliteError("database " + path + ": " + e.what());
  }
}

int Store::schema_version() const {
  Statement st(db_.get(), "PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

void Store::migrate() {
  const int target = static_cast<int>(std::size(kMigrations));
  int v = schema_version();
  if (v > target)
    throw SqliteError("schema version " + std::to_string(v) +
                      " is newer than this seam understands (" + std::to_string(target) + ")");
  if (v == target) return;
  // One transaction for all steps, and the version read again inside it:
  // another process creating the same store may have migrated it while this
  // one waited for the lock.
  exec(db_.get(), "BEGIN IMMEDIATE");
  try {
    for (v = schema_version(); v < target; ++v) {
      exec(db_.get(), kMigrations[v]);
      for (const AddedColumn& c : kAddedColumns) {
        if (c.migration != v + 1) continue;
        Statement has(db_.get(), std::string("SELECT count(*) FROM pragma_table_info('") + c.table +
                                     "') WHERE name='" + c.column + "'");
        if (has.step() && has.int64(0) == 0)
          exec(db_.get(), (std::string("ALTER TABLE ") + c.table + " ADD COLUMN " + c.column + " " +
                           c.declaration)
                              .c_str());
      }
      exec(db_.get(), ("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
    }
    exec(db_.get(), "COMMIT");
  } catch (...) {
    exec(db_.get(), "ROLLBACK");
    throw;
  }
}

Source Store::source(const std::string& path, const std::string& kind) {
  Statement ins(db_.get(), "INSERT OR IGNORE INTO sources(path, kind) VALUES(?1, ?2)");
  ins.bind(1, path).bind(2, kind).run();
  Statement q(db_.get(),
              "SELECT s.id, s.path, s.kind, s.cursor, s.size, s.mtime, s.offset, "
              "coalesce(f.mbox_format, ''), coalesce(f.prefix_hash, ''), coalesce(l.name, ''), "
              "coalesce(l.id, 0) "
              "FROM sources s LEFT JOIN source_files f ON f.source_id=s.id "
              "LEFT JOIN source_lists sl ON sl.source_id=s.id LEFT JOIN lists l ON l.id=sl.list_id "
              "WHERE s.path=?1");
  q.bind(1, path);
  q.step();
  Source s;
  s.id = q.int64(0);
  s.path = q.text(1);
  s.kind = q.text(2);
  s.cursor = q.text(3);
  s.size = q.int64(4);
  s.mtime = q.int64(5);
  s.offset = q.int64(6);
  s.mbox_format = q.text(7);
  s.prefix_hash = q.text(8);
  s.list = q.text(9);
  if (!s.list.empty()) list_of_source_[s.id] = q.int64(10);
  if (s.kind != kind) {
    // The same path now reads as another kind (an mbox was gzipped, say):
    // start it over rather than applying a cursor that means something else.
    s.kind = kind;
    s.cursor.clear();
    s.size = s.mtime = s.offset = 0;
    s.mbox_format.clear();
    s.prefix_hash.clear();
    save_source(s);
  }
  return s;
}

void Store::save_source(const Source& s) {
  Statement st(db_.get(),
               "UPDATE sources SET kind=?2, cursor=?3, size=?4, mtime=?5, offset=?6 WHERE id=?1");
  st.bind(1, s.id).bind(2, s.kind).bind(3, s.cursor).bind(4, s.size).bind(5, s.mtime).bind(6, s.offset);
  st.run();
  Statement f(db_.get(),
              "INSERT INTO source_files(source_id, mbox_format, prefix_hash) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(source_id) DO UPDATE SET mbox_format=excluded.mbox_format, "
              "prefix_hash=excluded.prefix_hash");
  f.bind(1, s.id).bind(2, s.mbox_format).bind(3, s.prefix_hash);
  f.run();
  if (!s.list.empty()) {
    Statement li(db_.get(), "INSERT OR IGNORE INTO lists(name) VALUES(?1)");
    li.bind(1, s.list).run();
    Statement sl(db_.get(),
                 "INSERT OR REPLACE INTO source_lists(source_id, list_id) "
                 "SELECT ?1, id FROM lists WHERE name=?2");
    sl.bind(1, s.id).bind(2, s.list).run();
    Statement q(db_.get(), "SELECT id FROM lists WHERE name=?1");
    q.bind(1, s.list);
    if (q.step()) list_of_source_[s.id] = q.int64(0);
  }
}

void Store::begin() {
  exec(db_.get(), "BEGIN IMMEDIATE");
  stale_marked_ = false;
}
void Store::commit() {
  exec(db_.get(), "COMMIT");
  stale_marked_ = false;
}
void Store::rollback() {
  if (!sqlite3_get_autocommit(db_.get())) exec(db_.get(), "ROLLBACK");
  stale_marked_ = false;
  list_id_refs_.clear();  // rows added in the transaction are gone
}

std::optional<int64_t> Store::list_id_ref(const std::string& list_id) {
  if (list_id.empty()) return std::nullopt;
  if (auto it = list_id_refs_.find(list_id); it != list_id_refs_.end()) return it->second;
  if (!insert_list_id_) {
    insert_list_id_.emplace(db_.get(), "INSERT OR IGNORE INTO list_ids(list_id) VALUES(?1)");
    find_list_id_.emplace(db_.get(), "SELECT id FROM list_ids WHERE list_id=?1");
  }
  insert_list_id_->bind(1, list_id).run();
  find_list_id_->bind(1, list_id);
  if (!find_list_id_->step()) {
    find_list_id_->reset();
    throw SqliteError("list_ids: no row for the List-Id just added");
  }
  const int64_t id = find_list_id_->int64(0);
  find_list_id_->reset();
  list_id_refs_.emplace(list_id, id);
  return id;
}

void Store::mark_series_stale(int64_t rowid) {
  if (!insert_dirty_) insert_dirty_.emplace(db_.get(), "INSERT OR IGNORE INTO series_dirty(message_id) VALUES(?1)");
  insert_dirty_->bind(1, rowid).run();
  const bool in_txn = !sqlite3_get_autocommit(db_.get());
  if (in_txn && stale_marked_) return;
  exec(db_.get(), "UPDATE series_state SET stale = stale + 1 WHERE id = 1");
  stale_marked_ = in_txn;
}

bool Store::series_stale() {
  Statement st(db_.get(), "SELECT stale FROM series_state WHERE id = 1");
  return st.step() && st.int64(0) != 0;
}

AddResult Store::add_message(int64_t source_id, const Message& m, std::string_view raw) {
  return add_message(source_id, m, raw, Packed{});
}

AddResult Store::add_message(int64_t source_id, const Message& m, std::string_view raw, const Packed& packed) {
  if (!insert_msg_) {
    insert_msg_.emplace(db_.get(),
                        "INSERT OR IGNORE INTO messages(msgid, synthetic, subject, from_name, "
                        "from_email, to_addrs, cc_addrs, date, tz, date_raw, date_ok, in_reply_to, "
                        "list_id, size, source_id, locator, list_id_ref) "
                        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)");
    insert_ref_.emplace(db_.get(), "INSERT INTO refs(message_id, position, ref) VALUES(?1,?2,?3)");
    insert_dup_.emplace(db_.get(),
                        "INSERT INTO duplicates(msgid, source_id, locator) VALUES(?1,?2,?3)");
    insert_raw_.emplace(db_.get(), "INSERT INTO kept_raw(message_id, data) VALUES(?1,?2)");
    insert_facts_.emplace(db_.get(),
                          "INSERT INTO facts(message_id, reply, has_patch_tag, pull, rfc, resend, version, "
                          "idx, total, title, norm_title, has_diff, patch_id, change_id, base_commit, rust, prerequisites) "
                          "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)");
    insert_trailer_.emplace(db_.get(),
                            "INSERT INTO body_trailers(message_id, followup, position, name, value, email) "
                            "VALUES(?1,?2,?3,?4,?5,?6)");
    find_same_.emplace(db_.get(),
                       "SELECT m.id FROM messages m JOIN message_digests d ON d.message_id=m.id "
                       "WHERE m.msgid=?1 AND m.source_id=?2 AND d.digest=?3");
    move_msg_.emplace(db_.get(), "UPDATE messages SET locator=?2 WHERE id=?1");
    insert_list_.emplace(db_.get(), "INSERT OR IGNORE INTO message_lists(message_id, list_id) VALUES(?1,?2)");
    find_id_.emplace(db_.get(), "SELECT id FROM messages WHERE msgid=?1");
    insert_digest_.emplace(db_.get(),
                           "INSERT OR REPLACE INTO message_digests(message_id, digest) VALUES(?1,?2)");
  }
  auto& st = *insert_msg_;
  st.bind_static(1, m.msgid)
      .bind(2, int64_t{m.synthetic_id})
      .bind_static(3, m.subject)
      .bind_static(4, m.from.name)
      .bind_static(5, m.from.email)
      .bind(8, m.date)
      .bind(9, int64_t{m.tz_minutes})
      .bind_static(10, compact_date_raw(m))
      .bind(11, int64_t{m.date_ok})
      .bind_static(12, m.in_reply_to)
      .bind_static(13, std::string_view("", 0))
      .bind(14, static_cast<int64_t>(m.size))
      .bind(15, source_id);
  if (hex_oid(m.where)) {
    locator_ = oid_bytes(m.where);
    st.bind_static_blob(16, locator_);
  } else {
    st.bind_static(16, m.where);
  }
  st.bind(17, list_id_ref(m.list_id));
  bind_packed(st, 6, m.to_raw, packed.ready ? &packed.to : nullptr);
  bind_packed(st, 7, m.cc_raw, packed.ready ? &packed.cc : nullptr);
  st.run();
  const auto list = list_of_source_.find(source_id);
  const int64_t list_id = list == list_of_source_.end() ? 0 : list->second;
  if (sqlite3_changes(db_.get()) == 0) {
    if (list_id != 0) {
      // Cross-posted (or read again): the stored message is in this list too.
      find_id_->bind(1, m.msgid);
      if (find_id_->step()) {
        const int64_t id = find_id_->int64(0);
        find_id_->reset();
        insert_list_->bind(1, id).bind(2, list_id).run();
      } else {
        find_id_->reset();
      }
    }
    // The same bytes from the same source: the stored message, moved (mail
    // deleted before it in a rewritten mbox). Follow it.
    if (!m.digest.empty()) {
      find_same_->bind(1, m.msgid).bind(2, source_id).bind_static(3, m.digest);
      const bool same = find_same_->step();
      const int64_t id = same ? find_same_->int64(0) : 0;
      find_same_->reset();
      if (same) {
        move_msg_->bind(1, id).bind_static(2, m.where).run();
        return AddResult::duplicate;
      }
    }
    insert_dup_->bind(1, m.msgid).bind(2, source_id).bind_static(3, m.where).run();
    return AddResult::duplicate;
  }
  const int64_t rowid = sqlite3_last_insert_rowid(db_.get());
  mark_series_stale(rowid);
  if (list_id != 0) insert_list_->bind(1, rowid).bind(2, list_id).run();
  if (!m.digest.empty()) insert_digest_->bind(1, rowid).bind_static(2, m.digest).run();
  int64_t pos = 0;
  for (const auto& r : m.references) insert_ref_->bind(1, rowid).bind(2, pos++).bind_static(3, r).run();
  if (!raw.empty()) insert_raw_->bind(1, rowid).bind_static_blob(2, raw).run();
  const auto& f = m.facts;
  insert_facts_->bind(1, rowid)
      .bind(2, int64_t{f.reply})
      .bind(3, int64_t{f.has_patch_tag})
      .bind(4, int64_t{f.pull})
      .bind(5, int64_t{f.rfc})
      .bind(6, int64_t{f.resend})
      .bind(7, int64_t{f.version})
      .bind(8, int64_t{f.index})
      .bind(9, int64_t{f.total})
      .bind_static(10, f.title)
      .bind_static(11, f.norm_title)
      .bind(12, int64_t{f.has_diff})
      .bind_static(13, f.patch_id)
      .bind_static(14, f.change_id)
      .bind_static(15, f.base_commit)
      .bind(16, int64_t{f.rust})
      .bind_static(17, f.prerequisites)
      .run();
  for (int followup = 0; followup < 2; ++followup) {
    int64_t tpos = 0;
    for (const auto& t : followup ? f.followup_trailers : f.own_trailers)
      insert_trailer_->bind(1, rowid).bind(2, int64_t{followup}).bind(3, tpos++).bind_static(4, t.name)
          .bind_static(5, t.value).bind_static(6, t.email).run();
  }
  return AddResult::added;
}

namespace {
// Resets a kept statement however the look-up using it returns.
struct ResetOnExit {
  Statement& st;
  ~ResetOnExit() { st.reset(); }
};
}  // namespace

Statement& Store::prepared(const std::string& sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) it = prepared_.emplace(sql, Statement(db_.get(), sql)).first;
  return it->second;
}

std::string Store::message_digest(std::string_view msgid) {
  Statement& st =
      prepared("SELECT d.digest FROM message_digests d JOIN messages m ON m.id=d.message_id WHERE m.msgid=?1");
  ResetOnExit done{st};
  st.bind(1, msgid);
  return st.step() ? st.text(0) : std::string();
}

void Store::update_locator(std::string_view msgid, const std::string& where) {
  const bool own = sqlite3_get_autocommit(db_.get()) != 0;
  if (own) begin();
  try {
    Statement st(db_.get(), "UPDATE messages SET locator=?2 WHERE msgid=?1");
    st.bind(1, msgid).bind(2, where).run();
    if (own) commit();
  } catch (...) {
    if (own) rollback();
    throw;
  }
}

bool Store::maildir_seen(int64_t source_id, std::string_view name) {
  if (!seen_q_) seen_q_.emplace(db_.get(), "SELECT 1 FROM maildir_seen WHERE source_id=?1 AND name=?2");
  seen_q_->bind(1, source_id).bind(2, name);
  bool found = seen_q_->step();
  seen_q_->reset();
  return found;
}

void Store::mark_maildir_seen(int64_t source_id, std::string_view name) {
  if (!seen_ins_)
    seen_ins_.emplace(db_.get(), "INSERT OR IGNORE INTO maildir_seen(source_id, name) VALUES(?1,?2)");
  seen_ins_->bind(1, source_id).bind(2, name).run();
}

int64_t Store::message_count() {
  Statement st(db_.get(), "SELECT count(*) FROM messages");
  st.step();
  return st.int64(0);
}

int64_t Store::duplicate_count() {
  Statement st(db_.get(), "SELECT count(*) FROM duplicates");
  st.step();
  return st.int64(0);
}

Store::Stats Store::stats() {
  Stats out;
  exec(db_.get(), "BEGIN");
  try {
    auto count = [&](const char* sql) {
      Statement st(db_.get(), sql);
      return st.step() ? st.int64(0) : 0;
    };
    out.messages = count("SELECT count(*) FROM messages");
    out.series = count("SELECT count(*) FROM series");
    out.duplicates = count("SELECT count(*) FROM duplicates");
    out.store_bytes = count("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
    Statement src(db_.get(),
                  "SELECT s.id, s.path, s.kind, s.cursor, s.size, s.mtime, s.offset, "
                  "coalesce(f.mbox_format, ''), coalesce(f.prefix_hash, ''), coalesce(l.name, ''), "
                  "(SELECT count(*) FROM messages m WHERE m.source_id=s.id), "
                  "(SELECT count(*) FROM duplicates d WHERE d.source_id=s.id) "
                  "FROM sources s LEFT JOIN source_files f ON f.source_id=s.id "
                  "LEFT JOIN source_lists sl ON sl.source_id=s.id LEFT JOIN lists l ON l.id=sl.list_id "
                  "ORDER BY s.path");
    while (src.step()) {
      Stats::SourceStats ss;
      ss.source.id = src.int64(0);
      ss.source.path = src.text(1);
      ss.source.kind = src.text(2);
      ss.source.cursor = src.text(3);
      ss.source.size = src.int64(4);
      ss.source.mtime = src.int64(5);
      ss.source.offset = src.int64(6);
      ss.source.mbox_format = src.text(7);
      ss.source.prefix_hash = src.text(8);
      ss.source.list = src.text(9);
      ss.messages = src.int64(10);
      ss.duplicates = src.int64(11);
      out.sources.push_back(std::move(ss));
    }
    Statement li(db_.get(),
                 "SELECT l.name, (SELECT count(*) FROM message_lists ml WHERE ml.list_id=l.id), "
                 "(SELECT count(*) FROM source_lists sl WHERE sl.list_id=l.id) FROM lists l ORDER BY l.name");
    while (li.step()) out.lists.push_back({li.text(0), li.int64(1), li.int64(2)});
    exec(db_.get(), "COMMIT");
  } catch (...) {
    exec(db_.get(), "ROLLBACK");
    throw;
  }
  std::error_code ec;
  const auto wal = fs::file_size(path_ + "-wal", ec);
  if (!ec) out.store_bytes += static_cast<int64_t>(wal);
  return out;
}

std::vector<std::string> Store::lists_of(std::string_view msgid) {
  Statement st(db_.get(),
               "SELECT l.name FROM messages m JOIN message_lists ml ON ml.message_id=m.id "
               "JOIN lists l ON l.id=ml.list_id WHERE m.msgid=?1 ORDER BY l.name");
  st.bind(1, msgid);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

static const char* const kMessageColumns =
    "m.msgid, m.synthetic, m.subject, m.from_name, m.from_email, m.to_addrs, m.cc_addrs, "
    "m.date, m.tz, m.date_raw, m.date_ok, m.in_reply_to, "
    "coalesce((SELECT li.list_id FROM list_ids li WHERE li.id=m.list_id_ref), m.list_id), m.size, m.locator, s.path, m.id, "
    "s.kind, (SELECT f.mbox_format FROM source_files f WHERE f.source_id=s.id)";

Message Store::read_row(Statement& st) {
  Message m;
  m.msgid = st.text(0);
  m.synthetic_id = st.int64(1) != 0;
  m.subject = st.text(2);
  m.from.name = st.text(3);
  m.from.email = st.text(4);
  m.to_raw = packed_text(st, 5);
  m.cc_raw = packed_text(st, 6);
  if (!st.is_null(7)) m.date = st.int64(7);
  m.tz_minutes = static_cast<int>(st.int64(8));
  m.date_raw = st.text(9);
  m.date_ok = st.int64(10) != 0;
  if (m.date_raw.empty() && m.date_ok && m.date) m.date_raw = rfc5322_date(*m.date, m.tz_minutes);
  m.in_reply_to = st.text(11);
  m.list_id = st.text(12);
  m.size = static_cast<uint64_t>(st.int64(13));
  m.where = st.is_blob(14) ? oid_hex(st.text(14)) : st.text(14);
  Statement refs(db_.get(), "SELECT ref FROM refs WHERE message_id=?1 ORDER BY position");
  refs.bind(1, st.int64(16));
  while (refs.step()) m.references.push_back(refs.text(0));
  return m;
}

std::vector<Store::Listed> Store::list_messages(int64_t limit) {
  Statement st(db_.get(), std::string("SELECT ") + kMessageColumns +
                              " FROM messages m JOIN sources s ON s.id=m.source_id "
                              "ORDER BY m.date IS NULL, m.date, m.id LIMIT ?1");
  st.bind(1, limit);
  std::vector<Listed> out;
  while (st.step()) out.push_back({read_row(st), st.text(15), st.text(17), st.text(18)});
  return out;
}

std::optional<Store::Listed> Store::find_message(std::string_view msgid) {
  Statement& st = prepared(std::string("SELECT ") + kMessageColumns +
                           " FROM messages m JOIN sources s ON s.id=m.source_id WHERE m.msgid=?1");
  ResetOnExit done{st};
  st.bind(1, msgid);
  if (!st.step()) return std::nullopt;
  return Listed{read_row(st), st.text(15), st.text(17), st.text(18)};
}

std::optional<std::string> Store::kept_raw(std::string_view msgid) {
  Statement& st = prepared("SELECT k.data FROM kept_raw k JOIN messages m ON m.id=k.message_id WHERE m.msgid=?1");
  ResetOnExit done{st};
  st.bind(1, msgid);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

}  // namespace seam::core

namespace seam::core {

void Store::save_query(const SavedQuery& q) {
  Statement st(db_.get(),
               "INSERT INTO lore_queries(name, query, threads, base, last_run) VALUES(?1,?2,?3,?4,?5) "
               "ON CONFLICT(name) DO UPDATE SET query=excluded.query, threads=excluded.threads, "
               "base=excluded.base, last_run=excluded.last_run");
  st.bind(1, q.name).bind(2, q.query).bind(3, int64_t{q.threads}).bind(4, q.base).bind(5, q.last_run);
  st.run();
}

std::vector<Store::SavedQuery> Store::saved_queries(std::string_view name) {
  Statement st(db_.get(),
               "SELECT name, query, threads, base, last_run FROM lore_queries "
               "WHERE coalesce(?1, '') = '' OR name = ?1 ORDER BY name");
  st.bind(1, name);
  std::vector<SavedQuery> out;
  while (st.step()) {
    SavedQuery q;
    q.name = st.text(0);
    q.query = st.text(1);
    q.threads = st.int64(2) != 0;
    q.base = st.text(3);
    if (!st.is_null(4)) q.last_run = st.int64(4);
    out.push_back(std::move(q));
  }
  return out;
}

bool Store::forget_query(std::string_view name) {
  Statement st(db_.get(), "DELETE FROM lore_queries WHERE name=?1");
  st.bind(1, name);
  st.run();
  return sqlite3_changes(db_.get()) > 0;
}

}  // namespace seam::core
