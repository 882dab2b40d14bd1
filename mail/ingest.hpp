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

#include "core/store/store.hpp"
#include "mail/sources/mbox.hpp"

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
// (git/N.git) yields one report per epoch. A path that is not a regular file
// (a named pipe, process substitution, /dev/stdin on a pipe) is read as a
// stream, kind "pipe", its mail kept in the store. Never throws for bad
// input: a source that cannot be opened gives a report with `fatal` set.
//
// Crash safety: messages go in with the source's cursor in short write
// transactions (other processes' writers wait for them), so a run that dies
// resumes where it stopped: mbox and mbox.gz at the saved offset (the file
// is taken as unchanged only once read to its end), Maildir by the files
// already seen, epochs at the saved commit.
std::vector<SourceReport> ingest(core::Store& store, const std::string& source,
                                 const IngestOptions& opts);

// Ingests `data` read from standard input: one message, or an mbox.
SourceReport ingest_stdin(core::Store& store, std::string data, const IngestOptions& opts);

// Ingests standard input (descriptor `fd`, not closed) as a stream: memory
// holds one batch, however much comes in; gzip data is inflated (capped at
// opts.max_inflate). Every message keeps its raw text (stdin cannot be read
// again).
SourceReport ingest_stdin(core::Store& store, int fd, const IngestOptions& opts);

// Ingests `data` held in memory (one message or an mboxrd, as a lore
// t.mbox.gz inflates to) as the source `name` of kind `kind` (a lore URL and
// "lore"). Like standard input, every message keeps its raw text, since the
// source cannot be re-read offline; a message already stored counts as a
// duplicate, so fetching the same thread again adds only what is new.
SourceReport ingest_buffer(core::Store& store, const std::string& name, const std::string& kind,
                           std::string_view data, const IngestOptions& opts);

}  // namespace seam::mail
