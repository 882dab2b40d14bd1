// Reading sources of mail into the store: mbox (mboxrd/mboxo), mbox.gz,
// Maildir, public-inbox v2 epochs and inboxes, and standard input.
//
// Messages are read and parsed on several threads and written in source
// order from one thread in large transactions, so duplicates resolve the same
// way on every run. Each source keeps a cursor, so a second run reads only
// what was appended.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/store.hpp"
#include "mail/mbox.hpp"

namespace seam::mail {

struct IngestError {
  std::string where;    // file and byte offset, epoch and commit, or file name
  std::string message;
};

struct SourceReport {
  std::string source;   // the path as given on the command line ("-" for stdin)
  std::string kind;     // mbox, mbox.gz, maildir, public-inbox, stdin
  int64_t seen = 0;
  int64_t added = 0;
  int64_t duplicates = 0;
  std::vector<IngestError> errors;  // messages skipped
  std::string fatal;                // set when the source could not be read at all
};

struct IngestOptions {
  MboxFormat format = MboxFormat::mboxrd;
  uint64_t max_inflate = uint64_t{4} << 30;  // bytes a .gz may inflate to
  unsigned threads = 0;                      // 0: one per core
  // Called from the writing thread: (messages done, messages in this source).
  std::function<void(const std::string& source, int64_t done, int64_t total)> progress;
};

// Ingests one source argument. A directory holding public-inbox epochs
// (git/N.git) yields one report per epoch. Never throws for bad input: a source
// that cannot be opened gives a report with `fatal` set.
std::vector<SourceReport> ingest(core::Store& store, const std::string& source,
                                 const IngestOptions& opts);

// Ingests `data` read from standard input: one message, or an mbox.
SourceReport ingest_stdin(core::Store& store, std::string data, const IngestOptions& opts);

// Ingests `data` held in memory (one message or an mboxrd, as a lore
// t.mbox.gz inflates to) as the source `name` of kind `kind` (a lore URL and
// "lore"). Like standard input, every message keeps its raw text, since the
// source cannot be re-read offline; a message already stored counts as a
// duplicate, so fetching the same thread again adds only what is new.
SourceReport ingest_buffer(core::Store& store, const std::string& name, const std::string& kind,
                           std::string_view data, const IngestOptions& opts);

}  // namespace seam::mail
