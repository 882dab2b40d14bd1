#include "mail/mbox.hpp"

#include <cstdlib>
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

// git mailsplit's test for a separator: "From " ... ending like a date
// ("hh:mm:ss YYYY" with a year after 1990). A body line that starts with
// "From " but was not quoted (mboxo writers, hand-made files) is not one.
static bool is_from_line(std::string_view line) {
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
      if (is_from_line(data.substr(next + 1, eol == std::string_view::npos ? std::string_view::npos : eol - next)))
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

}  // namespace seam::mail
