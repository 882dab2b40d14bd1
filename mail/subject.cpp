#include "mail/subject.hpp"

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

// Reads the words of one bracket group into `out`; returns false when the
// group is not a patch tag (then it is a list tag).
bool parse_patch_group(std::string_view inner, Subject& out) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < inner.size()) {
    while (i < inner.size() && (inner[i] == ' ' || inner[i] == ',')) ++i;
    size_t b = i;
    while (i < inner.size() && inner[i] != ' ' && inner[i] != ',') ++i;
    if (i > b) words.push_back(inner.substr(b, i - b));
  }
  bool patchy = false;
  for (size_t k = 0; k < words.size(); ++k) {
    auto w = words[k];
    if (iequals(w, "PATCH") || iequals(w, "RFC") || iequals(w, "PULL") || iequals(w, "RESEND") ||
        iequals(w, "PATCHv") || (w.size() > 5 && iequals(w.substr(0, 5), "PATCH")))
      patchy = true;
    if (w.find('/') != std::string_view::npos) {
      auto slash = w.find('/');
      if (all_digits(w.substr(0, slash)) && all_digits(w.substr(slash + 1))) patchy = true;
    }
  }
  if (!patchy) return false;
  out.has_patch_tag = true;
  for (size_t k = 0; k < words.size(); ++k) {
    std::string_view w = words[k];
    // PATCHv3, PATCH-v3
    if (w.size() > 5 && iequals(w.substr(0, 5), "PATCH")) {
      std::string_view rest = w.substr(5);
      if (!rest.empty() && rest[0] == '-') rest.remove_prefix(1);
      if (rest.size() > 1 && (rest[0] == 'v' || rest[0] == 'V') && all_digits(rest.substr(1))) {
        // Fuzzing (tests/fuzz, subject): "PATCHv0" gave version 0; "v0" gives 1.
        out.version = std::max(1, std::atoi(std::string(rest.substr(1)).c_str()));
        continue;
      }
    }
    if (iequals(w, "PATCH")) continue;
    if (iequals(w, "RFC")) { out.rfc = true; continue; }
    if (iequals(w, "RESEND")) { out.resend = true; continue; }
    if (iequals(w, "PULL")) { out.pull = true; continue; }
    if (iequals(w, "GIT") && k + 1 < words.size() && iequals(words[k + 1], "PULL")) continue;
    if (w.size() > 1 && (w[0] == 'v' || w[0] == 'V') && all_digits(w.substr(1))) {
      out.version = std::max(1, std::atoi(std::string(w.substr(1)).c_str()));
      continue;
    }
    if (auto slash = w.find('/'); slash != std::string_view::npos &&
                                  all_digits(w.substr(0, slash)) && all_digits(w.substr(slash + 1))) {
      out.index = std::atoi(std::string(w.substr(0, slash)).c_str());
      out.total = std::atoi(std::string(w.substr(slash + 1)).c_str());
      continue;
    }
    out.extra.emplace_back(w);
  }
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
      // ("[PATCH] kbuild: [doc] fix typo" keeps "[doc]").
      if (out.has_patch_tag) break;
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
