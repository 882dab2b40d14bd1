#include "core/analysis/patch_review.hpp"

#include <algorithm>
#include <map>

#include "core/analysis/c_items.hpp"
#include "core/analysis/classes.hpp"

namespace seam::core {

namespace {

// The item named `name` whose lines hold `line`, or nullptr.
const CItem* item_at(const std::vector<CItem>& items, int line, const std::string& name) {
  for (const auto& it : items)
    if (line >= it.line && line <= it.end_line && it.name == name) return &it;
  return nullptr;
}

Finding glue_finding(const FileDiff& f, bool bindings_header) {
  Finding g;
  g.rule = "rust-c-glue";
  g.severity = "medium";
  g.message = bindings_header
                  ? "change to a header rust/bindings/bindings_helper.h includes (bindgen makes bindings:: of it)"
                  : "change to the C glue Rust is built on (rust/helpers, rust/bindings, rust/uapi)";
  g.question = "Does the C side keep the contract the Rust abstraction assumes (types, locking, lifetimes)?";
  g.path = f.path();
  for (const auto& h : f.hunks)
    for (const auto& l : h.lines)
      if (l.origin == '+') {
        if (!g.line) g.line = l.new_line;
        g.end_line = l.new_line;
        if (g.snippet.size() < 400) g.snippet += l.text + "\n";
      }
  if (!g.line) {  // only removals: show what went, where it was
    g.line = g.end_line = std::max(f.hunks.front().new_start, 1);
    for (const auto& h : f.hunks)
      for (const auto& l : h.lines)
        if (l.origin == '-' && g.snippet.size() < 400) g.snippet += "-" + l.text + "\n";
  }
  return g;
}

// A change to how Rust is built: rust/Makefile, the allowed unstable
// features, Kconfig `depends on RUST` and other build lines naming Rust.
std::optional<Finding> rust_build_finding(const FileDiff& f) {
  const std::string path = f.path();
  const bool rust_makefile = path == "rust/Makefile" || (path.rfind("rust/", 0) == 0 && classify_path(path) == "build");
  Finding g;
  g.rule = "rust-build";
  g.severity = "medium";
  g.path = path;
  bool features = false, any = false;
  auto names_rust = [](const std::string& t) {
    return t.find("RUST") != std::string::npos || t.find("rust") != std::string::npos ||
           t.find("Rust") != std::string::npos || t.find("clippy::") != std::string::npos;
  };
  for (const auto& h : f.hunks) {
    // A line continued with '\' belongs to the line it continues: a flag
    // added inside `rust_common_flags := ... \` is a Rust build change even
    // though the added line itself names no Rust.
    // A hunk that starts on an indented line may start inside a continued
    // line; git's hunk header then names the line it continues (in a
    // Makefile, the last line that starts a statement:
    // "@@ -1,7 +1,8 @@ rust_common_flags := ...").
    const size_t at_at = h.header.find("@@", 2);
    const std::string section = at_at == std::string::npos ? std::string() : h.header.substr(at_at + 2);
    const bool head_rusty = !h.lines.empty() && !h.lines.front().text.empty() &&
                            (h.lines.front().text[0] == '\t' || h.lines.front().text[0] == ' ') &&
                            names_rust(section);
    // The old and new sides continue lines apart: '-' lines are only in the
    // old file, '+' lines only in the new one, context lines in both.
    bool new_carry = head_rusty, old_carry = head_rusty;
    for (const auto& l : h.lines) {
      const bool continued = !l.text.empty() && l.text.back() == '\\';
      const bool carry = l.origin == '-' ? old_carry : l.origin == '+' ? new_carry : (old_carry || new_carry);
      const bool rusty = rust_makefile || names_rust(l.text) || carry;
      if (l.origin != '+') old_carry = continued && rusty;
      if (l.origin != '-') new_carry = continued && rusty;
      if (l.origin != '+' && l.origin != '-') continue;
      if (!rusty) continue;
      features = features || l.text.find("rust_allowed_features") != std::string::npos;
      any = true;
      const int at = l.origin == '+' ? l.new_line : std::max(h.new_start, 1);
      if (!g.line) g.line = at;
      g.end_line = std::max(g.end_line, at);
      if (g.snippet.size() < 400) g.snippet += std::string(1, l.origin) + l.text + "\n";
    }
  }
  if (!any) return std::nullopt;
  g.message = features ? "unstable Rust features allowed to the kernel changed (rust_allowed_features)"
                       : "change to the Rust build (rust/Makefile, Kconfig depends on RUST, build flags)";
  g.question = features ? "Is each newly allowed unstable feature needed, and is it on the way to stabilization "
                          "with the minimum supported rustc?"
                        : "Does the Rust build still work with every supported rustc and bindgen, and do the Kconfig "
                          "dependencies (RUST, its version checks) say what the code needs?";
  return g;
}

}  // namespace

std::vector<Finding> c_used_by_rust(const FileDiff& f, const RepoView& repo) {
  std::vector<Finding> out;
  if (!repo.boundary || repo.boundary->names() == 0) return out;
  std::vector<CItem> after, before;
  if (f.new_path != "/dev/null" && repo.after)
    if (auto s = repo.after(f.new_path)) after = c_items(*s);
  if (f.old_path != "/dev/null" && repo.before)
    if (auto s = repo.before(f.old_path)) before = c_items(*s);

  struct Change {
    std::string kind;
    int first = 0, last = 0;  // changed lines after the patch
    int anchor = 0;           // where a removal sits in the file after
    std::string snippet;
  };
  std::map<std::string, Change> changes;  // by name
  std::vector<std::string> order;         // the names in the order the hunks reach them
  auto touch = [&](const CItem& it, const DiffLine& l, int anchor) {
    auto [pos, fresh] = changes.try_emplace(it.name);
    Change& c = pos->second;
    if (fresh) {
      c.kind = it.kind;
      order.push_back(it.name);
    }
    if (l.origin == '+') {
      if (!c.first) c.first = l.new_line;
      c.last = l.new_line;
    } else if (!c.anchor) {
      c.anchor = anchor;
    }
    if (c.snippet.size() < 400) c.snippet += std::string(1, l.origin) + l.text + "\n";
  };
  for (const auto& h : f.hunks) {
    int next_new = h.new_start;
    for (const auto& l : h.lines) {
      if (l.origin == '+') {
        for (const auto& it : after)
          if (l.new_line >= it.line && l.new_line <= it.end_line) touch(it, l, 0);
      } else if (l.origin == '-') {
        for (const auto& it : before)
          if (l.old_line >= it.line && l.old_line <= it.end_line) touch(it, l, next_new);
      }
      if (l.new_line) next_new = l.new_line + 1;
    }
  }
  for (const auto& name : order) {
    const BindingsUse* use = repo.boundary->use_of(name);
    if (!use) continue;
    Change& c = changes[name];
    Finding fd;
    fd.rule = "c-used-by-rust";
    fd.severity = "high";
    fd.path = f.path();
    const std::string where = use->path + ":" + std::to_string(use->line);
    fd.message = "C change to " + c.kind + " `" + name + "`, which Rust uses through bindings:: (" + where + ")";
    fd.question = "Rust uses `" + name + "` through bindings:: (" + where +
                  "): does the Rust side still match its signature, types, return values and locking or lifetime "
                  "rules?";
    if (c.first) {
      fd.line = c.first;
      fd.end_line = c.last;
    } else if (const CItem* now = item_at(after, c.anchor, name)) {
      fd.line = now->line;
      fd.end_line = now->end_line;
    } else {
      fd.line = fd.end_line = std::max(c.anchor, 1);
    }
    fd.snippet = c.snippet;
    out.push_back(std::move(fd));
  }
  return out;
}

PatchReview review_patch(const std::vector<FileDiff>& files, const RuleSet& rules, const RepoView* repo) {
  PatchReview r;
  const Boundary* boundary = repo ? repo->boundary : nullptr;
  for (const auto& f : files) {
    FileReview fr{f.path(), classify_path(f.path(), boundary), f.added(), f.removed(), {}};
    for (const auto& h : f.hunks) {
      HunkReview hr{h.old_start, h.new_start, 0, 0};
      for (const auto& l : h.lines) {
        hr.added += l.origin == '+';
        hr.removed += l.origin == '-';
      }
      fr.hunks.push_back(hr);
    }
    if (fr.cls == "rust") {
      std::optional<std::string> whole;
      if (repo && repo->after) whole = repo->after(f.path());
      auto found = analyze_rust_file(f, rules, whole ? &*whole : nullptr);
      r.findings.insert(r.findings.end(), found.begin(), found.end());
    } else if (fr.cls == "rust-c-glue" && !f.hunks.empty()) {
      // C written for Rust (helpers, bindings): every change is a boundary change.
      const bool header = classify_path(f.path()) == "c-header";
      r.findings.push_back(glue_finding(f, header));
      if (header && repo) {  // without a repository there are no Rust uses to find
        auto found = c_used_by_rust(f, *repo);
        r.findings.insert(r.findings.end(), found.begin(), found.end());
      }
    } else if (fr.cls == "build" && !f.hunks.empty()) {
      if (auto b = rust_build_finding(f)) r.findings.push_back(std::move(*b));
    } else if ((fr.cls == "c" || fr.cls == "c-header") && repo && !f.hunks.empty()) {
      auto found = c_used_by_rust(f, *repo);
      r.findings.insert(r.findings.end(), found.begin(), found.end());
    }
    r.files.push_back(std::move(fr));
  }
  return r;
}

}  // namespace seam::core
