// Helpers of the crash and concurrency tests: a generated mbox of patch
// series with replies and trailers, running the real `seam` binary (killed
// at a given point), and a whole-store dump that does not depend on row ids.
#pragma once

#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support.hpp"

namespace seam::test {

// `series` patch series of `patches` patches each: a cover letter, the
// patches (with a diff), a review reply to each patch carrying a
// Reviewed-by, and an Acked-by on the cover. Invented people, example.org.
inline std::string series_mbox(int series, int patches, const std::string& tag = "s") {
  std::string out;
  auto date = [](int n) {
    const int day = 1 + n % 28, hour = n / 28 % 24, min = n % 60;
    char b[64];
    std::snprintf(b, sizeof b, "Mon, %02d Jun 2025 %02d:%02d:00 +0000", day, hour, min);
    return std::string(b);
  };
  for (int s = 0; s < series; ++s) {
    const std::string base = tag + std::to_string(s);
    const std::string cover = base + ".0@example.org";
    const std::string author = "Dev " + std::to_string(s % 37);
    const std::string email = "dev" + std::to_string(s % 37) + "@example.org";
    const std::string n = std::to_string(patches);
    auto msg = [&](const std::string& id, const std::string& from, const std::string& subject,
                   const std::string& irt, const std::string& body) {
      std::string m = "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: " + from + "\nSubject: " + subject +
                      "\nDate: " + date(s) + "\nMessage-ID: <" + id + ">\n";
      if (!irt.empty()) m += "In-Reply-To: <" + irt + ">\nReferences: <" + cover + ">" +
                             (irt != cover ? " <" + irt + ">" : "") + "\n";
      return m + "\n" + body + "\n";
    };
    out += msg(cover, author + " <" + email + ">",
               "[PATCH v" + std::to_string(1 + s % 3) + " 0/" + n + "] feature " + base, "",
               "This series adds feature " + base + ".\n");
    for (int p = 1; p <= patches; ++p) {
      const std::string pid = base + "." + std::to_string(p) + "@example.org";
      const std::string file = "drivers/" + base + "/f" + std::to_string(p) + ".c";
      out += msg(pid, author + " <" + email + ">",
                 "[PATCH v" + std::to_string(1 + s % 3) + " " + std::to_string(p) + "/" + n + "] " + base +
                     ": part " + std::to_string(p),
                 cover,
                 "Part " + std::to_string(p) + " of " + base + ".\n\nSigned-off-by: " + author + " <" + email +
                     ">\n---\n diff --git a/" + file + " b/" + file + "\n" +
                     "--- a/" + file + "\n+++ b/" + file + "\n@@ -1,2 +1,3 @@\n int a;\n+int b" +
                     std::to_string(p) + ";\n int c;\n");
      out += msg(base + "." + std::to_string(p) + ".r@example.org", "Rita Reviewer <rita@example.org>",
                 "Re: [PATCH v" + std::to_string(1 + s % 3) + " " + std::to_string(p) + "/" + n + "] " + base +
                     ": part " + std::to_string(p),
                 pid, "> Part " + std::to_string(p) + "\n\nLooks right.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n");
    }
    out += msg(base + ".0.a@example.org", "Mark Maintainer <mark@example.org>",
               "Re: [PATCH v" + std::to_string(1 + s % 3) + " 0/" + n + "] feature " + base, cover,
               "For the series:\n\nAcked-by: Mark Maintainer <mark@example.org>\n");
  }
  return out;
}

struct SeamRun {
  int status = -1;       // exit status, or -1 when killed
  int signal = 0;        // the signal that killed it
  std::string out, err;
};

// Runs `env seam --db DB args` (test-controlled text only).
inline SeamRun seam_at(const std::filesystem::path& db, const std::string& args,
                       const std::string& env = "", const std::filesystem::path& errfile = {}) {
  const std::filesystem::path err =
      errfile.empty() ? std::filesystem::path(db.string() + ".stderr") : errfile;
  int st = 0;
  SeamRun r;
  // `exec` so that the shell reports how seam itself ended.
  r.out = shell("exec env " + env + " '" + std::string(SEAM_BINARY) + "' --db '" + db.string() + "' " + args +
                    " 2>'" + err.string() + "'",
                &st);
  if (WIFEXITED(st)) {
    r.status = WEXITSTATUS(st);
    if (r.status > 128) r.signal = r.status - 128;  // a shell in between
  } else if (WIFSIGNALED(st)) {
    r.signal = WTERMSIG(st);
  }
  r.err = read_bytes(err);
  return r;
}

// Every row of every table the store keeps, as sorted text lines, keyed by
// Message-IDs and paths rather than row ids: two stores holding the same
// mail (read in any order) give the same dump.
inline std::string store_dump(const std::filesystem::path& db, bool with_locators = true) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  const std::string loc = with_locators ? "m.locator" : "''";
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"messages",
       "SELECT m.msgid, m.synthetic, m.subject, m.from_name, m.from_email, m.date, m.tz, m.date_raw, m.date_ok, "
       "m.in_reply_to, m.list_id, m.size, s.path, " + loc + ", m.to_addrs, m.cc_addrs "
       "FROM messages m JOIN sources s ON s.id=m.source_id"},
      {"refs", "SELECT m.msgid, r.position, r.ref FROM refs r JOIN messages m ON m.id=r.message_id"},
      {"facts",
       "SELECT m.msgid, f.reply, f.has_patch_tag, f.pull, f.rfc, f.resend, f.version, f.idx, f.total, f.title, "
       "f.norm_title, f.has_diff, f.patch_id, f.change_id, f.base_commit, f.rust, f.prerequisites "
       "FROM facts f JOIN messages m ON m.id=f.message_id"},
      {"trailers",
       "SELECT m.msgid, b.followup, b.position, b.name, b.value, b.email FROM body_trailers b "
       "JOIN messages m ON m.id=b.message_id"},
      {"digests", "SELECT m.msgid, d.digest FROM message_digests d JOIN messages m ON m.id=d.message_id"},
      {"kept_raw", "SELECT m.msgid, length(k.data) FROM kept_raw k JOIN messages m ON m.id=k.message_id"},
      {"duplicates", "SELECT d.msgid, s.path FROM duplicates d JOIN sources s ON s.id=d.source_id"},
      {"sources",
       "SELECT s.path, s.kind, s.cursor, s.size, s.mtime, s.offset, f.mbox_format, f.prefix_hash "
       "FROM sources s LEFT JOIN source_files f ON f.source_id=s.id"},
      {"maildir_seen", "SELECT s.path, x.name FROM maildir_seen x JOIN sources s ON s.id=x.source_id"},
      {"series", "SELECT id, title, author_name, author_email, change_id, pull, newest_date, rust FROM series"},
      {"versions",
       "SELECT series_id, position, version, cover, expected, date, rfc, resend, base_commit, prerequisites "
       "FROM series_versions"},
      {"patches",
       "SELECT v.series_id, v.position, p.idx, p.msgid, p.subject, p.patch_id, p.carried FROM series_patches p "
       "JOIN series_versions v ON v.id=p.version_id"},
      {"series_trailers",
       "SELECT v.series_id, v.position, t.idx, t.position, t.name, t.value, t.email, t.from_msgid "
       "FROM series_trailers t JOIN series_versions v ON v.id=t.version_id"},
      {"state", "SELECT stale FROM series_state"},
  };
  std::string out;
  for (const auto& [name, sql] : queries) {
    sqlite3_stmt* st = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(h));
    std::vector<std::string> rows;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row = name;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        row += "|";
        row += t ? std::string(t, static_cast<size_t>(sqlite3_column_bytes(st, c))) : "NULL";
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    std::sort(rows.begin(), rows.end());
    out += name + ": " + std::to_string(rows.size()) + " rows\n";
    for (auto& r : rows) out += r + "\n";
  }
  sqlite3_close(h);
  return out;
}

// The first line where two dumps differ (for a readable failure).
inline std::string first_difference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const size_t from = a.rfind('\n', i == 0 ? 0 : i - 1);
  const size_t start = from == std::string::npos ? 0 : from + 1;
  return "expected: " + a.substr(start, a.find('\n', i) - start) + "\n     got: " +
         b.substr(start, b.find('\n', i) - start);
}

// Lines of a dump that start with `table|` (its rows).
inline size_t dump_rows(const std::string& dump, const std::string& table) {
  size_t n = 0, pos = 0;
  const std::string key = "\n" + table + "|";
  while ((pos = dump.find(key, pos)) != std::string::npos) ++n, ++pos;
  return n;
}

}  // namespace seam::test
