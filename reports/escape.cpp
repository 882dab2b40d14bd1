#include "reports/escape.hpp"

#include <cstdint>
#include <cstdio>
#include <vector>

namespace seam::reports {

namespace {

// The code point at s[i] and its length in bytes, or len 0 when the bytes
// there are not valid UTF-8 (overlong forms, surrogates and values past
// U+10FFFF are invalid).
struct Decoded {
  char32_t cp = 0;
  size_t len = 0;
};

Decoded decode(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return {c, 1};
  size_t len;
  char32_t cp, min;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
  else return {};
  if (i + len > s.size()) return {};
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len};
}

// Code points above ASCII that a terminal or a text renderer acts on.
bool dangerous(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

std::string escape(std::string_view s, bool keep_lines) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      if (keep_lines && (c == '\n' || c == '\t')) out += static_cast<char>(c);
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else out += hex_byte(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const Decoded d = decode(s, i);
    if (d.len == 0) {
      out += hex_byte(c);
      ++i;
      continue;
    }
    if (dangerous(d.cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04x}", static_cast<unsigned>(d.cp));
      out += buf;
    } else {
      out.append(s.substr(i, d.len));
    }
    i += d.len;
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         static_cast<unsigned char>(c) >= 0x80;  // letters of other scripts count as word characters
}
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

// `&` at t[i] starts something a renderer would read as an entity
// (`&amp;`, `&#106;`, `&#x6A;`).
bool starts_entity(std::string_view t, size_t i) {
  size_t k = i + 1;
  if (k < t.size() && t[k] == '#') {
    ++k;
    if (k < t.size() && (t[k] == 'x' || t[k] == 'X')) ++k;
  }
  const size_t first = k;
  while (k < t.size() && k - first < 32 && is_alnum(t[k]) && static_cast<unsigned char>(t[k]) < 0x80) ++k;
  return k > first && k < t.size() && t[k] == ';';
}

// The code spans CommonMark finds in `t`: a run of n backticks opens one when
// a later run of exactly n backticks closes it. Returns, per byte, whether it
// belongs to a span (fences included); `lone` marks backticks of runs that
// pair with nothing.
void code_spans(std::string_view t, std::vector<bool>& in_span, std::vector<bool>& lone) {
  in_span.assign(t.size(), false);
  lone.assign(t.size(), false);
  struct Run {
    size_t at, len;
  };
  std::vector<Run> runs;
  for (size_t i = 0; i < t.size();) {
    if (t[i] != '`') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < t.size() && t[j] == '`') ++j;
    runs.push_back({i, j - i});
    i = j;
  }
  for (size_t r = 0; r < runs.size();) {
    size_t close = r + 1;
    while (close < runs.size() && runs[close].len != runs[r].len) ++close;
    if (close < runs.size()) {
      for (size_t k = runs[r].at; k < runs[close].at + runs[close].len; ++k) in_span[k] = true;
      r = close + 1;
    } else {
      for (size_t k = runs[r].at; k < runs[r].at + runs[r].len; ++k) lone[k] = true;
      ++r;
    }
  }
}

}  // namespace

std::string printable(std::string_view s) { return escape(s, false); }

std::string printable_lines(std::string_view s) { return escape(s, true); }

std::string md_text(std::string_view s) {
  const std::string t = printable(s);
  std::vector<bool> in_span, lone;
  code_spans(t, in_span, lone);
  const size_t n = t.size();
  // The character before/after position i outside the text counts as
  // unknown: the caller's template may put anything there.
  auto at = [&](size_t i) -> int { return i < n ? static_cast<unsigned char>(t[i]) : -1; };
  std::string out;
  out.reserve(n + n / 8);
  for (size_t i = 0; i < n;) {
    const char c = t[i];
    if (in_span[i]) {
      out += c;
      ++i;
      continue;
    }
    if (c == '*' || c == '_') {
      // A delimiter run: harmless only between two spaces, or (for `_`)
      // inside a word.
      size_t j = i;
      while (j < n && t[j] == c && !in_span[j]) ++j;
      const int before = i > 0 ? at(i - 1) : -1, after = at(j);
      const bool spaced = before >= 0 && after >= 0 && is_space(static_cast<char>(before)) &&
                          is_space(static_cast<char>(after));
      const bool intraword = c == '_' && before >= 0 && after >= 0 && is_alnum(static_cast<char>(before)) &&
                             is_alnum(static_cast<char>(after));
      for (size_t k = i; k < j; ++k) {
        if (!spaced && !intraword) out += '\\';
        out += c;
      }
      i = j;
      continue;
    }
    const int next = at(i + 1);
    bool esc = false;
    switch (c) {
      case '`': esc = lone[i]; break;
      case '<': esc = is_alpha(static_cast<char>(next)) || next == '/' || next == '!' || next == '?'; break;
      case ']': esc = next == '(' || next == '['; break;
      case '&': esc = starts_entity(t, i); break;
      case '\\': esc = next < 0 || is_punct(static_cast<char>(next)); break;
      case ':': esc = next == '/' && at(i + 2) == '/'; break;
      case 'w':
      case 'W':
        esc = (i == 0 || !is_alnum(t[i - 1])) && t.compare(i, 4, "www.") == 0;
        if (esc) {  // www\. : no autolink
          out += t.substr(i, 3) + "\\.";
          i += 4;
          continue;
        }
        break;
      default: break;
    }
    if (esc) out += '\\';
    out += c;
    ++i;
  }
  return out;
}

std::string md_code(std::string_view s) {
  const std::string t = printable(s);
  if (t.empty()) return "` `";
  size_t longest = 0;
  for (size_t i = 0; i < t.size();) {
    size_t j = i;
    while (j < t.size() && t[j] == '`') ++j;
    longest = std::max(longest, j - i);
    i = j == i ? i + 1 : j;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = t.front() == '`' || t.back() == '`' || (t.front() == ' ' && t.back() == ' ');
  return fence + (pad ? " " : "") + t + (pad ? " " : "") + fence;
}

std::string md_fence(std::string_view text) {
  size_t longest = 0;
  for (size_t i = 0; i < text.size();) {
    size_t j = i;
    while (j < text.size() && text[j] == '`') ++j;
    longest = std::max(longest, j - i);
    i = j == i ? i + 1 : j;
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

namespace {

int width_of(char32_t cp) {
  if (cp == 0) return 0;
  if (cp < 0x300) return 1;
  // Combining marks and zero-width characters.
  if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x483 && cp <= 0x489) || (cp >= 0x591 && cp <= 0x5BD) ||
      (cp >= 0x610 && cp <= 0x61A) || (cp >= 0x64B && cp <= 0x65F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
      (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0xFEFF ||
      (cp >= 0xE0100 && cp <= 0xE01EF))
    return 0;
  // East Asian wide and fullwidth, and emoji.
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
      (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
      (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
    return 2;
  return 1;
}

}  // namespace

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    const Decoded d = decode(s, i);
    if (d.len == 0) {
      w += 4;  // shown as \xNN by printable()
      ++i;
      continue;
    }
    w += static_cast<size_t>(width_of(d.cp));
    i += d.len;
  }
  return w;
}

std::string fit_width(std::string_view s, size_t width) {
  std::string out;
  if (display_width(s) <= width) {
    out = std::string(s);
  } else {
    // Keep whole characters while they fit beside the ellipsis.
    size_t w = 0;
    for (size_t i = 0; i < s.size();) {
      Decoded d = decode(s, i);
      if (d.len == 0) d = {0xFFFD, 1};
      const size_t cw = static_cast<size_t>(width_of(d.cp));
      if (w + cw + 1 > width) break;
      out.append(s.substr(i, d.len));
      w += cw;
      i += d.len;
    }
    if (width > 0) out += "…";
  }
  const size_t w = display_width(out);
  if (w < width) out.append(width - w, ' ');
  return out;
}

}  // namespace seam::reports

namespace seam::reports {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_text(std::string_view s) { return html_escape(printable(s)); }

std::string html_lines(std::string_view s) { return html_escape(printable_lines(s)); }

}  // namespace seam::reports
