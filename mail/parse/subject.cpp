#include "mail/parse/subject.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace seam::mail {

namespace {

std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 6) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "Re:", "RE :", "Aw:", "Fwd:", "Re[2]:" at the start of s: its length, or 0.
size_t reply_prefix(std::string_view s, bool& forward) {
  static const char* const replies[] = {"re", "aw", "sv", "antw", "odp", "vs"};
  static const char* const forwards[] = {"fwd", "fw"};
  size_t word = 0;
  while (word < s.size() && std::isalpha(static_cast<unsigned char>(s[word]))) ++word;
  if (word == 0) return 0;
  std::string_view w = s.substr(0, word);
  bool is_reply = false, is_fwd = false;
  for (auto r : replies) is_reply |= iequals(w, r);
  for (auto f : forwards) is_fwd |= iequals(w, f);
  if (!is_reply && !is_fwd) return 0;
  size_t i = word;
  if (i < s.size() && s[i] == '[') {  // Re[2]:
    size_t close = s.find(']', i);
    if (close == std::string_view::npos || !all_digits(s.substr(i + 1, close - i - 1))) return 0;
    i = close + 1;
  }
  while (i < s.size() && s[i] == ' ') ++i;
  if (i >= s.size() || s[i] != ':') return 0;
  forward = is_fwd;
  return i + 1;
}

// "v2" → 2, also with a letter suffix ("v2b": a sub-revision of v2, counted
// as v2); 0 when `w` is not a version word.
int version_word(std::string_view w) {
  if (w.size() < 2 || (w[0] != 'v' && w[0] != 'V')) return 0;
  std::string_view digits = w.substr(1);
  if (digits.size() > 1 && std::isalpha(static_cast<unsigned char>(digits.back()))) digits.remove_suffix(1);
  if (!all_digits(digits)) return 0;
  return std::max(1, std::atoi(std::string(digits).c_str()));
}

bool counter_word(std::string_view w) {
  auto slash = w.find('/');
  return slash != std::string_view::npos && all_digits(w.substr(0, slash)) && all_digits(w.substr(slash + 1));
}

// The words of a bracket group; a word glued to "PATCH" is split off it, as
// patchwork's subject grammar reads "[PATCH1/3]", "[PATCHv2 2/3]",
// "[PATCH-v3]".
std::vector<std::string_view> patch_words(std::string_view inner) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < inner.size()) {
    while (i < inner.size() && (inner[i] == ' ' || inner[i] == ',')) ++i;
    size_t b = i;
    while (i < inner.size() && inner[i] != ' ' && inner[i] != ',') ++i;
    if (i == b) continue;
    std::string_view w = inner.substr(b, i - b);
    if (w.size() > 5 && iequals(w.substr(0, 5), "PATCH")) {
      std::string_view rest = w.substr(5);
      if (rest[0] == '-' || rest[0] == ':') rest.remove_prefix(1);
      if (version_word(rest) || counter_word(rest)) {
        words.push_back(w.substr(0, 5));
        words.push_back(rest);
        continue;
      }
    }
    words.push_back(w);
  }
  return words;
}

// Reads the words of one bracket group into `out`; returns false when the
// group is not a patch tag (then it is a list tag).
bool parse_patch_group(std::string_view inner, Subject& out, bool continued = false) {
  const auto words = patch_words(inner);
  bool patchy = false;
  for (auto w : words)
    if (iequals(w, "PATCH") || iequals(w, "RFC") || iequals(w, "PULL") || iequals(w, "RESEND") ||
        counter_word(w) || (w.size() > 5 && iequals(w.substr(0, 5), "PATCH")))  // PATCHSET
      patchy = true;
  if (!patchy && !continued) return false;
  out.has_patch_tag = true;
  for (size_t k = 0; k < words.size(); ++k) {
    std::string_view w = words[k];
    if (iequals(w, "PATCH")) continue;
    if (iequals(w, "RFC")) { out.rfc = true; continue; }
    if (iequals(w, "RESEND")) { out.resend = true; continue; }
    if (iequals(w, "PULL")) { out.pull = true; continue; }
    if (iequals(w, "GIT") && k + 1 < words.size() && iequals(words[k + 1], "PULL")) continue;
    if (int v = version_word(w)) {
      out.version = v;
      continue;
    }
    if (counter_word(w)) {
      auto slash = w.find('/');
      out.index = std::atoi(std::string(w.substr(0, slash)).c_str());
      out.total = std::atoi(std::string(w.substr(slash + 1)).c_str());
      continue;
    }
    out.extra.emplace_back(w);
  }
  return true;
}

// "[v2]", "[1/3]", "[v2 RESEND]": a group that only adds revision words.
bool only_revision_words(std::string_view inner) {
  const auto words = patch_words(inner);
  if (words.empty()) return false;
  for (auto w : words)
    if (!version_word(w) && !counter_word(w) && !iequals(w, "RESEND") && !iequals(w, "RFC")) return false;
  return true;
}

}  // namespace

Subject parse_subject(std::string_view subject) {
  Subject out;
  std::string s = collapse(subject);
  std::string_view rest = s;
  for (;;) {
    while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    bool fwd = false;
    if (size_t n = reply_prefix(rest, fwd)) {
      (fwd ? out.forward : out.reply) = true;
      rest.remove_prefix(n);
      continue;
    }
    if (rest.substr(0, 8) == "(subset)") {
      rest.remove_prefix(8);
      continue;
    }
    if (!rest.empty() && rest[0] == '[') {
      size_t close = rest.find(']');
      if (close == std::string_view::npos) break;
      std::string_view inner = rest.substr(1, close - 1);
      // Only the first patch tag counts; a later bracket is part of the title
      // ("[PATCH] kbuild: [doc] fix typo" keeps "[doc]"), except one right
      // after the tag that only holds revision words ("[PATCH] [v2] x", and
      // on a cover letter "[PATCH 0/3] [v2] x", whose patches then take v2
      // from it as b4 reads them). On a numbered patch ("[PATCH 08/22] [v2]
      // x") that is the patch's own history inside a series of another
      // version: left out of the title, not read as the version.
      if (out.has_patch_tag) {
        Subject more;
        if (parse_patch_group(inner, more) && !more.pull) {
          // "[RFC][PATCH 6/8]": one tag written as two.
          if (out.index == 0 && out.total == 0) {
            out.index = more.index;
            out.total = more.total;
          }
          if (out.version == 1) out.version = more.version;
          out.rfc |= more.rfc;
          out.resend |= more.resend;
          for (auto& e : more.extra) out.extra.push_back(std::move(e));
          rest.remove_prefix(close + 1);
          continue;
        }
        if (!only_revision_words(inner)) break;
        if (out.index == 0) {
          Subject late;
          parse_patch_group(inner, late, true);
          if (late.version > 1 && out.version == 1) out.version = late.version;
          out.resend |= late.resend;
          out.rfc |= late.rfc;
        }
        rest.remove_prefix(close + 1);
        continue;
      }
      if (!parse_patch_group(inner, out)) out.list_tags.emplace_back(collapse(inner));
      rest.remove_prefix(close + 1);
      continue;
    }
    break;
  }
  out.title = collapse(rest);
  return out;
}

std::string normalize_title(std::string_view title) {
  std::string out;
  for (char c : collapse(title)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace seam::mail
