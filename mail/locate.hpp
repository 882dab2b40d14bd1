// Reading a stored message again from its source, by its locator.
#pragma once

#include <optional>
#include <string>

#include "core/store.hpp"

namespace seam::mail {

struct RawRead {
  std::optional<std::string> raw;  // the message bytes, unescaped
  std::string error;               // why not, naming the source and place
};

// Reads the raw message `msgid` from where it was ingested (mbox offset,
// epoch commit, Maildir file) or from the store for standard input.
RawRead read_raw(core::Store& store, const std::string& msgid);

}  // namespace seam::mail
