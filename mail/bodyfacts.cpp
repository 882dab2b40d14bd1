#include "mail/bodyfacts.hpp"

#include <cstdio>

#include "mail/trailers.hpp"

namespace seam::mail {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<core::BodyTrailer> convert(std::vector<Trailer>&& ts) {
  std::vector<core::BodyTrailer> out;
  out.reserve(ts.size());
  for (auto& t : ts) out.push_back({std::move(t.name), std::move(t.value), std::move(t.email)});
  return out;
}

// A diff touches Rust when a file it changes is Rust source or lives under
// rust/ (helpers, bindings, the kernel crate).
bool touches_rust(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view l = trim(text.substr(i, end - i));
    i = end + 1;
    if (!starts_with(l, "diff --git ") && !starts_with(l, "+++ ") && !starts_with(l, "--- ")) continue;
    for (std::string_view tok : {std::string_view(" a/rust/"), std::string_view(" b/rust/"),
                                 std::string_view(" rust/")})
      if (l.find(tok) != std::string_view::npos) return true;
    size_t rs = l.find(".rs");
    while (rs != std::string_view::npos) {
      size_t after = rs + 3;
      if (after == l.size() || l[after] == ' ' || l[after] == '\t') return true;
      rs = l.find(".rs", after);
    }
  }
  return false;
}

}  // namespace

std::string patch_id(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  bool in_diff = false, any = false;
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view l = text.substr(i, end - i);
    i = end + 1;
    if (starts_with(l, "diff --git ")) {
      in_diff = true;
    } else if (!in_diff && starts_with(l, "--- ") && i < text.size() && starts_with(text.substr(i), "+++ ")) {
      in_diff = true;
    }
    if (!in_diff) continue;
    if (l == "-- " || l == "-- \r") break;  // signature after the diff
    bool take = starts_with(l, "diff --git ") ||
                ((l.size() > 0 && (l[0] == '+' || l[0] == '-')) && !starts_with(l, "+++ ") &&
                 !starts_with(l, "--- "));
    if (!take) continue;
    any = true;
    for (char c : l) {
      if (c == ' ' || c == '\t' || c == '\r') continue;
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    h ^= '\n';
    h *= 1099511628211ull;
  }
  if (!any) return {};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

void scan_body(std::string_view text, std::string_view from_email, core::PatchFacts& facts) {
  facts.has_diff = has_diff(text);
  if (facts.has_diff) {
    facts.patch_id = patch_id(text);
    facts.rust = touches_rust(text);
  }
  // b4 writes these at the end of a cover letter (and of single patches).
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    // Not trimmed at the front: " base-commit:" would be diff context.
    std::string_view l = trim(text.substr(i, end - i)) == "" ? std::string_view{} : text.substr(i, end - i);
    i = end + 1;
    if (facts.change_id.empty() && starts_with(l, "change-id:")) facts.change_id = trim(l.substr(10));
    else if (facts.base_commit.empty() && starts_with(l, "base-commit:")) facts.base_commit = trim(l.substr(12));
  }
  // A patch gives its own trailers; anything else may be a review that gives
  // trailers to the message it answers.
  if (facts.has_diff) facts.own_trailers = convert(commit_trailers(text));
  if (!facts.has_diff || facts.reply || !facts.has_patch_tag)
    facts.followup_trailers = convert(followup_trailers(text, from_email));
}

}  // namespace seam::mail
