// Reading a stored message again from its source, by its locator.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/store/store.hpp"

namespace seam::mail {

struct RawRead {
  std::optional<std::string> raw;  // the message bytes, unescaped
  std::string error;               // why not, naming the source and place
};

// Reads the raw message `msgid` from where it was ingested (mbox offset,
// epoch commit, Maildir file) or from the store for standard input and pipes.
// The one place stored bytes are read back: they are checked to be the
// message ingested (its digest, else its Message-ID). When the source was
// rewritten (mail deleted before it), the message is found again in it and
// its locator updated (a short write transaction); when it is gone, `error`
// names the message and the source.
RawRead read_raw(core::Store& store, const std::string& msgid);

// read_raw() for many messages: keeps the public-inbox epochs it opened
// (the last four used; pack indexes mapped) for the next message, where read_raw() opens the
// repository again for every one (most of the time of reading a whole
// archive back, as `seam reviewers` does once). Git objects never change
// under a reader; mbox files and Maildirs are opened afresh each time, as
// a mail client may rewrite them meanwhile. Holds `store` by reference: it
// must outlive the reader. Not for use by two threads at once.
class RawReader {
 public:
  explicit RawReader(core::Store& store);
  ~RawReader();
  RawReader(const RawReader&) = delete;
  RawReader& operator=(const RawReader&) = delete;
  RawRead read(const std::string& msgid);

 private:
  struct Epochs;  // the epochs opened, by path
  core::Store& store_;
  std::unique_ptr<Epochs> epochs_;
};

}  // namespace seam::mail
