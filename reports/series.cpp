#include "reports/series.hpp"

#include "reports/escape.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::reports {

namespace {

std::string author(const core::Series& s) {
  if (s.author_name.empty()) return s.author_email;
  return s.author_name + " <" + s.author_email + ">";
}

bool review_trailer(const core::Trailer& t) {
  return t.name == "Acked-by" || t.name == "Reviewed-by" || t.name == "Tested-by";
}

// A patch's title for pairing versions: the subject without its leading
// reply prefix and bracket tags, folded.
std::string bare_title(const std::string& subject) {
  size_t i = 0;
  for (;;) {
    while (i < subject.size() && subject[i] == ' ') ++i;
    if (subject.compare(i, 3, "Re:") == 0 || subject.compare(i, 3, "RE:") == 0) {
      i += 3;
      continue;
    }
    if (i < subject.size() && subject[i] == '[') {
      size_t close = subject.find(']', i);
      if (close == std::string::npos) break;
      i = close + 1;
      continue;
    }
    break;
  }
  std::string out;
  bool space = false;
  for (size_t k = i; k < subject.size(); ++k) {
    char c = subject[k];
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

nlohmann::json split_words(const std::string& s) {
  nlohmann::json a = nlohmann::json::array();
  size_t i = 0;
  while (i < s.size()) {
    size_t sp = s.find(' ', i);
    if (sp == std::string::npos) sp = s.size();
    if (sp > i) a.push_back(s.substr(i, sp - i));
    i = sp + 1;
  }
  return a;
}

nlohmann::json ints(const std::vector<int>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (int i : v) a.push_back(i);
  return a;
}

}  // namespace

nlohmann::json series_json(const core::Series& s) {
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& v : s.versions) {
    nlohmann::json patches = nlohmann::json::array();
    for (const auto& p : v.patches) {
      nlohmann::json trailers = nlohmann::json::array();
      for (const auto& t : p.trailers)
        trailers.push_back({{"name", t.name}, {"value", t.value}, {"from", t.from}, {"cover", t.via_cover}});
      patches.push_back({{"index", p.index}, {"msgid", p.msgid}, {"subject", p.subject},
                         {"patch_id", p.patch_id}, {"carried", p.carried}, {"trailers", trailers}});
    }
    versions.push_back({{"version", v.version},
                        {"cover", v.cover ? nlohmann::json(*v.cover) : nlohmann::json()},
                        {"expected", v.expected},
                        {"received", static_cast<int>(v.patches.size())},
                        {"date", iso8601(v.date, 0)},
                        {"rfc", v.rfc},
                        {"resend", v.resend},
                        {"base_commit", v.base_commit.empty() ? nlohmann::json() : nlohmann::json(v.base_commit)},
                        {"prerequisite_patch_ids", split_words(v.prerequisites)},
                        {"cover_trailers_applied", core::cover_trailers_applied(v)},
                        {"patches", patches}});
  }
  return {{"id", s.id},         {"title", s.title}, {"author", author(s)},
          {"rust", s.rust},     {"pull", s.pull},   {"change_id", s.change_id.empty() ? nlohmann::json() : nlohmann::json(s.change_id)},
          {"versions", versions}};
}

std::string series_list_text(const std::vector<core::Series>& all, bool color) {
  std::string out;
  for (const auto& s : all) {
    if (s.versions.empty()) continue;
    const auto& v = s.versions.back();
    std::string line = paint(s.id, kDim, color) + "  ";
    if (s.pull) {
      line += paint("pull ", kYellow, color) + "         ";
    } else {
      // Columns are padded, never cut: "106/106" must not read "106/10".
      std::string ver = "v" + std::to_string(v.version);
      if (ver.size() < 4) ver.resize(4, ' ');
      std::string count = std::to_string(v.patches.size()) + "/" + std::to_string(v.expected);
      if (count.size() < 6) count.resize(6, ' ');
      const bool complete = v.missing().empty();
      line += ver + " " + paint(count, complete ? kGreen : kYellow, color);
    }
    core::ReviewCounts t = core::review_counts(v);
    line += "  A" + std::to_string(t.acked) + "·R" + std::to_string(t.reviewed) + "·T" + std::to_string(t.tested);
    line += s.rust ? "  " + paint("rust", kRed, color) : std::string("      ");
    line += "  " + printable(s.title) +
            paint("  — " + printable(s.author_name.empty() ? s.author_email : s.author_name), kDim, color);
    out += line + "\n";
  }
  return out;
}

std::vector<VersionChanges> version_changes(const core::Series& s) {
  std::vector<VersionChanges> out;
  for (size_t k = 1; k < s.versions.size(); ++k) {
    const auto& a = s.versions[k - 1];
    const auto& b = s.versions[k];
    VersionChanges c;
    c.from = a.version;
    c.to = b.version;
    // Pair as range-diff does: by patch id first (the same diff, wherever it
    // moved), then by title (the patch changed); what is left is new or
    // dropped.
    std::set<size_t> old_used, new_paired;
    for (size_t j = 0; j < b.patches.size(); ++j) {
      if (b.patches[j].patch_id.empty()) continue;
      for (size_t i = 0; i < a.patches.size(); ++i)
        if (!old_used.count(i) && a.patches[i].patch_id == b.patches[j].patch_id) {
          old_used.insert(i);
          new_paired.insert(j);
          c.unchanged.push_back(b.patches[j].index);
          if (a.patches[i].index != b.patches[j].index) c.moved.push_back({a.patches[i].index, b.patches[j].index});
          break;
        }
    }
    for (size_t j = 0; j < b.patches.size(); ++j) {
      if (new_paired.count(j)) continue;
      const std::string t = bare_title(b.patches[j].subject);
      for (size_t i = 0; i < a.patches.size(); ++i)
        if (!old_used.count(i) && !t.empty() && bare_title(a.patches[i].subject) == t) {
          old_used.insert(i);
          new_paired.insert(j);
          c.changed.push_back(b.patches[j].index);
          if (a.patches[i].index != b.patches[j].index) c.moved.push_back({a.patches[i].index, b.patches[j].index});
          break;
        }
    }
    for (size_t j = 0; j < b.patches.size(); ++j)
      if (!new_paired.count(j)) c.added.push_back(b.patches[j].index);
    for (size_t i = 0; i < a.patches.size(); ++i)
      if (!old_used.count(i)) c.removed.push_back(a.patches[i].index);
    std::sort(c.unchanged.begin(), c.unchanged.end());
    std::sort(c.changed.begin(), c.changed.end());
    out.push_back(std::move(c));
  }
  return out;
}

std::string series_show_text(const core::Series& s, bool color, int selected) {
  std::string out;
  out += paint(printable(s.title), kBold, color) + "\n";
  out += "  " + std::string(s.pull ? "pull request" : "series") + " " + s.id + " by " + printable(author(s)) +
         (s.rust ? ", touches Rust" : "") + "\n";
  if (!s.change_id.empty()) out += "  change-id: " + printable(s.change_id) + "\n";
  for (const auto& v : s.versions) {
    out += "\n" + paint("v" + std::to_string(v.version), kBold, color) + "  " + iso8601(v.date, 0).substr(0, 10);
    if (v.rfc) out += "  RFC";
    if (v.resend) out += "  RESEND";
    if (!s.pull) out += "  " + std::to_string(v.patches.size()) + "/" + std::to_string(v.expected) + " patches";
    if (selected == v.version && s.versions.size() > 1) out += "  " + paint("(the version of the message asked for)", kDim, color);
    out += "\n";
    if (v.cover) out += "  cover: <" + printable(*v.cover) + ">\n";
    if (!v.base_commit.empty()) out += "  base-commit: " + printable(v.base_commit) + "\n";
    auto missing = v.missing();
    if (!missing.empty()) {
      std::string m;
      for (int i : missing) m += (m.empty() ? "" : ", ") + std::to_string(i);
      out += "  " + paint("missing: " + m, kYellow, color) + "\n";
    }
    for (const auto& p : v.patches) {
      out += "  [" + std::to_string(p.index) + "] " + printable(p.subject) + (p.carried ? " (carried from an older version)" : "") +
             "\n      <" + printable(p.msgid) + ">\n";
      for (const auto& t : p.trailers) {
        if (t.from == p.msgid) {
          if (review_trailer(t))
            out += "      " + paint(printable(t.name + ": " + t.value), kGreen, color) + paint("  (in the commit message)", kDim, color) + "\n";
          continue;
        }
        out += "      " + paint(printable(t.name + ": " + t.value), kGreen, color) +
               paint("  (" + printable(t.from) + (t.via_cover ? ", to the cover letter" : "") + ")", kDim, color) + "\n";
      }
    }
    if (int n = core::cover_trailers_applied(v))
      out += "  " + paint(std::to_string(n) + " trailer" + (n == 1 ? "" : "s") +
                              " given to the cover letter applied to every patch (seam am --no-cover-trailers leaves them out)",
                          kDim, color) + "\n";
  }
  // Patch numbers as N/M ("patch 2/5" of that version), never bare numbers
  // that read like counts; dropped patches are numbered in the older version.
  auto expected_of = [&](int version) {
    for (const auto& v : s.versions)
      if (v.version == version) return v.expected > 0 ? v.expected : static_cast<int>(v.patches.size());
    return 0;
  };
  for (const auto& c : version_changes(s)) {
    const int old_n = expected_of(c.from), new_n = expected_of(c.to);
    auto num = [](int i, int n) { return std::to_string(i) + "/" + std::to_string(n); };
    auto list = [&](const char* what, const std::vector<int>& v, int n) {
      if (v.empty()) return std::string(what) + " none";
      std::string r = std::string(what) + (v.size() == 1 ? " patch " : " patches ");
      for (size_t k = 0; k < v.size(); ++k) r += (k ? ", " : "") + num(v[k], n);
      return r;
    };
    out += "\nv" + std::to_string(c.from) + " → v" + std::to_string(c.to) + ": " + list("unchanged", c.unchanged, new_n) +
           "; " + list("changed", c.changed, new_n) + "; " + list("new", c.added, new_n) + "; " +
           list("dropped", c.removed, old_n) + (c.removed.empty() ? "" : " of v" + std::to_string(c.from));
    if (!c.moved.empty()) {
      out += "; moved";
      for (size_t k = 0; k < c.moved.size(); ++k)
        out += std::string(k ? "," : "") + " v" + std::to_string(c.from) + " patch " + num(c.moved[k].first, old_n) +
               " → " + num(c.moved[k].second, new_n);
    }
    out += "\n";
  }
  return out;
}

nlohmann::json series_show_json(const core::Series& s, int selected) {
  nlohmann::json j = series_json(s);
  j["selected_version"] = selected ? nlohmann::json(selected) : nlohmann::json();
  for (size_t k = 0; k < s.versions.size(); ++k) j["versions"][k]["missing"] = ints(s.versions[k].missing());
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : version_changes(s)) {
    nlohmann::json moved = nlohmann::json::array();
    for (const auto& [o, nw] : c.moved) moved.push_back({{"from", o}, {"to", nw}});
    changes.push_back({{"from", c.from}, {"to", c.to}, {"unchanged", ints(c.unchanged)},
                       {"changed", ints(c.changed)}, {"added", ints(c.added)}, {"removed", ints(c.removed)},
                       {"moved", moved}});
  }
  j["changes"] = changes;
  return j;
}

}  // namespace seam::reports
