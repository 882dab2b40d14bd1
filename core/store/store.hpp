// seam's store: one SQLite database holding messages, their references and
// the cursors of the sources they came from. The schema is created and
// migrated here and nowhere else.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/message.hpp"
#include "core/series.hpp"
#include "core/store/sqlite.hpp"

namespace seam::core {

// $SEAM_DB, else $XDG_DATA_HOME/seam/seam.db, else ~/.local/share/seam/seam.db.
std::string default_db_path();

// A source of mail and how far it has been read.
struct Source {
  int64_t id = 0;
  std::string path;    // canonical path, or "-" for stdin
  std::string kind;    // mbox, mbox.gz, maildir, public-inbox, stdin
  std::string cursor;  // epoch: last commit ingested; file: "" (see size/offset)
  int64_t size = 0;    // file sources: size when last read
  int64_t mtime = 0;   // file sources: mtime (ns) when last read
  int64_t offset = 0;  // file sources: offset up to which messages were read
  // mbox sources: the quoting the file was read with ("mboxrd", "mboxo"; ""
  // when read before seam remembered it, taken as mboxrd).
  std::string mbox_format;
  // mbox sources: a digest of the bytes before `offset` (see mail/ingest.cpp),
  // so that a file rewritten with other mail is not resumed; "" when unknown.
  std::string prefix_hash;
  // The mailing list the source is an archive of (a public-inbox inbox's
  // folder name, "linux-kbuild"); "" when none. Every message read from it is
  // recorded as seen in that list, also when it was stored from another.
  std::string list;
};

enum class AddResult { added, duplicate };

// Test hook: when $SEAM_TEST_KILL_AFTER equals `point` ("batch:3",
// "assembly"), the process kills itself with SIGKILL there, as a crash or
// `kill -9` would. Does nothing otherwise.
void test_kill_point(const std::string& point);

class Store {
 public:
  // Whether opening may create the store. Only commands that write mail into
  // it (ingest) create one; the others must not turn a mistyped --db into an
  // empty store and its folders.
  enum class Open { create, existing };

  // Opens (with Open::create: creating the file and its directory when
  // needed) and migrates; concurrent openers of a new store wait for each
  // other. With Open::existing a missing file is an error naming the path,
  // and series left stale by an interrupted ingest are assembled first.
  // Throws SqliteError with the path in the message when that fails.
  // `wanted` (a Message-ID a command looks up, say) is named in the error
  // when there is no store.
  explicit Store(const std::string& path, Open mode = Open::create, std::string_view wanted = {});

  const std::string& path() const { return path_; }
  int schema_version() const;

  // The row for this source, created with an empty cursor on first use.
  Source source(const std::string& path, const std::string& kind);
  void save_source(const Source& s);

  // Write transactions (BEGIN IMMEDIATE). Writers of other processes wait
  // for each other (busy timeout), so keep them short: ingest parses outside
  // them. A commit that stored a message also marks the series stale, in the
  // same transaction (see refresh_series()).
  void begin();
  void commit();
  void rollback();

  // Stores a message once by Message-ID. A second message with the same id is
  // recorded as a duplicate (with its own locator), not stored again; but the
  // same bytes (same digest) read again from the same source are the stored
  // message moved (a rewritten mbox): its locator is updated and it counts as
  // a duplicate. `raw` is kept only for sources that cannot be read again
  // (stdin, pipes).
  AddResult add_message(int64_t source_id, const Message& m, std::string_view raw = {});

  // To and Cc as the store keeps them, made ahead of add_message() on a
  // parsing thread (deflating is a fifth of the writer's work otherwise).
  // Thread-safe.
  struct Packed {
    bool ready = false;
    std::string to, cc;  // the deflated text; "" when kept as text
  };
  static Packed pack_recipients(const Message& m);
  AddResult add_message(int64_t source_id, const Message& m, std::string_view raw, const Packed& packed);

  // The digest kept at ingest (Message::digest) of a stored message, "" when
  // unknown (ingested before seam kept them) or no such message.
  std::string message_digest(std::string_view msgid);
  // Points a stored message at a new place in its source (read_raw found it
  // moved). Its own short transaction unless one is open.
  void update_locator(std::string_view msgid, const std::string& where);

  // Maildir bookkeeping: the unique part of each file name already read.
  bool maildir_seen(int64_t source_id, std::string_view name);
  void mark_maildir_seen(int64_t source_id, std::string_view name);

  int64_t message_count();
  int64_t duplicate_count();

  // What `seam stats` shows: counts, each source with its cursor, each list.
  struct Stats {
    int64_t messages = 0, series = 0, duplicates = 0;
    int64_t store_bytes = 0;  // the database file (pages in use and free) plus its WAL
    struct SourceStats {
      Source source;
      int64_t messages = 0;    // stored from it (first seen there)
      int64_t duplicates = 0;  // read there, already stored from elsewhere or before
    };
    std::vector<SourceStats> sources;  // by path
    struct ListStats {
      std::string name;
      int64_t messages = 0;  // seen in the list, wherever they were stored from
      int64_t sources = 0;   // epochs archiving it
    };
    std::vector<ListStats> lists;  // by name
  };
  // One read transaction. Counting scans messages and duplicates once.
  Stats stats();
  // The lists (Source::list) a stored message was seen in, by name.
  std::vector<std::string> lists_of(std::string_view msgid);

  struct Listed {
    Message message;
    std::string source;       // path of the source
    std::string source_kind;  // its kind (mbox, public-inbox, …)
    std::string source_mbox_format;  // the source's Source::mbox_format
  };
  // Messages ordered by date (undated last); limit < 0 means all.
  std::vector<Listed> list_messages(int64_t limit = -1);
  std::optional<Listed> find_message(std::string_view msgid);
  // The raw text kept for sources that cannot be re-read (stdin).
  std::optional<std::string> kept_raw(std::string_view msgid);

  // --- series (store_series.cpp) ---
  // Every message's facts, in ingest order, for assembly. All of them at
  // once: memory grows with the store (a full assembly reads it in parts).
  std::vector<MessageFacts> load_facts();
  // The facts of every message series `series_id` may depend on (its
  // messages, their threads and link_keys() neighbours, to a fixed point),
  // in ingest order: assembling them gives that series as assembling the
  // whole store does, with any AssembleOptions. Empty when no stored
  // series has that id. Throws SqliteError.
  std::vector<MessageFacts> load_facts_around(const std::string& series_id);
  // The most messages a full assembly holds in one part (see
  // plan_assembly()); tests set it small to check that parts do not change
  // the result. At least 1.
  void set_assembly_part_limit(size_t messages) { part_limit_ = std::max<size_t>(messages, 1); }

  // What one assembly did (refresh_series(), rebuild_series()).
  struct Assembly {
    bool assembled = false;  // series were written
    bool full = false;       // every message was assembled, not only what new mail touches
    int64_t messages = 0;    // messages whose facts were assembled
    int64_t series = 0;      // series written (all of them when full)
    int64_t parts = 0;       // parts a full assembly was made in (plan_assembly())
  };
  // Reassembles every series from the stored facts, from one consistent
  // read of them (`seam rebuild`): the answer refresh_series() must always
  // agree with. Clears the stale mark and the new-message set when no other
  // writer committed meanwhile (else those stay for the next refresh).
  // Throws SqliteError when the store cannot be read or written.
  Assembly rebuild_series();
  // True when messages were stored since the series were last assembled
  // (also after an ingest that was killed before or during assembly).
  bool series_stale();
  // Assembles the series when they are stale, from one consistent read of
  // the facts, and clears the mark in the transaction that writes them
  // (unless more mail came in meanwhile). Only what the messages stored since
  // the last assembly touch is assembled again: their threads (either
  // direction of References/In-Reply-To), every message sharing a
  // link_keys() key with those, and so on to a fixed point; the series that
  // held any of them are replaced. The result is the one a full assembly
  // gives; when the new mail touches much of the store, everything is
  // assembled. Returns true when it assembled.
  bool refresh_series();
  // The same, with what it did.
  Assembly refresh_series_report();
  // Replaces every assembled series with `series` (one transaction); leaves
  // the stale mark alone.
  void replace_series(const std::vector<Series>& series);

  struct SeriesFilter {
    bool rust_only = false;
    std::optional<int64_t> since;   // newest version on or after (unix seconds)
    std::string author;             // substring of name or email, case-insensitive
    std::string id;                 // one series by id
  };
  // Series newest first, with versions, patches and trailers.
  std::vector<Series> load_series(const SeriesFilter& f);
  // The id of the series a message (any version's cover, patch or reply)
  // belongs to, or of the series with that id, or whose id alone starts with
  // it (at least kMinSeriesPrefix hex digits, as git abbreviates).
  std::optional<std::string> series_of(std::string_view msgid_or_id);
  // Up to `limit` series ids (sorted) that start with `prefix`: none unless
  // it is kMinSeriesPrefix to 11 hex digits (either case). For telling a user
  // which series an ambiguous short id could mean.
  std::vector<std::string> series_with_prefix(std::string_view prefix, size_t limit);
  static constexpr size_t kMinSeriesPrefix = 4;

  // --- saved lore queries (`seam fetch --follow`) ---
  struct SavedQuery {
    std::string name;                // chosen by the user, unique
    std::string query;               // public-inbox search terms
    bool threads = false;            // whole threads of the matches
    std::string base;                // inbox URL; "" = the configured one
    std::optional<int64_t> last_run;  // unix seconds the last good run started
  };
  // Creates or replaces the query of that name.
  void save_query(const SavedQuery& q);
  // The saved query named `name`, or all of them (by name) when it is "".
  std::vector<SavedQuery> saved_queries(std::string_view name = {});
  // Deletes it; false when there was none of that name.
  bool forget_query(std::string_view name);

  // The connection, for the parts of core that keep tables of their own in
  // the store (core/store/notes, core/people). Owned by the store; valid
  // while it lives.
  sqlite3* handle() const { return db_.get(); }

 private:
  void migrate();
  // Called inside the transaction that writes series, just before COMMIT.
  void series_written();
  // In the transaction that stores message `rowid`: marks the series stale
  // and records the message as new (series_dirty), for refresh_series().
  void mark_series_stale(int64_t rowid);
  Assembly assemble_stale(bool full);
  // Every series assembled again, in the write transaction it opens; the
  // stale mark is cleared in it. Memory follows part_limit_, not the store.
  Assembly assemble_all();
  // A full assembly, planned: every message with facts, split into parts
  // of whole components (messages joined by a thread link or a shared
  // link key, as affected_messages() follows them), each part at most
  // part_limit_ messages unless one component is larger. Each message's
  // link keys are inserted with `keys` (series_keys, in index order) when
  // not null. Its making holds a few hundred bytes per message (hashes and
  // positions, never the facts); the plan itself, 12.
  struct AssemblyPlan {
    std::vector<int64_t> rowids;    // every message with facts, ascending
    std::vector<uint32_t> part;     // the part of rowids[i]
    struct Part {
      size_t messages = 0;
      int64_t lowest = 0, highest = 0;  // rowids
    };
    std::vector<Part> parts;
  };
  AssemblyPlan plan_assembly(Statement* keys);
  // The facts of one part of `plan`, ascending; their rowids in `rowids`.
  std::vector<MessageFacts> load_part(const AssemblyPlan& plan, uint32_t part, std::vector<int64_t>& rowids);
  // Facts of these messages (rowids, ascending), or of all when null; their
  // rowids in `rowids`.
  std::vector<MessageFacts> load_facts_of(const std::vector<int64_t>* ids, std::vector<int64_t>& rowids);
  // Facts of the messages with rowids in [lowest, highest] that `keep`
  // accepts, ascending (room made for `expected`); their rowids in `rowids`.
  std::vector<MessageFacts> facts_in_range(int64_t lowest, int64_t highest, size_t expected,
                                           const std::function<bool(int64_t)>& keep, std::vector<int64_t>& rowids);
  // The messages whose series may change with `seeds`, ascending; nullopt
  // when there are more than `limit` (assemble everything then).
  std::optional<std::vector<int64_t>> affected_messages(const std::vector<int64_t>& seeds, size_t limit);
  void delete_series_of(const std::vector<MessageFacts>& msgs);
  void write_series(const std::vector<Series>& series);
  void write_link_keys(const std::vector<MessageFacts>& msgs, const std::vector<int64_t>& rowids);
  Message read_row(Statement& st);
  // To and Cc, deflated when that makes them shorter (see store.cpp).
  void bind_packed(Statement& st, int i, std::string_view text, const std::string* packed);
  static std::string packed_text(const Statement& st, int col);

  std::string path_;
  DbHandle db_;
  std::optional<Statement> insert_msg_, insert_ref_, insert_dup_, insert_raw_, insert_facts_,
      insert_trailer_, insert_dirty_;
  std::optional<Statement> seen_q_, seen_ins_, find_same_, move_msg_, insert_digest_, insert_list_, find_id_;
  std::unordered_map<int64_t, int64_t> list_of_source_;  // source id -> lists.id
  // The list_ids row of a List-Id header (added when new); nullopt for "".
  std::optional<int64_t> list_id_ref(const std::string& list_id);
  std::unordered_map<std::string, int64_t> list_id_refs_;  // List-Id -> list_ids.id
  std::optional<Statement> insert_list_id_, find_list_id_;
  std::string pack_to_, pack_cc_;  // bound to the insert until it runs
  std::string locator_;            // the same: a blob locator's 20 bytes
  bool stale_marked_ = false;         // in the open transaction
  std::optional<int64_t> assembling_;  // the stale mark refresh_series() read
  size_t part_limit_ = 10000;          // messages in one part of a full assembly
  // The look-ups run once per message read back (find_message(),
  // message_digest(), kept_raw()), prepared on first use and kept; each use
  // resets its statement before it returns. Declared after db_, so
  // finalized before the connection closes.
  Statement& prepared(const std::string& sql);
  std::unordered_map<std::string, Statement> prepared_;
};

}  // namespace seam::core
