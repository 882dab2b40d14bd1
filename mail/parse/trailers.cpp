#include "mail/parse/trailers.hpp"

#include <cctype>

namespace seam::mail {

namespace {

// The trailers seam collects. Anything ending in "-by" is a person trailer
// too (Debugged-by, Requested-by …), as in the kernel's own tooling.
const char* const kKnown[] = {"Reviewed-by", "Acked-by",  "Tested-by", "Reported-by",
                              "Suggested-by", "Co-developed-by", "Signed-off-by",
                              "Fixes",       "Link",      "Closes",    "Cc"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : trim(s)) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// "Name <a@b<mailto:a@b>>" (HTML mail converted to text) → "Name <a@b>".
std::string strip_mailto(std::string v) {
  for (;;) {
    auto m = v.find("<mailto:");
    if (m == std::string::npos) break;
    auto close = v.find('>', m);
    if (close == std::string::npos) break;
    v.erase(m, close - m + 1);
  }
  return v;
}

// The address inside the last <…>, or a bare address value.
std::string extract_email(std::string_view v) {
  auto lt = v.rfind('<');
  auto gt = v.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt)
    return lower(trim(v.substr(lt + 1, gt - lt - 1)));
  v = trim(v);
  if (v.find('@') != std::string_view::npos && v.find(' ') == std::string_view::npos) return lower(v);
  return {};
}

std::vector<std::string_view> lines_of(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t nl = s.find('\n', i);
    size_t end = nl == std::string_view::npos ? s.size() : nl;
    std::string_view l = s.substr(i, end - i);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back(l);
    i = end + 1;
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_diff_start(std::string_view l) {
  return starts_with(l, "diff --git ") || starts_with(l, "--- a/") || starts_with(l, "--- /dev/null") ||
         starts_with(l, "Index: ") || starts_with(l, "diff -");
}

// local@domain.tld: something before the @ and a dot inside the domain.
bool full_address(std::string_view a) {
  auto at = a.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  auto dot = a.find('.', at + 2);
  return dot != std::string_view::npos && dot + 1 < a.size();
}

}  // namespace

bool is_person_trailer(std::string_view name) {
  std::string n = lower(name);
  return n == "cc" || (n.size() > 3 && n.compare(n.size() - 3, 3, "-by") == 0);
}

bool parse_trailer_line(std::string_view line, Trailer& out) {
  line = trim(line);
  auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 40) return false;
  std::string_view name = line.substr(0, colon);
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  std::string canonical;
  for (const char* k : kKnown)
    if (lower(name) == lower(k)) canonical = k;
  if (canonical.empty()) {
    if (!is_person_trailer(name)) return false;
    canonical = std::string(name);  // keep the writer's spelling of unknown -by trailers
  }
  std::string value = collapse(strip_mailto(std::string(line.substr(colon + 1))));
  if (value.empty()) return false;
  out.name = canonical;
  out.email = is_person_trailer(canonical) ? extract_email(value) : std::string();
  // A person trailer names somebody: an address or at least a name.
  if (is_person_trailer(canonical) && out.email.empty() && value.find('@') == std::string::npos &&
      value.find(' ') == std::string::npos)
    return false;
  out.value = std::move(value);
  return true;
}

std::string_view commit_message(std::string_view body) {
  size_t i = 0;
  while (i < body.size()) {
    size_t nl = body.find('\n', i);
    size_t end = nl == std::string_view::npos ? body.size() : nl;
    std::string_view l = body.substr(i, end - i);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l == "---" || is_diff_start(l)) return body.substr(0, i);
    i = end + 1;
  }
  return body;
}

bool has_diff(std::string_view body) {
  size_t i = 0;
  while (i < body.size()) {
    size_t nl = body.find('\n', i);
    size_t end = nl == std::string_view::npos ? body.size() : nl;
    std::string_view l = body.substr(i, end - i);
    i = end + 1;
    if (l.size() < 4) continue;
    if (starts_with(l, "diff --git ") || starts_with(l, "+++ b/") || starts_with(l, "+++ /dev/null") ||
        (starts_with(l, "@@ -") && l.find(" @@") != std::string_view::npos))
      return true;
  }
  return false;
}

// Joins wrapped trailers: a line indented after a trailer line continues it.
static std::vector<std::string> join_continuations(const std::vector<std::string_view>& ls) {
  std::vector<std::string> out;
  for (auto l : ls) {
    if (!out.empty() && !l.empty() && (l[0] == ' ' || l[0] == '\t') && !trim(l).empty() &&
        out.back().find(':') != std::string::npos && !trim(out.back()).empty()) {
      out.back() += ' ';
      out.back() += trim(l);
      continue;
    }
    out.emplace_back(l);
  }
  return out;
}

// A trailer a mail client wrapped at the margin, joined back as b4 does:
//   "Reviewed-by: A Long Name" + "<a@b.c>" (the address alone on the next
//   line), and "Fixes: 0123abcd (\"title" + "rest\")" (the title's end,
//   with the closing parenthesis, on the next line).
static std::vector<std::string> unwrap_trailers(const std::vector<std::string_view>& ls) {
  std::vector<std::string> out;
  for (size_t k = 0; k < ls.size(); ++k) {
    std::string_view l = ls[k];
    if (k + 1 < ls.size() && !l.empty() && l[0] != ' ' && l[0] != '\t') {
      const std::string_view next = ls[k + 1];
      const auto colon = l.find(": ");
      bool join = false;
      if (colon != std::string_view::npos && colon > 0 && l.substr(0, colon).find(' ') == std::string_view::npos) {
        const std::string_view value = trim(l.substr(colon + 2));
        // "Name: words without an address" + "<address>"
        if (!value.empty() && value.find('<') == std::string_view::npos && next.size() > 2 && next.front() == '<' &&
            next.back() == '>' && next.find('>') == next.size() - 1)
          join = true;
        // "Name: hex (words" + "words)"
        size_t h = 0;
        while (h < value.size() && std::isxdigit(static_cast<unsigned char>(value[h]))) ++h;
        if (h > 0 && h < value.size() && value[h] == ' ' && value.find('(') != std::string_view::npos &&
            value.find(')') == std::string_view::npos && !trim(next).empty() &&
            next.find(')') != std::string_view::npos)
          join = true;
      }
      if (join) {
        out.push_back(std::string(trim(l)) + " " + std::string(trim(next)));
        ++k;
        continue;
      }
    }
    out.emplace_back(l);
  }
  return out;
}

std::vector<Trailer> commit_trailers(std::string_view body) {
  auto ls = lines_of(commit_message(body));
  while (!ls.empty() && trim(ls.back()).empty()) ls.pop_back();
  size_t start = ls.size();
  while (start > 0 && !trim(ls[start - 1]).empty()) --start;
  std::vector<std::string_view> para(ls.begin() + static_cast<long>(start), ls.end());
  std::vector<Trailer> out;
  for (const auto& l : join_continuations(para)) {
    Trailer t;
    if (parse_trailer_line(l, t)) out.push_back(std::move(t));
  }
  return out;
}

std::vector<Trailer> followup_trailers(std::string_view body) {
  std::vector<std::string_view> kept;
  size_t i = 0;
  while (i < body.size()) {
    size_t nl = body.find('\n', i);
    size_t end = nl == std::string_view::npos ? body.size() : nl;
    std::string_view l = body.substr(i, end - i);
    i = end + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l == "-- " || l == "--") break;     // signature
    if (is_diff_start(l)) break;            // a patch inside the reply
    if (!l.empty() && l[0] == '>') {        // quoted text is somebody else's
      if (!kept.empty() && !kept.back().empty()) kept.emplace_back();
      continue;
    }
    kept.push_back(l);
  }
  const auto unwrapped = unwrap_trailers(kept);
  const std::vector<std::string_view> lines(unwrapped.begin(), unwrapped.end());
  std::vector<Trailer> out;
  for (const auto& l : join_continuations(lines)) {
    if (l.find(':') == std::string::npos) continue;
    Trailer t;
    if (!parse_trailer_line(l, t)) continue;
    // Cc is not given in review; Link and Closes in a reply point at a
    // discussion rather than tag the patch. Whose a person trailer is (the
    // sender's own, by address or name) is decided at assembly, where
    // --sloppy-trailers can accept any.
    if (t.name == "Cc" || t.name == "Link" || t.name == "Closes") continue;
    // A person given in review is named with a full address ("<j@host>"
    // without a domain is a typo, and b4 leaves it out too).
    if (is_person_trailer(t.name) && !full_address(t.email)) continue;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace seam::mail
