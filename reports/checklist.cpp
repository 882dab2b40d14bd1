#include "reports/checklist.hpp"

#include <algorithm>
#include <map>

#include "reports/classify.hpp"
#include "reports/escape.hpp"
#include "reports/terminal.hpp"

namespace seam::reports {

namespace {

// The kinds findings are grouped by, in the order a reviewer should read them.
const char* group_of(const std::string& rule) {
  static const std::map<std::string, const char*> groups = {
      {"unsafe-block", "Unsafe code"},     {"safety-placeholder", "Unsafe code"}, {"unsafe-fn", "Unsafe code"},
      {"unsafe-impl", "Unsafe code"},      {"unsafe-trait", "Unsafe code"},       {"bindings-call", "Rust/C boundary"},
      {"extern-c", "Rust/C boundary"},     {"export-symbol", "Rust/C boundary"},  {"repr-c", "Rust/C boundary"},
      {"opaque", "Rust/C boundary"},       {"rust-c-glue", "Rust/C boundary"},    {"c-used-by-rust", "Rust/C boundary"},
      {"kernel-pub-item", "New kernel API"},
      {"pointer-cast", "Pointers and ownership"}, {"raw-ownership", "Pointers and ownership"},
      {"raw-deref", "Pointers and ownership"},
      {"unwrap", "Panics"},                {"panic", "Panics"},                   {"allow-lint", "Lints and invariants"},
      {"invariant", "Lints and invariants"}};
  auto it = groups.find(rule);
  return it == groups.end() ? "Other rules" : it->second;
}
const std::vector<std::string> kGroupOrder = {"Unsafe code", "Rust/C boundary", "Pointers and ownership", "Panics",
                                              "New kernel API", "Lints and invariants", "Other rules"};

struct Summary {
  std::map<std::string, std::pair<int, int>> by_class;  // added, removed
  int total = 0, unsafe_blocks = 0, without_safety = 0, outside = 0, placeholders = 0, boundary = 0;
};

Summary summarize(const Checklist& c) {
  Summary s;
  for (const auto& p : c.patches) {
    for (const auto& f : p.review.files) {
      auto& v = s.by_class[f.cls];
      v.first += f.added;
      v.second += f.removed;
      s.total += f.added + f.removed;
    }
    for (const auto& f : p.review.findings) {
      if (f.rule == "unsafe-block") {
        ++s.unsafe_blocks;
        if (f.safety_state && *f.safety_state == "missing") ++s.without_safety;
        if (f.safety_state && *f.safety_state == "outside-context") ++s.outside;
      }
      if (f.rule == "safety-placeholder") ++s.placeholders;
      if (std::string(group_of(f.rule)) == "Rust/C boundary") ++s.boundary;
    }
  }
  return s;
}

std::string percent(int part, int total) {
  if (total == 0) return "0%";
  return std::to_string((part * 100 + total / 2) / total) + "%";
}

// A SAFETY comment on one line: each line break of a block comment, with the
// spaces around it, becomes one space; tabs become spaces.
std::string one_line(const std::string& s) {
  std::string out;
  bool after_break = false;
  for (char ch : s) {
    if (ch == '\n' || ch == '\r') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += ' ';
      after_break = true;
    } else if (ch == ' ' || ch == '\t') {
      if (!after_break) out += ' ';
    } else {
      out += ch;
      after_break = false;
    }
  }
  return out;
}

// Mail text that ends an ATX heading: a trailing run of `#` would be read as
// the heading's closing sequence and vanish.
std::string heading_text(const std::string& s) {
  std::string t = md_text(s);
  size_t run = t.size();
  while (run > 0 && t[run - 1] == '#') --run;
  if (run < t.size()) t.insert(run, "\\");
  return t;
}

// How an unsafe item is justified, for people: the SAFETY comment's text, or
// what is missing. `markdown` picks the form.
std::string safety_line(const core::Finding& f, bool markdown) {
  if (!f.safety_state) return {};
  auto code = [&](const std::string& s) { return markdown ? "`" + s + "`" : s; };
  auto strong = [&](const std::string& s) { return markdown ? "**" + s + "**" : s; };
  const bool doc = f.rule == "unsafe-fn" || f.rule == "unsafe-trait";  // justified by a # Safety doc section
  const std::string& state = *f.safety_state;
  if (state == "present") {
    if (doc) return code("# Safety") + " section present" + (f.rule == "unsafe-fn" ? " (or inherited from the trait)" : "");
    std::string text = one_line(f.safety_comment.value_or("SAFETY:"));
    if (text.rfind("SAFETY:", 0) == 0) text = text.substr(7);
    while (!text.empty() && text.front() == ' ') text.erase(0, 1);
    return strong("SAFETY:") + " " + (markdown ? md_text(text) : printable(text));
  }
  if (state == "missing") return strong(doc ? "No " + code("# Safety") + " section." : "No SAFETY comment.");
  return strong("SAFETY comment not visible") + " in the patch's context (use --repo to see the whole file).";
}

// The fence language of a finding's excerpt.
std::string language_of(const core::Finding& f) {
  if (f.rule == "c-used-by-rust") return "diff";
  return f.path.size() > 3 && f.path.compare(f.path.size() - 3, 3, ".rs") == 0 ? "rust" : "c";
}

}  // namespace

std::string checklist_markdown(const Checklist& c) {
  const Summary s = summarize(c);
  std::string out = "# Review checklist: " + md_text(c.title) + " (v" + std::to_string(c.version) + ")\n\n";
  out += "Series " + md_code(c.series_id) + " by " + md_text(c.author) + ", " + std::to_string(c.patches.size()) + "/" +
         std::to_string(c.expected) + " patches.\n\n## Summary\n\n";
  // A list, not a table: CommonMark (cmark, mail readers) has no tables.
  for (const auto& [cls, v] : s.by_class)
    out += "- " + cls + ": +" + std::to_string(v.first) + " -" + std::to_string(v.second) + " lines (" +
           percent(v.first + v.second, s.total) + " of the changed lines)\n";
  out += "- unsafe blocks: " + std::to_string(s.unsafe_blocks) + " (" + std::to_string(s.without_safety) +
         " without a SAFETY comment, " + std::to_string(s.outside) + " whose comment the patch does not show, " +
         std::to_string(s.placeholders) + " with a placeholder comment)\n";
  out += "- Rust/C boundary crossings: " + std::to_string(s.boundary) + "\n";
  for (const auto& p : c.patches) {
    out += "\n## [" + std::to_string(p.index) + "/" + std::to_string(c.expected) + "] " + heading_text(p.subject) + "\n\n";
    out += "Message-ID: " + md_code(p.msgid) + "\n";
    if (p.review.findings.empty()) out += "\nNothing for the rules to flag.\n";
    for (const auto& g : kGroupOrder) {
      bool header = false;
      for (const auto& f : p.review.findings) {
        if (group_of(f.rule) != g) continue;
        if (!header) out += "\n### " + g + "\n\n";
        header = true;
        out += "- [ ] " +
               md_code(f.path + ":" + std::to_string(f.line) +
                       (f.end_line > f.line ? "-" + std::to_string(f.end_line) : "")) +
               " " + md_text(f.message) + " (" + md_code(f.rule) + ", " + f.severity + ")\n";
        const std::string snippet = printable_lines(f.snippet);
        const std::string fence = md_fence(snippet);
        out += "  " + fence + language_of(f) + "\n";
        size_t i = 0;
        while (i < snippet.size()) {
          size_t nl = snippet.find('\n', i);
          out += "  " + snippet.substr(i, (nl == std::string::npos ? snippet.size() : nl) - i) + "\n";
          if (nl == std::string::npos) break;
          i = nl + 1;
        }
        out += "  " + fence + "\n";
        // Each its own paragraph of the item (a blank line between).
        if (auto sl = safety_line(f, true); !sl.empty()) out += "\n  " + sl + "\n";
        out += "\n  **Check:** " + md_text(f.question) + "\n";
      }
    }
  }
  return out;
}

std::string checklist_text(const Checklist& c, bool color) {
  const Summary s = summarize(c);
  std::string out = paint(printable(c.title) + " (v" + std::to_string(c.version) + ")", kBold, color) + "\n";
  for (const auto& [cls, v] : s.by_class)
    out += "  " + cls + ": +" + std::to_string(v.first) + " -" + std::to_string(v.second) + " (" +
           percent(v.first + v.second, s.total) + ")\n";
  out += "  unsafe blocks " + std::to_string(s.unsafe_blocks) + ", " +
         paint(std::to_string(s.without_safety) + " without SAFETY", s.without_safety ? kRed : kDim, color) +
         ", boundary crossings " + std::to_string(s.boundary) + "\n";
  for (const auto& p : c.patches) {
    out += "\n" + paint("[" + std::to_string(p.index) + "/" + std::to_string(c.expected) + "] " + printable(p.subject), kBold, color) + "\n";
    for (const auto& g : kGroupOrder)
      for (const auto& f : p.review.findings) {
        if (group_of(f.rule) != g) continue;
        out += "  [ ] " + paint(printable(f.path) + ":" + std::to_string(f.line), kDim, color) + " " +
               paint(printable(f.message), f.severity == "high" ? kRed : kYellow, color) + "\n";
        if (auto sl = safety_line(f, false); !sl.empty()) out += "      " + sl + "\n";
        out += "      " + printable(f.question) + "\n";
      }
  }
  return out;
}

nlohmann::json checklist_json(const Checklist& c) {
  const Summary s = summarize(c);
  nlohmann::json classes = nlohmann::json::object();
  for (const auto& [cls, v] : s.by_class) classes[cls] = {{"added", v.first}, {"removed", v.second}};
  nlohmann::json patches = nlohmann::json::array();
  for (const auto& p : c.patches) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : p.review.findings) {
      nlohmann::json j = finding_json(f);
      j["group"] = group_of(f.rule);
      findings.push_back(std::move(j));
    }
    patches.push_back({{"index", p.index}, {"msgid", p.msgid}, {"subject", p.subject}, {"findings", findings}});
  }
  return {{"series", c.series_id},
          {"title", c.title},
          {"version", c.version},
          {"summary",
           {{"classes", classes},
            {"unsafe_blocks", s.unsafe_blocks},
            {"without_safety", s.without_safety},
            {"safety_outside_context", s.outside},
            {"safety_placeholders", s.placeholders},
            {"boundary_crossings", s.boundary}}},
          {"patches", patches}};
}

}  // namespace seam::reports
