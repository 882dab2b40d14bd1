#include "core/store/sqlite.hpp"

namespace seam::core {

static void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
    throw SqliteError(std::string(what) + ": " + sqlite3_errmsg(db));
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  stmt_.reset(s);
  check(db, rc, "prepare");
}

// SQLite binds a null pointer as NULL, not as an empty value: a NOT NULL
// column would refuse the row, and INSERT OR IGNORE drop it without a word.
// An empty view (a default one has no pointer) is always bound as empty.
static const char* nonnull(std::string_view v) { return v.data() ? v.data() : ""; }

Statement& Statement::bind(int i, std::string_view v) {
  check(db_, sqlite3_bind_text(stmt_.get(), i, nonnull(v), static_cast<int>(v.size()),
                               SQLITE_TRANSIENT),
        "bind");
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  check(db_, sqlite3_bind_int64(stmt_.get(), i, v), "bind");
  return *this;
}
Statement& Statement::bind(int i, std::optional<int64_t> v) {
  return v ? bind(i, *v) : bind_null(i);
}
Statement& Statement::bind_null(int i) {
  check(db_, sqlite3_bind_null(stmt_.get(), i), "bind");
  return *this;
}
Statement& Statement::bind_blob(int i, std::string_view v) {
  check(db_, sqlite3_bind_blob64(stmt_.get(), i, nonnull(v), v.size(), SQLITE_TRANSIENT),
        "bind");
  return *this;
}

Statement& Statement::bind_static(int i, std::string_view v) {
  check(db_, sqlite3_bind_text(stmt_.get(), i, nonnull(v), static_cast<int>(v.size()), SQLITE_STATIC), "bind");
  return *this;
}
Statement& Statement::bind_static_blob(int i, std::string_view v) {
  check(db_, sqlite3_bind_blob64(stmt_.get(), i, nonnull(v), v.size(), SQLITE_STATIC), "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset, so that a statement kept for reuse (prepared once) binds again
  // after a failure that its caller caught.
  SqliteError e(std::string("step: ") + sqlite3_errmsg(db_));
  sqlite3_reset(stmt_.get());
  throw e;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }

std::string Statement::text(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
  if (!p) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
}

bool Statement::is_blob(int col) const {
  return sqlite3_column_type(stmt_.get(), col) == SQLITE_BLOB;
}

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw SqliteError(msg);
  }
}

}  // namespace seam::core
