// Splitting mbox data into messages, with their byte offsets, and undoing
// the ">From " quoting of mboxrd (and of the older mboxo).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seam::mail {

enum class MboxFormat {
  mboxrd,  // ">From ", ">>From ", ... lose one '>' (what lore exports)
  mboxo,   // only ">From " becomes "From "
};

struct MboxEntry {
  uint64_t offset = 0;  // of the "From " separator line
  uint64_t length = 0;  // up to the next separator (or the end)
};

// True when `data` starts like an mbox (a "From " separator line).
bool looks_like_mbox(std::string_view data);

// True when `data` starts like a single message (a header field line).
bool looks_like_message(std::string_view data);

// Every message in `data` whose separator is at or after `from`. `from` must
// be 0 or the offset of a separator line.
std::vector<MboxEntry> split_mbox(std::string_view data, uint64_t from = 0);

// The message of one entry: without its separator line and the blank line
// mbox writers put before the next separator, unquoted according to `fmt`.
std::string extract_message(std::string_view data, MboxEntry e, MboxFormat fmt);

}  // namespace seam::mail
