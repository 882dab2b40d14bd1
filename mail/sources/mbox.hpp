// Splitting mbox data into messages, with their byte offsets, and undoing
// the ">From " quoting of mboxrd (and of the older mboxo).
#pragma once

#include <cstdint>
#include <memory>
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

// The digest seam keeps of a message (core::Message::digest): CRC-32 and
// length ("crc32:HEX:LEN") of an mbox entry without its separator line and trailing line ends, before
// any unquoting — so reading it with the other quoting, or the blank line
// after it going away, does not change it. A message that is no mbox entry
// (a Maildir file, an epoch blob) is taken as it is, less trailing line ends.
std::string mbox_digest(std::string_view entry);

// git mailsplit's test for a separator line ("From " ... "hh:mm:ss YYYY").
bool is_separator_line(std::string_view line);

class ByteStream;

// One entry of an mbox read as a stream.
struct StreamEntry {
  uint64_t offset = 0;  // of its separator line in the stream
  uint64_t length = 0;  // up to the next separator (or the end)
  std::string bytes;    // the entry as in the stream ("" when oversize)
  bool oversize = false;  // longer than the limit: skipped, not held
};

// Splits an mbox read from a stream (a pipe, an inflating gzip file) as
// split_mbox() splits one in memory, holding only the entry being read:
// memory stays flat however long the stream. Data that starts like a single
// mail message (no separator) is one entry at offset 0. Throws what the
// stream throws (FileError).
class MboxStream {
 public:
  // `max_message`: an entry longer than this is skipped (oversize).
  MboxStream(ByteStream& in, uint64_t max_message);

  // The next entry, false at the end.
  bool next(StreamEntry& e);

  // After the first next(): how the data began.
  bool single() const { return single_; }        // one message, no separator
  uint64_t leading() const { return leading_; }   // bytes before the first separator
  bool leading_text() const { return leading_text_; }  // ... and they were not blank
  uint64_t total() const { return base_ + buf_.size(); }  // bytes read so far

 private:
  bool fill();  // reads more; false at the end
  uint64_t margin() const;
  bool start();

  ByteStream& in_;
  uint64_t max_;
  std::string buf_;      // stream bytes [base_, base_ + buf_.size())
  uint64_t base_ = 0;
  uint64_t cur_ = 0;     // start of the current entry
  uint64_t scan_ = 0;    // where the search for the next separator resumes
  bool eof_ = false;
  bool started_ = false;
  bool done_ = false;
  bool single_ = false;
  bool leading_text_ = false;
  uint64_t leading_ = 0;
};

}  // namespace seam::mail
