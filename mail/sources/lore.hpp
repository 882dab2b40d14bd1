// Lore over HTTP: whole threads and search results from public-inbox servers
// (lore.kernel.org and its mirrors), fetched with libcurl as gzip-compressed
// mboxrd. This only downloads and checks what came back; storing it is
// mail/ingest.hpp's ingest_buffer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/store/store.hpp"
#include "mail/ingest.hpp"

namespace seam::mail {

// Where and how to reach public-inbox servers.
struct LoreOptions {
  // Inbox base URLs ("https://lore.kernel.org/all"): the first is asked
  // first; the others only after a connection error, a time-out or a 5xx
  // answer of the one before (never after a 4xx: the message does not exist).
  std::vector<std::string> bases{"https://lore.kernel.org/all"};
  long connect_timeout_s = 5;   // to open the connection
  long read_timeout_s = 30;     // without a single byte received
  uint64_t max_inflate = uint64_t{4} << 30;  // bytes the mbox may inflate to
  std::string user_agent;       // "" = "seam/<version> (libcurl/<version>)"
  // Called while downloading: (url, bytes so far, bytes expected or 0).
  std::function<void(const std::string& url, uint64_t done, uint64_t total)> progress;
  // Called when a server is left for the next one: "URL: why".
  std::function<void(const std::string& line)> warn;
};

// Reads the [seam] keys of git configuration (global, system, and the
// repository around the current directory) into `opts`: seam.lore-url
// (replaces the default base), seam.lore-fallback (multi-valued, appended),
// seam.lore-connect-timeout and seam.lore-read-timeout (seconds). A value
// that is not a positive number is returned as an error message naming the
// key; "" when all is well.
std::string read_lore_config(LoreOptions& opts);

// What a request brought back.
struct LoreResult {
  std::string url;         // the URL that answered (the last one tried on failure)
  std::string mbox;        // inflated mboxrd; empty when `found` is false
  bool found = false;      // false: 404 (unknown message, or no search results)
  std::string error;       // one line naming the URL; "" on success (found or not)
  // Every URL tried before `url`, with why it was left (for a verbose line).
  std::vector<std::string> skipped;
};

// A Message-ID as typed ("<x@y>", "x@y", "id:x@y", "mid:x@y"): without the
// decorations. "" when nothing remains.
std::string normalize_msgid(const std::string& text);

// True when `text` is an http(s) URL.
bool is_url(const std::string& text);

// {base}/{msgid}/t.mbox.gz with the Message-ID escaped as public-inbox does.
std::string thread_url(const std::string& base, const std::string& msgid);

// The Message-ID inside a lore URL (…/MSGID/, …/MSGID/T/#u, …/MSGID/t.mbox.gz,
// …/r/MSGID), unescaped; "" when none is found.
std::string msgid_of_url(const std::string& url);

// The whole thread of a message: GET {base}/{msgid}/t.mbox.gz on each base
// in turn (see LoreOptions::bases), or the URL itself when `what` is one
// (then the bases are the fallbacks, with the Message-ID found in the URL).
// A 200 whose body is not gzip, not an mbox, or inflates past
// `max_inflate` is an error. Never throws for what a server does.
LoreResult fetch_thread(const LoreOptions& opts, const std::string& what);

// A public-inbox search: POST {base}/?q=QUERY&x=m (with t=1 when `threads`:
// whole threads of the matches), an empty body. A 404 is zero results
// (found = false, no error).
LoreResult search(const LoreOptions& opts, const std::string& query, bool threads);

// The URL a search asks (for naming the source it is stored as).
std::string search_url(const std::string& base, const std::string& query, bool threads);

// How far back a followed query looks before its last run: mail reaches an
// archive (and its index) some minutes after it was received, and what is
// fetched twice is stored once.
inline constexpr int64_t kFollowOverlap = 3600;

// The search terms of a followed query for its next run: `query` itself the
// first time (`last_run` unset), else `(query) AND rt:SINCE..`, SINCE being
// `last_run` less kFollowOverlap, in unix seconds (public-inbox reads a
// number of five digits or more after rt: as that).
std::string followed_terms(const std::string& query, std::optional<int64_t> last_run);

// ---- into the store -------------------------------------------------------
// Each stores what a server sent as a source of kind "lore" named by its URL
// (ingest_buffer), and returns its report. A request that failed gives a
// report with `fatal` set to the one-line error and stores nothing; what was
// stored before stays. Series are not rebuilt (the caller does that once).

// The thread of `what` (Message-ID or lore URL). An unknown message (404)
// is an error.
SourceReport fetch_thread_into(core::Store& store, const LoreOptions& lore, const std::string& what,
                               const IngestOptions& opts);

// The matches of a search (whole threads with `threads`); no match is a
// report with nothing seen, not an error.
SourceReport search_into(core::Store& store, const LoreOptions& lore, const std::string& query, bool threads,
                         const IngestOptions& opts);

// One run of a saved query (its own base when it has one): the terms of
// followed_terms(); on success its last run becomes `now` (unix seconds,
// taken before asking) and is saved.
SourceReport run_followed(core::Store& store, const LoreOptions& lore, core::Store::SavedQuery& q, int64_t now,
                          const IngestOptions& opts);

}  // namespace seam::mail
