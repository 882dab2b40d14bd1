#include "mail/parse/bodyfacts.hpp"

#include <cstdio>

#include "mail/parse/trailers.hpp"

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

// A diff line naming a file that is Rust source or lives under rust/
// (helpers, bindings, the kernel crate).
bool names_rust_file(std::string_view l) {
  for (std::string_view tok : {std::string_view(" a/rust/"), std::string_view(" b/rust/"), std::string_view(" rust/")})
    if (l.find(tok) != std::string_view::npos) return true;
  for (size_t rs = l.find(".rs"); rs != std::string_view::npos; rs = l.find(".rs", rs + 3)) {
    size_t after = rs + 3;
    if (after == l.size() || l[after] == ' ' || l[after] == '\t' || l[after] == '\r') return true;
  }
  return false;
}

// One pass over a body: whether it carries a diff, the diff's id (a hash of
// its +/- lines without whitespace, like `git patch-id`), whether it touches
// Rust, and b4's change-id and base-commit lines. Bodies are the bulk of an
// archive; reading each once keeps ingest fast.
struct DiffScan {
  bool has_diff = false, rust = false, hashed = false;
  uint64_t hash = 1469598103934665603ull;
  std::string change_id, base_commit, prerequisites;

  void add(std::string_view l) {
    for (char c : l) {
      if (c == ' ' || c == '\t' || c == '\r') continue;
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ull;
    }
    hash ^= '\n';
    hash *= 1099511628211ull;
    hashed = true;
  }

  void run(std::string_view text) {
    bool in_diff = false, signed_off = false, git_diff = false;
    size_t i = 0;
    while (i < text.size()) {
      size_t nl = text.find('\n', i);
      size_t end = nl == std::string_view::npos ? text.size() : nl;
      std::string_view l = text.substr(i, end - i);
      i = end + 1;
      if (l.empty()) continue;
      switch (l[0]) {
        case 'd':
          if (starts_with(l, "diff --git ")) {
            in_diff = has_diff = git_diff = true;
            rust = rust || names_rust_file(l);
            if (!signed_off) add(l);
          }
          break;
        case 'c':
          if (change_id.empty() && starts_with(l, "change-id:")) change_id = trim(l.substr(10));
          break;
        case 'b':
          if (base_commit.empty() && starts_with(l, "base-commit:")) base_commit = trim(l.substr(12));
          break;
        case 'p':
          if (starts_with(l, "prerequisite-patch-id:")) {
            if (!prerequisites.empty()) prerequisites += ' ';
            prerequisites += trim(l.substr(22));
          }
          break;
        case '@':
          if (starts_with(l, "@@ -") && l.find(" @@") != std::string_view::npos) has_diff = true;
          break;
        case '+':
          if (starts_with(l, "+++ ")) {
            if (starts_with(l, "+++ b/") || starts_with(l, "+++ /dev/null")) has_diff = true;
            rust = rust || names_rust_file(l);
            // A plain unified diff has no "diff --git" line to name its
            // files: hash the post-image name instead, so that the same
            // lines added to two files are two patches (versions are linked
            // by patch id).
            if (in_diff && !git_diff && !signed_off) add(l);
          } else if (in_diff && !signed_off) {
            add(l);
          }
          break;
        case '-':
          if (starts_with(l, "--- ")) {
            // A plain unified diff (no "diff --git" line) starts here.
            if (!in_diff && i < text.size() && starts_with(text.substr(i), "+++ ")) in_diff = true;
            rust = rust || (in_diff && names_rust_file(l));
          } else if (l == "-- " || l == "-- \r") {
            signed_off = in_diff;  // the signature after a diff
          } else if (in_diff && !signed_off) {
            add(l);
          }
          break;
        default:
          break;
      }
    }
  }
};

}  // namespace

std::string patch_id(std::string_view text) {
  DiffScan d;
  d.run(text);
  if (!d.hashed) return {};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(d.hash));
  return buf;
}

void scan_body(std::string_view text, std::string_view /*from_email*/, core::PatchFacts& facts) {
  DiffScan d;
  d.run(text);
  facts.has_diff = d.has_diff;
  facts.rust = d.has_diff && d.rust;
  if (d.hashed) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(d.hash));
    facts.patch_id = buf;
  }
  facts.change_id = std::move(d.change_id);
  facts.base_commit = std::move(d.base_commit);
  facts.prerequisites = std::move(d.prerequisites);
  // A patch gives its own trailers; anything else may be a review that gives
  // trailers to the message it answers.
  if (facts.has_diff) facts.own_trailers = convert(commit_trailers(text));
  if (!facts.has_diff || facts.reply || !facts.has_patch_tag)
    facts.followup_trailers = convert(followup_trailers(text));
}

}  // namespace seam::mail
