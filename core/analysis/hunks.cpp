#include "core/analysis/hunks.hpp"

#include <cstdlib>

namespace seam::core {

namespace {

bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string strip_prefix(std::string_view p) {
  while (!p.empty() && (p.back() == '\r' || p.back() == '\t' || p.back() == ' ')) p.remove_suffix(1);
  // "--- a/x\t2024-01-01 ..." (plain diff) keeps only the name.
  if (auto tab = p.find('\t'); tab != std::string_view::npos) p = p.substr(0, tab);
  if (p == "/dev/null") return std::string(p);
  if (starts(p, "a/") || starts(p, "b/")) p.remove_prefix(2);
  return std::string(p);
}

// "@@ -a,b +c,d @@ ..." → counts default to 1 when omitted.
bool parse_hunk_header(std::string_view l, Hunk& h) {
  if (!starts(l, "@@ -")) return false;
  // Fuzzing (tests/fuzz, hunks): strtol needs a terminated string, and a
  // line of the view is not one (it read past the end of the text); and
  // numbers are bounded, so that counting lines from them cannot overflow.
  const std::string terminated(l);
  char* end = nullptr;
  bool sane = true;
  auto number = [&](const char* p) {
    const long n = std::strtol(p, &end, 10);
    sane = sane && n >= 0 && n <= 100'000'000;
    return sane ? static_cast<int>(n) : 0;
  };
  h.old_start = number(terminated.c_str() + 4);
  h.old_count = 1;
  if (*end == ',') h.old_count = number(end + 1);
  if (end[0] != ' ' || end[1] != '+') return false;
  h.new_start = number(end + 2);
  h.new_count = 1;
  if (*end == ',') h.new_count = number(end + 1);
  h.header = std::string(l);
  return sane;
}

}  // namespace

int FileDiff::added() const {
  int n = 0;
  for (const auto& h : hunks)
    for (const auto& l : h.lines) n += l.origin == '+';
  return n;
}

int FileDiff::removed() const {
  int n = 0;
  for (const auto& h : hunks)
    for (const auto& l : h.lines) n += l.origin == '-';
  return n;
}

std::vector<FileDiff> parse_diff(std::string_view text) {
  std::vector<FileDiff> out;
  std::vector<std::string_view> lines;
  for (size_t i = 0; i < text.size();) {
    size_t nl = text.find('\n', i);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view l = text.substr(i, end - i);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    i = end + 1;
  }
  for (size_t k = 0; k < lines.size(); ++k) {
    std::string_view l = lines[k];
    if (l == "-- ") break;  // the signature after the last diff
    if (starts(l, "diff --git ")) {
      FileDiff f;
      auto b = l.find(" b/");
      f.old_path = b == std::string_view::npos ? std::string(l.substr(11)) : strip_prefix(l.substr(11, b - 11));
      f.new_path = b == std::string_view::npos ? f.old_path : strip_prefix(l.substr(b + 1));
      out.push_back(std::move(f));
      continue;
    }
    if (starts(l, "--- ") && k + 1 < lines.size() && starts(lines[k + 1], "+++ ")) {
      if (out.empty() || !out.back().hunks.empty()) out.emplace_back();  // a plain diff's file
      out.back().old_path = strip_prefix(l.substr(4));
      out.back().new_path = strip_prefix(lines[k + 1].substr(4));
      ++k;
      continue;
    }
    if (out.empty()) continue;
    FileDiff& f = out.back();
    if (starts(l, "Binary files ") || starts(l, "GIT binary patch")) {
      f.binary = true;
      continue;
    }
    if (starts(l, "rename to ")) f.new_path = std::string(l.substr(10));
    if (starts(l, "rename from ")) f.old_path = std::string(l.substr(12));
    Hunk h;
    if (!parse_hunk_header(l, h)) continue;
    int old_left = h.old_count, new_left = h.new_count;
    int old_no = h.old_start, new_no = h.new_start;
    while ((old_left > 0 || new_left > 0) && k + 1 < lines.size()) {
      std::string_view d = lines[k + 1];
      if (starts(d, "\\ ")) {  // "\ No newline at end of file"
        ++k;
        continue;
      }
      // Mail clients strip the trailing space of empty context lines.
      char origin = d.empty() ? ' ' : d[0];
      if (origin != ' ' && origin != '+' && origin != '-') break;
      if (origin == '-' && old_left == 0) break;
      if (origin == '+' && new_left == 0) break;
      if (origin == ' ' && (old_left == 0 || new_left == 0)) break;
      DiffLine dl;
      dl.origin = origin;
      dl.text = std::string(d.empty() ? d : d.substr(1));
      if (origin != '+') dl.old_line = old_no++, --old_left;
      if (origin != '-') dl.new_line = new_no++, --new_left;
      h.lines.push_back(std::move(dl));
      ++k;
    }
    f.hunks.push_back(std::move(h));
  }
  return out;
}

}  // namespace seam::core
