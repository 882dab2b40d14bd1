#include "reports/series.hpp"

#include <map>

#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::reports {

namespace {

std::string author(const core::Series& s) {
  if (s.author_name.empty()) return s.author_email;
  return s.author_name + " <" + s.author_email + ">";
}

struct Totals {
  int acked = 0, reviewed = 0, tested = 0;
};

Totals totals(const core::SeriesVersion& v) {
  Totals t;
  for (const auto& p : v.patches)
    for (const auto& tr : p.trailers) {
      if (tr.name == "Acked-by") ++t.acked;
      else if (tr.name == "Reviewed-by") ++t.reviewed;
      else if (tr.name == "Tested-by") ++t.tested;
    }
  return t;
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
        trailers.push_back({{"name", t.name}, {"value", t.value}, {"from", t.from}});
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
      std::string ver = "v" + std::to_string(v.version);
      ver.resize(4, ' ');
      std::string count = std::to_string(v.patches.size()) + "/" + std::to_string(v.expected);
      count.resize(6, ' ');
      const bool complete = v.missing().empty();
      line += ver + " " + paint(count, complete ? kGreen : kYellow, color);
    }
    Totals t = totals(v);
    line += "  A" + std::to_string(t.acked) + "·R" + std::to_string(t.reviewed) + "·T" + std::to_string(t.tested);
    line += s.rust ? "  " + paint("rust", kRed, color) : std::string("      ");
    line += "  " + s.title + paint("  — " + (s.author_name.empty() ? s.author_email : s.author_name), kDim, color);
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
    std::map<int, std::string> old_ids, new_ids;
    for (const auto& p : a.patches) old_ids[p.index] = p.patch_id;
    for (const auto& p : b.patches) new_ids[p.index] = p.patch_id;
    // Patches are compared by content, so a patch that moved keeps its id:
    // compare against every patch id of the older version, not the index.
    std::map<std::string, int> old_by_id;
    for (const auto& [i, id] : old_ids)
      if (!id.empty()) old_by_id[id] = i;
    for (const auto& [i, id] : new_ids) {
      if (!id.empty() && old_by_id.count(id)) c.unchanged.push_back(i);
      else if (old_ids.count(i)) c.changed.push_back(i);
      else c.added.push_back(i);
    }
    for (const auto& [i, id] : old_ids)
      if (!new_ids.count(i)) c.removed.push_back(i);
    out.push_back(std::move(c));
  }
  return out;
}

std::string series_show_text(const core::Series& s, bool color) {
  std::string out;
  out += paint(s.title, kBold, color) + "\n";
  out += "  " + std::string(s.pull ? "pull request" : "series") + " " + s.id + " by " + author(s) +
         (s.rust ? ", touches Rust" : "") + "\n";
  if (!s.change_id.empty()) out += "  change-id: " + s.change_id + "\n";
  for (const auto& v : s.versions) {
    out += "\n" + paint("v" + std::to_string(v.version), kBold, color) + "  " + iso8601(v.date, 0).substr(0, 10);
    if (v.rfc) out += "  RFC";
    if (v.resend) out += "  RESEND";
    if (!s.pull) out += "  " + std::to_string(v.patches.size()) + "/" + std::to_string(v.expected) + " patches";
    out += "\n";
    if (v.cover) out += "  cover: <" + *v.cover + ">\n";
    if (!v.base_commit.empty()) out += "  base-commit: " + v.base_commit + "\n";
    auto missing = v.missing();
    if (!missing.empty()) {
      std::string m;
      for (int i : missing) m += (m.empty() ? "" : ", ") + std::to_string(i);
      out += "  " + paint("missing: " + m, kYellow, color) + "\n";
    }
    for (const auto& p : v.patches) {
      out += "  [" + std::to_string(p.index) + "] " + p.subject + (p.carried ? " (carried from an older version)" : "") +
             "\n      <" + p.msgid + ">\n";
      for (const auto& t : p.trailers)
        if (t.from != p.msgid) out += "      " + paint(t.name + ": " + t.value, kGreen, color) + paint("  (" + t.from + ")", kDim, color) + "\n";
    }
  }
  for (const auto& c : version_changes(s)) {
    auto list = [](const std::vector<int>& v) {
      std::string r;
      for (int i : v) r += (r.empty() ? "" : ",") + std::to_string(i);
      return r.empty() ? std::string("-") : r;
    };
    out += "\nv" + std::to_string(c.from) + " → v" + std::to_string(c.to) + ": unchanged " + list(c.unchanged) +
           ", changed " + list(c.changed) + ", new " + list(c.added) + ", dropped " + list(c.removed) + "\n";
  }
  return out;
}

nlohmann::json series_show_json(const core::Series& s) {
  nlohmann::json j = series_json(s);
  for (size_t k = 0; k < s.versions.size(); ++k) j["versions"][k]["missing"] = ints(s.versions[k].missing());
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : version_changes(s))
    changes.push_back({{"from", c.from}, {"to", c.to}, {"unchanged", ints(c.unchanged)},
                       {"changed", ints(c.changed)}, {"added", ints(c.added)}, {"removed", ints(c.removed)}});
  j["changes"] = changes;
  return j;
}

}  // namespace seam::reports
