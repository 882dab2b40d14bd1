#include "mail/mbox.hpp"

#include <cstring>

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
  while (pos < data.size()) {
    size_t next = data.find("\nFrom ", pos);
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

}  // namespace seam::mail
