#include "mail/sources/mbox.hpp"

#include <cstdlib>
#include <cstring>

#include <algorithm>

#include <libdeflate.h>

#include <cstdio>

#include "mail/sources/files.hpp"

namespace seam::mail {

bool looks_like_mbox(std::string_view data) { return data.substr(0, 5) == "From "; }

bool looks_like_message(std::string_view data) {
  // A field name is printable ASCII without ':' or space, then ':'.
  size_t i = 0;
  while (i < data.size() && i < 200) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == ':') return i > 0;
    if (c <= 32 || c >= 127) return false;
    ++i;
  }
  return false;
}

// git mailsplit's test for a separator: "From " ... ending like a date
// ("hh:mm:ss YYYY" with a year after 1990). A body line that starts with
// "From " but was not quoted (mboxo writers, hand-made files) is not one.
bool is_separator_line(std::string_view line) {
  if (line.size() < 20 || line.substr(0, 5) != "From ") return false;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  size_t colon = line.rfind(':');
  if (colon == std::string_view::npos || colon < 9 || colon + 5 > line.size()) return false;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  // ...hh:mm:ss YYYY: the last ':' sits between minutes and seconds.
  if (!digit(line[colon - 4]) || !digit(line[colon - 2]) || !digit(line[colon - 1]) || !digit(line[colon + 1]) ||
      !digit(line[colon + 2]))
    return false;
  long year = std::strtol(std::string(line.substr(colon + 3)).c_str(), nullptr, 10);
  return year > 90;
}

std::vector<MboxEntry> split_mbox(std::string_view data, uint64_t from) {
  std::vector<MboxEntry> out;
  if (from >= data.size()) return out;
  size_t pos = from;
  if (data.compare(pos, 5, "From ") != 0) {
    // Skip to the first separator after `from` (leading garbage is not mail).
    size_t next = data.find("\nFrom ", pos);
    if (next == std::string_view::npos) return out;
    pos = next + 1;
  }
  // The first separator is taken as it is; later ones must look like one.
  while (pos < data.size()) {
    size_t next = data.find("\nFrom ", pos);
    while (next != std::string_view::npos) {
      size_t eol = data.find('\n', next + 1);
      if (is_separator_line(data.substr(next + 1, eol == std::string_view::npos ? std::string_view::npos : eol - next)))
        break;
      next = data.find("\nFrom ", next + 1);
    }
    size_t end = next == std::string_view::npos ? data.size() : next + 1;
    out.push_back({pos, end - pos});
    pos = end;
  }
  return out;
}

std::string extract_message(std::string_view data, MboxEntry e, MboxFormat fmt) {
  std::string_view m = data.substr(e.offset, e.length);
  size_t nl = m.find('\n');
  m = nl == std::string_view::npos ? std::string_view{} : m.substr(nl + 1);
  // Drop the separating blank line the writer added before the next "From ".
  if (m.size() >= 2 && m.substr(m.size() - 2) == "\n\n") m.remove_suffix(1);
  else if (m.size() >= 3 && m.substr(m.size() - 3) == "\n\r\n") m.remove_suffix(2);

  std::string out;
  out.reserve(m.size());
  size_t i = 0;
  while (i < m.size()) {
    size_t eol = m.find('\n', i);
    size_t end = eol == std::string_view::npos ? m.size() : eol + 1;
    std::string_view line = m.substr(i, end - i);
    if (!line.empty() && line[0] == '>') {
      size_t gt = line.find_first_not_of('>');
      bool quoted_from = gt != std::string_view::npos && line.compare(gt, 5, "From ") == 0;
      if (quoted_from && (fmt == MboxFormat::mboxrd || gt == 1)) line.remove_prefix(1);
    }
    out.append(line);
    i = end;
  }
  return out;
}

MboxStream::MboxStream(ByteStream& in, uint64_t max_message) : in_(in), max_(max_message) {}

// What the next read may add: an entry is dropped before that would take it
// past the limit (and its buffer past a doubling).
uint64_t MboxStream::margin() const { return std::min<uint64_t>(1 << 16, max_ / 4); }

std::string mbox_digest(std::string_view entry) {
  if (looks_like_mbox(entry)) {
    const size_t nl = entry.find('\n');
    entry = nl == std::string_view::npos ? std::string_view{} : entry.substr(nl + 1);
  }
  while (!entry.empty() && (entry.back() == '\n' || entry.back() == '\r')) entry.remove_suffix(1);
  // CRC-32 and length: it tells bytes apart that moved under the store (the
  // question here); SHA-1 cost ingest a tenth of its time. libdeflate's
  // CRC-32 (the same standard value as zlib's) runs at several GB/s.
  const uint32_t crc = libdeflate_crc32(0, entry.data(), entry.size());
  char out[48];
  std::snprintf(out, sizeof out, "crc32:%08lx:%zu", static_cast<unsigned long>(crc), entry.size());
  return out;
}

bool MboxStream::fill() {
  if (eof_) return false;
  const size_t old = buf_.size();
  buf_.resize(old + (1 << 16));
  const size_t n = in_.read(buf_.data() + old, 1 << 16);
  buf_.resize(old + n);
  if (n == 0) eof_ = true;
  return n > 0;
}

// Looks at the first bytes: an mbox, one message, or text before a separator.
bool MboxStream::start() {
  started_ = true;
  while (buf_.size() < 256 && fill()) {
  }
  if (buf_.empty()) return false;
  if (looks_like_mbox(buf_)) return true;
  if (looks_like_message(buf_)) {
    single_ = true;
    return true;
  }
  // Skip to the first "\nFrom " (as split_mbox does), holding little.
  for (;;) {
    size_t k = buf_.find("\nFrom ");
    if (k != std::string::npos) {
      if (buf_.find_first_not_of(" \t\r\n", 0) < k + 1) leading_text_ = true;
      buf_.erase(0, k + 1);
      base_ += k + 1;
      leading_ = base_;
      cur_ = scan_ = base_;
      return true;
    }
    if (buf_.find_first_not_of(" \t\r\n") != std::string::npos) leading_text_ = true;
    const size_t keep = std::min<size_t>(buf_.size(), 6);
    base_ += buf_.size() - keep;
    buf_.erase(0, buf_.size() - keep);
    if (!fill()) {
      leading_ = base_ + buf_.size();
      return false;
    }
  }
}

bool MboxStream::next(StreamEntry& e) {
  if (done_) return false;
  if (!started_ && !start()) {
    done_ = true;
    return false;
  }
  bool oversize = false;
  auto drop_held = [&] {
    // An oversize entry: keep only a tail in which a separator may begin.
    // (Never a byte the separator search has not looked at.)
    const size_t keep = std::min<size_t>(buf_.size(), 6);
    const uint64_t drop_to = std::min(base_ + buf_.size() - keep, scan_);
    if (drop_to > base_) {
      buf_.erase(0, static_cast<size_t>(drop_to - base_));
      base_ = drop_to;
      if (buf_.capacity() > (size_t{1} << 20)) buf_.shrink_to_fit();
    }
    oversize = true;
  };
  if (single_) {
    do {
      // Dropped before the next read would pass the limit: never more held.
      if (buf_.size() + margin() > max_) {
        scan_ = base_ + buf_.size();
        drop_held();
      }
    } while (fill());
    e = {};
    e.offset = 0;
    e.length = base_ + buf_.size();
    e.oversize = oversize;
    if (!oversize) e.bytes = std::move(buf_);
    buf_.clear();
    done_ = true;
    return e.length > 0;
  }
  if (cur_ >= base_ + buf_.size() && !fill()) {
    done_ = true;
    return false;
  }
  // The first separator is taken as it is; later ones must look like one.
  if (scan_ <= cur_) scan_ = cur_;
  uint64_t end = 0;
  for (;;) {
    const size_t from = static_cast<size_t>(scan_ - base_);
    size_t k = buf_.find("\nFrom ", from);
    bool found = false;
    while (k != std::string::npos) {
      size_t eol = buf_.find('\n', k + 1);
      if (eol == std::string::npos && !eof_) break;  // the line is not all here yet
      if (is_separator_line(std::string_view(buf_).substr(
              k + 1, eol == std::string::npos ? std::string::npos : eol - k))) {
        found = true;
        break;
      }
      k = buf_.find("\nFrom ", k + 1);
    }
    if (found) {
      end = base_ + k + 1;
      break;
    }
    // Resume at the last candidate (its line incomplete) or near the end.
    if (k != std::string::npos) scan_ = base_ + k;
    else scan_ = base_ + (buf_.size() > 6 ? buf_.size() - 6 : 0);
    if (scan_ < cur_) scan_ = cur_;
    if (eof_) {
      end = base_ + buf_.size();
      break;
    }
    if (oversize || base_ + buf_.size() - cur_ + margin() > max_) drop_held();
    fill();
  }
  e = {};
  e.offset = cur_;
  e.length = end - cur_;
  e.oversize = oversize;
  if (!oversize) e.bytes.assign(buf_, static_cast<size_t>(cur_ - base_), static_cast<size_t>(e.length));
  buf_.erase(0, static_cast<size_t>(end - base_));
  base_ = end;
  cur_ = scan_ = end;
  return true;
}

}  // namespace seam::mail
