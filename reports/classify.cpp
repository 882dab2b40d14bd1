#include "reports/classify.hpp"

#include "reports/escape.hpp"
#include "reports/terminal.hpp"

namespace seam::reports {

nlohmann::json finding_json(const core::Finding& f) {
  auto opt = [](const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(); };
  return {{"rule", f.rule},         {"severity", f.severity},
          {"path", f.path},         {"line", f.line},
          {"end_line", f.end_line}, {"snippet", f.snippet},
          {"question", f.question}, {"safety_comment", opt(f.safety_comment)},
          {"safety_state", opt(f.safety_state)}};
}

nlohmann::json classify_json(const std::vector<ClassifiedPatch>& patches) {
  nlohmann::json out = nlohmann::json::array(), totals = nlohmann::json::object();
  auto add = [](nlohmann::json& classes, const core::FileReview& f) {
    auto& e = classes[f.cls];
    if (e.is_null()) e = {{"added", 0}, {"removed", 0}};
    e["added"] = e["added"].get<int>() + f.added;
    e["removed"] = e["removed"].get<int>() + f.removed;
  };
  for (const auto& p : patches) {
    nlohmann::json files = nlohmann::json::array(), findings = nlohmann::json::array();
    nlohmann::json classes = nlohmann::json::object();
    for (const auto& f : p.review.files) {
      nlohmann::json hunks = nlohmann::json::array();
      for (const auto& h : f.hunks)
        hunks.push_back({{"old_start", h.old_start}, {"new_start", h.new_start}, {"class", f.cls},
                         {"added", h.added}, {"removed", h.removed}});
      files.push_back({{"path", f.path}, {"class", f.cls}, {"added", f.added}, {"removed", f.removed}, {"hunks", hunks}});
      add(classes, f);
      add(totals, f);
    }
    for (const auto& f : p.review.findings) findings.push_back(finding_json(f));
    out.push_back(
        {{"msgid", p.msgid}, {"subject", p.subject}, {"files", files}, {"classes", classes}, {"findings", findings}});
  }
  return {{"patches", out}, {"classes", totals}};
}

std::string classify_text(const std::vector<ClassifiedPatch>& patches, bool color) {
  std::string text;
  for (const auto& p : patches) {
    text += paint(printable(p.subject), kBold, color) + "\n";
    for (const auto& f : p.review.files)
      text += "  " + f.cls + std::string(f.cls.size() < 12 ? 12 - f.cls.size() : 1, ' ') + "+" +
              std::to_string(f.added) + " -" + std::to_string(f.removed) + "  " + printable(f.path) + "\n";
    for (const auto& f : p.review.findings)
      text += "  " + paint(f.rule, f.severity == "high" ? kRed : kYellow, color) + " " + printable(f.path) + ":" +
              std::to_string(f.line) + (f.safety_state ? " [SAFETY " + *f.safety_state + "]" : "") + "\n";
  }
  return text;
}

}  // namespace seam::reports
