#include "reports/check.hpp"

#include <array>
#include <charconv>

namespace seam::reports {

namespace {

constexpr std::array<std::string_view, 4> kSeverities = {"info", "low", "medium", "high"};

bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "a/x" -> "x" for the path of a ---/+++ line (up to a tab, as diff writes a date there).
std::string header_path(std::string_view s) {
  if (auto tab = s.find('\t'); tab != std::string_view::npos) s = s.substr(0, tab);
  if (starts(s, "a/") || starts(s, "b/")) s.remove_prefix(2);
  return std::string(s);
}

// "@@ -a,b +c,d @@": the counts, b and d default to 1.
bool hunk_header(std::string_view s, int& old_count, int& new_start, int& new_count) {
  auto num = [&](std::string_view& t, int& out) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (ec != std::errc()) return false;
    t.remove_prefix(static_cast<size_t>(p - t.data()));
    return true;
  };
  if (!starts(s, "@@ -")) return false;
  s.remove_prefix(4);
  int old_start = 0;
  if (!num(s, old_start)) return false;
  old_count = 1;
  if (starts(s, ",")) {
    s.remove_prefix(1);
    if (!num(s, old_count)) return false;
  }
  if (!starts(s, " +")) return false;
  s.remove_prefix(2);
  if (!num(s, new_start)) return false;
  new_count = 1;
  if (starts(s, ",")) {
    s.remove_prefix(1);
    if (!num(s, new_count)) return false;
  }
  return true;
}

// Mail text on one line of output: control characters become '?', and
// "ERROR:" (which makes b4 fail a patch) cannot come from the mail.
std::string safe(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  for (size_t at; (at = out.find("ERROR:")) != std::string::npos;) out.replace(at, 6, "ERROR;");
  return out;
}

std::string what_is_missing(const core::Finding& f) {
  const bool contract = f.rule == "unsafe-fn" || f.rule == "unsafe-trait";
  if (f.safety_state == "missing") return contract ? " (no # Safety section)" : " (no SAFETY comment)";
  if (f.safety_state == "outside-context")
    return contract ? " (its doc comment is outside the patch's context)"
                    : " (its SAFETY comment, if any, is outside the patch's context)";
  return "";
}

}  // namespace

int severity_rank(std::string_view severity) {
  for (size_t i = 0; i < kSeverities.size(); ++i)
    if (kSeverities[i] == severity) return static_cast<int>(i);
  return -1;
}

std::string check_severity(const core::Finding& f) {
  if (f.rule == "safety-placeholder") return f.severity;
  if (f.safety_state) {
    if (*f.safety_state == "missing") return f.severity;
    if (*f.safety_state == "present") return "low";
    return severity_rank(f.severity) > severity_rank("medium") ? "medium" : f.severity;
  }
  return severity_rank(f.severity) > severity_rank("medium") ? "medium" : f.severity;
}

int patch_text_line(std::string_view text, const std::string& path, int new_line) {
  std::string old_path, new_path;
  int diff_header = 0, first_hunk = 0, best_header = 0, best_hunk = 0;
  int old_left = 0, new_left = 0, next_new = 0;
  bool in_git_header = false;
  auto ours = [&] { return new_path == path || (new_path == "/dev/null" && old_path == path) ||
                           (new_path.empty() && old_path == path); };
  auto settle = [&] {  // a file block ends: remember where ours began
    if (diff_header && ours() && !best_header) {
      best_header = diff_header;
      best_hunk = first_hunk;
    }
  };
  int n = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    ++n;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (old_left > 0 || new_left > 0) {
      const char o = l.empty() ? ' ' : l[0];
      if (o == ' ' || o == '+') {
        if (ours() && next_new == new_line) return n;
        ++next_new;
        --new_left;
        if (o == ' ') --old_left;
        continue;
      }
      if (o == '-') {
        --old_left;
        continue;
      }
      if (o == '\\') continue;
      old_left = new_left = 0;  // a damaged hunk: it ends here
    }
    if (starts(l, "diff --git ")) {
      settle();
      diff_header = n;
      first_hunk = 0;
      in_git_header = true;
      // "diff --git a/x b/y": the paths until ---/+++ say otherwise (renames, modes).
      std::string_view rest = l.substr(11);
      if (auto b = rest.rfind(" b/"); b != std::string_view::npos) {
        old_path = header_path(rest.substr(0, b));
        new_path = header_path(rest.substr(b + 1));
      } else {
        old_path.clear();
        new_path.clear();
      }
    } else if (starts(l, "--- ")) {
      if (!in_git_header) {
        settle();
        diff_header = n;
        first_hunk = 0;
      }
      old_path = header_path(l.substr(4));
    } else if (starts(l, "+++ ")) {
      new_path = header_path(l.substr(4));
    } else if (int oc = 0, ns = 0, nc = 0; hunk_header(l, oc, ns, nc)) {
      in_git_header = false;
      old_left = oc;
      new_left = nc;
      next_new = ns;
      if (!first_hunk) first_hunk = n;
    }
  }
  settle();
  return best_hunk ? best_hunk : best_header;
}

std::vector<CheckLine> check_lines(const std::vector<CheckedPatch>& patches, std::string_view threshold) {
  const int floor = severity_rank(threshold);
  std::vector<CheckLine> out;
  for (const auto& p : patches)
    for (const auto& f : p.review.findings) {
      const std::string sev = check_severity(f);
      if (severity_rank(sev) < floor) continue;
      CheckLine c;
      c.error = sev == "high";
      if (p.text_first_line > 0)
        if (int at = patch_text_line(p.patch_text, f.path, f.line)) c.input_line = p.text_first_line + at - 1;
      c.text = safe(f.path) + ":" + std::to_string(f.line) + ": " + safe(f.message) + what_is_missing(f) + " [" +
               safe(f.rule) + "]";
      out.push_back(std::move(c));
    }
  return out;
}

std::string check_text(const std::vector<CheckLine>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += "-:" + std::to_string(l.input_line) + (l.error ? ": ERROR: " : ": WARNING: ") + l.text + "\n";
  return out;
}

nlohmann::json check_b4_review(const std::vector<CheckLine>& lines) {
  auto out = nlohmann::json::array();
  if (lines.empty()) return out;
  size_t errors = 0;
  for (const auto& l : lines) errors += l.error;
  const size_t warnings = lines.size() - errors;
  std::string summary;
  auto count = [&](size_t n, const char* what) {
    if (!n) return;
    if (!summary.empty()) summary += ", ";
    summary += std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  count(errors, "error");
  count(warnings, "warning");
  std::string details;  // the findings, without checkpatch's input line
  for (const auto& l : lines)
    details += std::string(details.empty() ? "" : "\n") + (l.error ? "ERROR: " : "WARNING: ") + l.text;
  out.push_back({{"tool", "seam"}, {"status", errors ? "fail" : "warn"}, {"summary", summary}, {"details", details}});
  return out;
}

}  // namespace seam::reports
