#include "reports/checklist.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/analysis/item_id.hpp"
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
      {"kernel-pub-item", "New kernel API"},   {"bindings-outside-kernel", "Rust/C boundary"},
      {"rust-build", "Rust/C boundary"},      {"safety-changed", "Unsafe code"},     {"send-sync", "Unsafe code"},
      {"numeric-cast", "Pointers and ownership"}, {"lock-guard", "Locking and thread safety"},
      {"raw-pointer-field", "Locking and thread safety"}, {"missing-docs", "Documentation"},
      {"missing-panics-doc", "Documentation"}, {"doc-markdown", "Documentation"}, {"comment-style", "Documentation"},
      {"pointer-cast", "Pointers and ownership"}, {"raw-ownership", "Pointers and ownership"},
      {"raw-deref", "Pointers and ownership"}, {"numeric-into", "Pointers and ownership"},
      {"opaque-unlocked", "Locking and thread safety"},
      {"unwrap", "Panics"},                {"panic", "Panics"},                   {"allow-lint", "Lints"}};
  auto it = groups.find(rule);
  return it == groups.end() ? "Other rules" : it->second;
}

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
  if (f.rule == "c-used-by-rust" || f.rule == "rust-build") return "diff";
  return f.path.size() > 3 && f.path.compare(f.path.size() - 3, 3, ".rs") == 0 ? "rust" : "c";
}

// How much a finding needs a reviewer: undocumented unsafe code first, then
// boundary violations, then by severity.
int rank_of(const core::Finding& f) {
  if (f.rule == "safety-placeholder" || (f.safety_state && *f.safety_state == "missing")) return 0;
  if (f.rule == "bindings-outside-kernel" || f.rule == "c-used-by-rust") return 1;
  if (f.severity == "high") return 2;
  if (f.severity == "medium") return 3;
  if (f.severity == "low") return 4;
  return 5;
}

const char* rank_heading(int rank) {
  static const char* names[] = {"Unsafe code without a justification", "Rust/C boundary violations",
                                "High severity", "Medium severity", "Low severity", "Other"};
  return names[std::clamp(rank, 0, 5)];
}

// Findings that carry their own justification or name: never folded.
bool foldable(const core::Finding& f) {
  return !f.safety_state && f.rule != "safety-placeholder" && f.rule != "c-used-by-rust" && f.rule != "rust-c-glue";
}

std::string place(const core::Finding& f) {
  return std::to_string(f.line) + (f.end_line > f.line ? "-" + std::to_string(f.end_line) : "");
}

// The places of a folded entry: "12, 40-41, 55".
std::string places(const std::vector<core::Finding>& all, const Entry& e) {
  std::string s;
  for (size_t i : e.findings) s += (s.empty() ? "" : ", ") + place(all[i]);
  return s;
}

// Entries of the whole series kept under `max_items` (0: all), as
// (patch, entry) pairs; the most important first, earlier patches first.
std::set<std::pair<size_t, size_t>> kept_entries(const std::vector<std::vector<Entry>>& entries, size_t max_items) {
  std::vector<std::pair<size_t, size_t>> all;
  for (size_t p = 0; p < entries.size(); ++p)
    for (size_t e = 0; e < entries[p].size(); ++e) all.emplace_back(p, e);
  std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
    return entries[a.first][a.second].rank < entries[b.first][b.second].rank;
  });
  if (max_items > 0 && all.size() > max_items) all.resize(max_items);
  return {all.begin(), all.end()};
}

}  // namespace

std::vector<Entry> checklist_entries(const std::vector<core::Finding>& fs) {
  const size_t n = fs.size();
  std::vector<long> owner(n, -1);  // the finding whose entry a finding joins
  // Inside an unsafe block (or impl): the block's entry, the innermost block.
  for (size_t i = 0; i < n; ++i) {
    if (fs[i].rule == "unsafe-block" || fs[i].rule == "unsafe-impl") continue;
    if (fs[i].rule == "c-used-by-rust" || fs[i].rule == "rust-c-glue") continue;
    long best = -1;
    for (size_t j = 0; j < n; ++j) {
      const auto& b = fs[j];
      if ((b.rule != "unsafe-block" && b.rule != "unsafe-impl") || b.path != fs[i].path) continue;
      if (fs[i].line < b.line || fs[i].line > std::max(b.line, b.end_line)) continue;
      if (best < 0 || b.line > fs[static_cast<size_t>(best)].line) best = static_cast<long>(j);
    }
    owner[i] = best;
  }
  // On one line: one entry (an unsafe block opening there owns it).
  for (size_t i = 0; i < n; ++i) {
    if (owner[i] >= 0 || fs[i].rule == "c-used-by-rust" || fs[i].rule == "rust-c-glue") continue;
    for (size_t j = 0; j < i; ++j)
      if (owner[j] < 0 && fs[j].path == fs[i].path && fs[j].line == fs[i].line && fs[j].rule != "c-used-by-rust" &&
          fs[j].rule != "rust-c-glue") {
        owner[i] = static_cast<long>(j);
        break;
      }
  }
  std::vector<Entry> out;
  std::map<size_t, size_t> entry_of;  // head finding -> entry
  for (size_t i = 0; i < n; ++i) {
    size_t head = i;
    while (owner[head] >= 0) head = static_cast<size_t>(owner[head]);
    auto [it, fresh] = entry_of.try_emplace(head, out.size());
    if (fresh) out.push_back({});
    out[it->second].findings.push_back(i);
  }
  // Single findings of one rule in one file: folded into one entry.
  std::vector<Entry> folded;
  std::map<std::pair<std::string, std::string>, size_t> fold_of;  // (path, rule) -> entry in `folded`
  for (auto& e : out) {
    const core::Finding& f = fs[e.findings[0]];
    if (e.findings.size() == 1 && foldable(f)) {
      auto [it, fresh] = fold_of.try_emplace({f.path, f.rule}, folded.size());
      if (fresh) folded.push_back(std::move(e));
      else {
        folded[it->second].findings.push_back(e.findings[0]);
        folded[it->second].folded = true;
      }
    } else {
      folded.push_back(std::move(e));
    }
  }
  for (auto& e : folded) {
    // The most important finding leads; the others keep their order.
    std::stable_sort(e.findings.begin(), e.findings.end(),
                     [&](size_t a, size_t b) { return !e.folded && rank_of(fs[a]) < rank_of(fs[b]); });
    e.rank = 5;
    for (size_t i : e.findings) e.rank = std::min(e.rank, rank_of(fs[i]));
  }
  std::stable_sort(folded.begin(), folded.end(), [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
  return folded;
}

// The ids of every entry of every patch: unique in the version.
static std::vector<std::vector<std::string>> entry_ids(const Checklist& c,
                                                       const std::vector<std::vector<Entry>>& entries) {
  std::vector<const core::Finding*> heads;
  for (size_t pi = 0; pi < c.patches.size(); ++pi)
    for (const Entry& e : entries[pi]) heads.push_back(&c.patches[pi].review.findings[e.findings[0]]);
  const std::vector<std::string> flat = core::item_ids(heads);
  std::vector<std::vector<std::string>> out(entries.size());
  size_t k = 0;
  for (size_t pi = 0; pi < entries.size(); ++pi)
    for (size_t ei = 0; ei < entries[pi].size(); ++ei) out[pi].push_back(flat[k++]);
  return out;
}

static std::vector<core::ReviewItem> items_of(const Checklist& c, const std::vector<std::vector<Entry>>& entries,
                                              const std::vector<std::vector<std::string>>& ids) {
  std::vector<core::ReviewItem> out;
  for (size_t pi = 0; pi < c.patches.size(); ++pi) {
    const auto& p = c.patches[pi];
    for (size_t ei = 0; ei < entries[pi].size(); ++ei) {
      const core::Finding& f = p.review.findings[entries[pi][ei].findings[0]];
      out.push_back({c.series_id, c.version, p.index, p.msgid, ids[pi][ei], f.rule, f.path, f.line, f.snippet});
    }
  }
  return out;
}

std::vector<core::ReviewItem> checklist_items(const Checklist& c) {
  std::vector<std::vector<Entry>> entries;
  for (const auto& p : c.patches) entries.push_back(checklist_entries(p.review.findings));
  return items_of(c, entries, entry_ids(c, entries));
}

// Where the notes of the series go in this checklist.
struct NotePlan {
  std::vector<std::vector<std::string>> ids;  // per patch, per entry
  std::vector<core::NotePlace> places;
  std::map<std::string, std::vector<const core::NotePlace*>> on_item;  // item id -> its notes and ticks
  std::map<int, std::vector<const core::NotePlace*>> on_patch;         // patch index -> its patch notes
  std::vector<const core::NotePlace*> left_over;
  bool ticked(const Checklist& c, const std::string& id) const {
    auto it = on_item.find(id);
    if (it == on_item.end()) return false;
    for (const auto* p : it->second)
      if (c.notes[p->note].tick && !p->carried) return true;
    return false;
  }
};

// The entries of every patch, how many in all, and which of them the
// --max-items limit keeps (every one when it is 0).
struct EntryPlan {
  std::vector<std::vector<Entry>> entries;
  size_t total = 0;
  std::set<std::pair<size_t, size_t>> kept;
  NotePlan notes;
};

static EntryPlan plan_entries(const Checklist& c, size_t max_items) {
  EntryPlan plan;
  for (const auto& p : c.patches) {
    plan.entries.push_back(checklist_entries(p.review.findings));
    plan.total += plan.entries.back().size();
  }
  plan.kept = kept_entries(plan.entries, max_items);
  NotePlan& np = plan.notes;
  np.ids = entry_ids(c, plan.entries);
  np.places = core::place_notes(c.notes, c.version, items_of(c, plan.entries, np.ids));
  for (const auto& pl : np.places) {
    if (!pl.item.empty()) np.on_item[pl.item].push_back(&pl);
    else if (pl.patch > 0 && c.notes[pl.note].item.empty()) np.on_patch[pl.patch].push_back(&pl);
    else np.left_over.push_back(&pl);
  }
  return plan;
}

// A fenced code block indented by two spaces (inside a list item).
static std::string md_block(const std::string& code, const std::string& lang) {
  const std::string snippet = printable_lines(code);
  const std::string fence = md_fence(snippet);
  std::string out = "  " + fence + lang + "\n";
  size_t i = 0;
  while (i < snippet.size()) {
    size_t nl = snippet.find('\n', i);
    out += "  " + snippet.substr(i, (nl == std::string::npos ? snippet.size() : nl) - i) + "\n";
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  return out + "  " + fence + "\n";
}

// Note text as Markdown prose inside a list item: each line escaped, lines
// kept as line breaks of one paragraph.
static std::string md_note_text(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t nl = text.find('\n', i);
    std::string line = text.substr(i, (nl == std::string::npos ? text.size() : nl) - i);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!out.empty()) out += "  \n  ";
    out += md_text(printable(line));
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  return out;
}

// One note (or a carried tick) of an item or patch, as paragraphs of a list
// item; "" for a tick shown as [x].
static std::string note_markdown(const Checklist& c, const core::NotePlace& pl) {
  const core::ReviewNote& n = c.notes[pl.note];
  if (n.tick && !pl.carried) return {};
  const std::string from = n.version < c.version ? ", from v" + std::to_string(n.version) : "";
  std::string out;
  if (n.tick) out = "\n  **Ticked** on v" + std::to_string(n.version) + "; the code changed since: check it again.\n";
  else
    out = "\n  **Note** (#" + std::to_string(n.id) + from + (pl.carried ? ", carried over: the code changed" : "") +
          "): " + md_note_text(n.text) + "\n";
  if (pl.carried && !n.item.empty()) {
    const std::string lang = n.path.size() > 3 && n.path.compare(n.path.size() - 3, 3, ".rs") == 0 ? "rust" : "c";
    out += "\n  Was (v" + std::to_string(n.version) + ", line " + std::to_string(n.line) + "):\n\n" +
           md_block(n.excerpt, lang) + "\n  Now:\n\n" + md_block(pl.new_excerpt, lang);
  }
  return out;
}

static std::string note_text_line(const Checklist& c, const core::NotePlace& pl, const std::string& indent) {
  const core::ReviewNote& n = c.notes[pl.note];
  if (n.tick && !pl.carried) return {};
  std::string out;
  if (n.tick) out = indent + "ticked on v" + std::to_string(n.version) + ", the code changed since: check it again\n";
  else {
    out = indent + "note #" + std::to_string(n.id) +
          (n.version < c.version ? " (v" + std::to_string(n.version) + (pl.carried ? ", carried over" : "") + ")" : "") +
          ": ";
    std::string t = n.text;
    for (char& ch : t)
      if (ch == '\n') ch = ' ';
    out += printable(t) + "\n";
  }
  if (pl.carried && !n.item.empty()) {
    out += indent + "  was: " + printable(core::normalise_code(n.excerpt)) + "\n";
    out += indent + "  now: " + printable(core::normalise_code(pl.new_excerpt)) + "\n";
  }
  return out;
}

static nlohmann::json note_json(const Checklist& c, const core::NotePlace& pl) {
  const core::ReviewNote& n = c.notes[pl.note];
  nlohmann::json j = {{"id", n.id},           {"version", n.version}, {"tick", n.tick},
                      {"text", n.text},       {"carried", pl.carried}, {"item", n.item},
                      {"patch", n.patch},     {"created", n.created}};
  if (pl.carried && !n.item.empty()) {
    j["old_excerpt"] = n.excerpt;
    j["new_excerpt"] = pl.new_excerpt;
    j["new_item"] = pl.item;
  }
  return j;
}

std::string checklist_markdown(const Checklist& c, size_t max_items) {
  const Summary s = summarize(c);
  const EntryPlan plan = plan_entries(c, max_items);
  const auto& entries = plan.entries;
  const size_t total = plan.total;
  const auto& kept = plan.kept;
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
  out += "- checklist entries: " + std::to_string(total);
  if (kept.size() < total)
    out += " (the " + std::to_string(kept.size()) + " most important shown, " + std::to_string(total - kept.size()) +
           " left out by --max-items)";
  out += "\n";
  for (size_t pi = 0; pi < c.patches.size(); ++pi) {
    const auto& p = c.patches[pi];
    const auto& fs = p.review.findings;
    out += "\n## [" + std::to_string(p.index) + "/" + std::to_string(c.expected) + "] " + heading_text(p.subject) + "\n\n";
    out += "Message-ID: " + md_code(p.msgid) + "\n";
    if (auto it = plan.notes.on_patch.find(p.index); it != plan.notes.on_patch.end())
      for (const auto* pl : it->second) {
        const core::ReviewNote& n = c.notes[pl->note];
        out += "\n**Note** (#" + std::to_string(n.id) +
               (n.version < c.version ? ", from v" + std::to_string(n.version) : "") + "): " +
               md_note_text(n.text) + "\n";
      }
    if (fs.empty()) out += "\nNothing for the rules to flag.\n";
    int heading = -1;
    size_t left_out = 0;
    for (size_t ei = 0; ei < entries[pi].size(); ++ei) {
      const Entry& e = entries[pi][ei];
      if (!kept.count({pi, ei})) {
        ++left_out;
        continue;
      }
      if (e.rank != heading) out += std::string("\n### ") + rank_heading(e.rank) + "\n\n";
      heading = e.rank;
      const core::Finding& f = fs[e.findings[0]];
      const std::string& id = plan.notes.ids[pi][ei];
      const std::string box = plan.notes.ticked(c, id) ? "- [x] " : "- [ ] ";
      if (e.folded) {
        out += box + md_code(f.path) + " " + md_text(f.message) + " (" + md_code(f.rule) + ", " + f.severity +
               "): " + std::to_string(e.findings.size()) + " places, lines " + places(fs, e) + "\n";
      } else {
        out += box + md_code(f.path + ":" + place(f)) + " " + md_text(f.message);
        std::string rules = md_code(f.rule);
        for (size_t k = 1; k < e.findings.size(); ++k) rules += ", " + md_code(fs[e.findings[k]].rule);
        out += " (" + rules + ", " + f.severity + ")\n";
      }
      out += md_block(f.snippet, language_of(f));
      // Each its own paragraph of the item (a blank line between).
      std::set<std::string> justified;  // safety lines shown: a placeholder and its block share one
      if (auto sl = safety_line(f, true); !sl.empty()) {
        out += "\n  " + sl + "\n";
        justified.insert(sl);
      }
      out += "\n  **Check:** " + md_text(f.question) + "\n";
      out += "\n  Item " + md_code(id) + "\n";
      if (auto it = plan.notes.on_item.find(id); it != plan.notes.on_item.end())
        for (const auto* pl : it->second) out += note_markdown(c, *pl);
      if (e.folded) continue;
      std::set<std::string> asked{f.question};
      for (size_t k = 1; k < e.findings.size(); ++k) {
        const core::Finding& g = fs[e.findings[k]];
        if (auto sl = safety_line(g, true); !sl.empty() && justified.insert(sl).second) out += "\n  " + sl + "\n";
        if (!asked.insert(g.question).second) continue;
        out += "\n  **Also** (" + md_code(g.rule) + " at line " + place(g) + ", " + md_text(g.message) +
               "): " + md_text(g.question) + "\n";
      }
    }
    if (left_out)
      out += "\n" + std::to_string(left_out) + " less important " + (left_out == 1 ? "entry" : "entries") +
             " of this patch left out (--max-items).\n";
  }
  if (!plan.notes.left_over.empty()) {
    out += "\n## Notes on items this version does not have\n\n";
    for (const auto* pl : plan.notes.left_over) {
      const core::ReviewNote& n = c.notes[pl->note];
      out += "- " + (n.item.empty() ? "patch " + std::to_string(n.patch) : md_code(n.item)) + " (v" +
             std::to_string(n.version) + "): " + (n.tick ? std::string("ticked") : md_note_text(n.text)) + "\n";
    }
  }
  return out;
}

std::string checklist_text(const Checklist& c, bool color, size_t max_items) {
  const Summary s = summarize(c);
  const EntryPlan plan = plan_entries(c, max_items);
  const auto& entries = plan.entries;
  const size_t total = plan.total;
  const auto& kept = plan.kept;
  std::string out = paint(printable(c.title) + " (v" + std::to_string(c.version) + ")", kBold, color) + "\n";
  for (const auto& [cls, v] : s.by_class)
    out += "  " + cls + ": +" + std::to_string(v.first) + " -" + std::to_string(v.second) + " (" +
           percent(v.first + v.second, s.total) + ")\n";
  // The same counts as the Markdown summary: a placeholder SAFETY comment
  // and one the patch does not show are no answer either.
  out += "  unsafe blocks " + std::to_string(s.unsafe_blocks) + ", " +
         paint(std::to_string(s.without_safety) + " without SAFETY", s.without_safety ? kRed : kDim, color);
  if (s.placeholders)
    out += ", " + paint(std::to_string(s.placeholders) + " with a placeholder", kYellow, color);
  if (s.outside) out += ", " + std::to_string(s.outside) + " whose comment the patch does not show";
  out += ", boundary crossings " + std::to_string(s.boundary) + "\n";
  out += "  entries " + std::to_string(total);
  if (kept.size() < total) out += ", " + std::to_string(total - kept.size()) + " left out by --max-items";
  out += "\n";
  for (size_t pi = 0; pi < c.patches.size(); ++pi) {
    const auto& p = c.patches[pi];
    const auto& fs = p.review.findings;
    out += "\n" + paint("[" + std::to_string(p.index) + "/" + std::to_string(c.expected) + "] " + printable(p.subject), kBold, color) + "\n";
    if (auto it = plan.notes.on_patch.find(p.index); it != plan.notes.on_patch.end())
      for (const auto* pl : it->second) out += note_text_line(c, *pl, "  ");
    size_t left_out = 0;
    for (size_t ei = 0; ei < entries[pi].size(); ++ei) {
      const Entry& e = entries[pi][ei];
      if (!kept.count({pi, ei})) {
        ++left_out;
        continue;
      }
      const core::Finding& f = fs[e.findings[0]];
      const std::string where = e.folded ? printable(f.path) + " (" + std::to_string(e.findings.size()) +
                                               " places: " + places(fs, e) + ")"
                                         : printable(f.path) + ":" + std::to_string(f.line);
      const std::string& id = plan.notes.ids[pi][ei];
      out += std::string(plan.notes.ticked(c, id) ? "  [x] " : "  [ ] ") + paint(where, kDim, color) + " " +
             paint(printable(f.message), f.severity == "high" ? kRed : kYellow, color) + "\n";
      if (auto sl = safety_line(f, false); !sl.empty()) out += "      " + sl + "\n";
      out += "      " + printable(f.question) + "\n";
      out += "      " + paint("item " + printable(id), kDim, color) + "\n";
      if (auto it = plan.notes.on_item.find(id); it != plan.notes.on_item.end())
        for (const auto* pl : it->second) out += note_text_line(c, *pl, "      ");
      if (e.folded) continue;
      std::set<std::string> asked{f.question};
      for (size_t k = 1; k < e.findings.size(); ++k) {
        const core::Finding& g = fs[e.findings[k]];
        if (!asked.insert(g.question).second) continue;
        out += "      also (" + g.rule + " at " + place(g) + "): " + printable(g.question) + "\n";
      }
    }
    if (left_out) out += "  " + std::to_string(left_out) + " more left out (--max-items)\n";
  }
  if (!plan.notes.left_over.empty()) {
    out += "\nNotes on items this version does not have:\n";
    for (const auto* pl : plan.notes.left_over) {
      const core::ReviewNote& n = c.notes[pl->note];
      out += "  " + (n.item.empty() ? "patch " + std::to_string(n.patch) : printable(n.item)) + " (v" +
             std::to_string(n.version) + ")\n" + note_text_line(c, *pl, "    ");
    }
  }
  return out;
}

nlohmann::json checklist_json(const Checklist& c) {
  const Summary s = summarize(c);
  nlohmann::json classes = nlohmann::json::object();
  for (const auto& [cls, v] : s.by_class) classes[cls] = {{"added", v.first}, {"removed", v.second}};
  nlohmann::json patches = nlohmann::json::array();
  const EntryPlan plan = plan_entries(c, 0);
  for (size_t pi = 0; pi < c.patches.size(); ++pi) {
    const auto& p = c.patches[pi];
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : p.review.findings) {
      nlohmann::json j = finding_json(f);
      j["group"] = group_of(f.rule);
      findings.push_back(std::move(j));
    }
    nlohmann::json entries = nlohmann::json::array();
    for (size_t ei = 0; ei < plan.entries[pi].size(); ++ei) {
      const Entry& e = plan.entries[pi][ei];
      const std::string& id = plan.notes.ids[pi][ei];
      nlohmann::json notes = nlohmann::json::array();
      if (auto it = plan.notes.on_item.find(id); it != plan.notes.on_item.end())
        for (const auto* pl : it->second)
          if (!c.notes[pl->note].tick || pl->carried) notes.push_back(note_json(c, *pl));
      entries.push_back({{"findings", e.findings},
                         {"folded", e.folded},
                         {"rank", e.rank},
                         {"id", id},
                         {"done", plan.notes.ticked(c, id)},
                         {"notes", notes}});
    }
    nlohmann::json pnotes = nlohmann::json::array();
    if (auto it = plan.notes.on_patch.find(p.index); it != plan.notes.on_patch.end())
      for (const auto* pl : it->second) pnotes.push_back(note_json(c, *pl));
    patches.push_back({{"index", p.index},
                       {"msgid", p.msgid},
                       {"subject", p.subject},
                       {"findings", findings},
                       {"entries", entries},
                       {"notes", pnotes}});
  }
  nlohmann::json left = nlohmann::json::array();
  for (const auto* pl : plan.notes.left_over) left.push_back(note_json(c, *pl));
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
          {"patches", patches},
          {"left_over_notes", left}};
}

}  // namespace seam::reports
