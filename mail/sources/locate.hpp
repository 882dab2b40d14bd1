// Reading a stored message again from its source, by its locator.
#pragma once

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

}  // namespace seam::mail
