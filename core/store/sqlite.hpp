// RAII owners for SQLite handles and a small statement helper.
// Every value that comes from mail is bound as a parameter, never spliced
// into SQL text.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace seam::core {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

// A prepared statement. Owns its sqlite3_stmt; reset() makes it reusable.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, std::optional<int64_t> v);
  Statement& bind_null(int i);
  Statement& bind_blob(int i, std::string_view v);
  // Without copying: `v` must stay valid and unchanged until the statement
  // is stepped and reset (run(), or reset() after step()).
  Statement& bind_static(int i, std::string_view v);
  Statement& bind_static_blob(int i, std::string_view v);

  // Steps once: true when a row is available, false when done.
  bool step();
  // Steps to completion, for statements that return no rows.
  void run();
  void reset();

  int64_t int64(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;
  bool is_blob(int col) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  sqlite3* db_;
};

void exec(sqlite3* db, const char* sql);

}  // namespace seam::core
