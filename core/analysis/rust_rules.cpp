#include "core/analysis/rust_rules.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <regex>
#include <set>

#include "core/analysis/boundary.hpp"
#include "core/analysis/fragment.hpp"
#include "core/analysis/safety.hpp"
#include "core/analysis/tree_sitter.hpp"

namespace seam::core {

namespace {

using ts::CursorPtr;
using ts::ParserPtr;
using ts::TreePtr;

// All rules that apply to a file as one query, so that the tree is walked
// once per hunk instead of once per rule. Each pattern remembers the position
// of its rule among the applicable ones (the same text means the same rules
// in the same order, whichever RuleSet they now live in).
struct Combined {
  std::shared_ptr<const TSQuery> query;
  std::vector<size_t> rule_of_pattern;
};

const Combined& combined_for(const std::vector<const Rule*>& applicable) {
  thread_local std::map<std::string, Combined> cache;
  std::string text;
  for (const Rule* r : applicable) text += r->query + "\n";
  auto it = cache.find(text);
  if (it != cache.end()) return it->second;
  Combined c;
  std::string error;
  int line = 0;
  c.query = compile_rust_query(text, &error, &line);
  if (c.query)
    for (size_t k = 0; k < applicable.size(); ++k)
      for (uint32_t i = 0; i < ts_query_pattern_count(applicable[k]->compiled.get()); ++i)
        c.rule_of_pattern.push_back(k);
  return cache.emplace(std::move(text), std::move(c)).first->second;
}

std::string node_text(TSNode n, const std::string& src) { return std::string(ts::text(n, src)); }

// Compiling a std::regex costs far more than matching it: keep each pattern.
const std::regex& cached_regex(const std::string& pattern) {
  thread_local std::map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern)).first;
  return it->second;
}

// The text predicates tree-sitter 0.20 leaves to its caller: #eq?, #not-eq?,
// #match?, #not-match?, #any-of?.
bool predicates_hold(const TSQuery* q, const TSQueryMatch& m, const std::string& src) {
  uint32_t steps = 0;
  const TSQueryPredicateStep* s = ts_query_predicates_for_pattern(q, m.pattern_index, &steps);
  auto capture_text = [&](uint32_t id) -> std::optional<std::string> {
    for (uint16_t i = 0; i < m.capture_count; ++i)
      if (m.captures[i].index == id) return node_text(m.captures[i].node, src);
    return std::nullopt;
  };
  auto str = [&](uint32_t id) {
    uint32_t len = 0;
    const char* v = ts_query_string_value_for_id(q, id, &len);
    return std::string(v, len);
  };
  for (uint32_t i = 0; i < steps;) {
    uint32_t j = i;
    while (j < steps && s[j].type != TSQueryPredicateStepTypeDone) ++j;
    if (j > i && s[i].type == TSQueryPredicateStepTypeString) {
      const std::string op = str(s[i].value_id);
      if (j - i >= 3 && s[i + 1].type == TSQueryPredicateStepTypeCapture) {
        auto text = capture_text(s[i + 1].value_id);
        if (text) {
          std::vector<std::string> args;
          for (uint32_t k = i + 2; k < j; ++k)
            args.push_back(s[k].type == TSQueryPredicateStepTypeString ? str(s[k].value_id)
                                                                      : capture_text(s[k].value_id).value_or(""));
          bool ok = true;
          if (op == "eq?") ok = *text == args[0];
          else if (op == "not-eq?") ok = *text != args[0];
          else if (op == "match?") ok = std::regex_search(*text, cached_regex(args[0]));
          else if (op == "not-match?") ok = !std::regex_search(*text, cached_regex(args[0]));
          else if (op == "any-of?") ok = std::find(args.begin(), args.end(), *text) != args.end();
          if (!ok) return false;
        }
      }
    }
    i = j + 1;
  }
  return true;
}

using ts::is;

bool in_test_code(TSNode n, const std::string& src) {
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
    if (is(p, "mod_item")) {
      TSNode name = ts_node_child_by_field_name(p, "name", 4);
      std::string t = ts_node_is_null(name) ? "" : node_text(name, src);
      if (t == "tests" || t == "test") return true;
    }
  }
  return false;
}

// True when the code around `n` takes a lock: its enclosing fn (the whole
// fragment when no fn is in sight) calls `lock…(`/`…_lock…(` (Mutex::lock,
// lock_irqsave, spin_lock, try_lock) or names a `Guard`/`guard` (a guard
// parameter or local), or it is in an impl of a guard type.
bool under_lock(TSNode n, const std::string& src) {
  static const std::regex lock(R"((\block\w*|_lock\w*)\s*\(|Guard|\bguard\b)");
  TSNode scope = n;
  bool in_fn = false;
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
    if (is(p, "impl_item")) {
      TSNode type = ts_node_child_by_field_name(p, "type", 4);
      if (!ts_node_is_null(type) && node_text(type, src).find("Guard") != std::string::npos) return true;
    }
    if (!in_fn) scope = p;  // the nearest fn, else the root: the fragment
    in_fn = in_fn || is(p, "function_item");
  }
  const std::string text = node_text(scope, src);
  return std::regex_search(text, lock);
}

}  // namespace


namespace {

Finding made(const char* rule, const char* severity, const std::string& message, const std::string& question,
             const std::string& path, const Fragment& f, uint32_t r0, uint32_t r1) {
  Finding fd;
  fd.rule = rule;
  fd.severity = severity;
  fd.message = message;
  fd.question = question;
  fd.path = path;
  r1 = std::min<uint32_t>(std::max(r0, r1), static_cast<uint32_t>(f.rows.size() - 1));
  fd.line = f.line[r0];
  fd.end_line = f.line[r1];
  for (uint32_t r = r0; r <= r1 && r < r0 + 8; ++r) fd.snippet += f.rows[r] + "\n";
  return fd;
}

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// A comment row's text without its `//`, `///` or `//!` and the blanks after.
std::string comment_text(const std::string& trimmed) {
  size_t i = 2;
  if (trimmed.size() > 2 && (trimmed[2] == '/' || trimmed[2] == '!')) i = 3;
  return trim_row(trimmed.substr(std::min(i, trimmed.size())));
}

bool is_doc_row(const std::string& t) {
  return (starts_with(t, "///") && !starts_with(t, "////")) || starts_with(t, "//!");
}

// Doc text with its code spans taken out.
std::string without_code_spans(const std::string& s) {
  std::string out;
  bool code = false;
  for (char ch : s) {
    if (ch == '`') code = !code;
    else if (!code) out += ch;
  }
  return out;
}

// A doc row that is example code rather than prose: indented past the doc
// text, or ending as code does.
bool code_row(const std::string& row) {
  const std::string t = trim_row(row);
  const size_t i = is_doc_row(t) ? 3 : 2;
  if (t.size() > i + 2 && t[i] == ' ' && t[i + 1] == ' ' && t[i + 2] == ' ') return true;
  const char last = t.empty() ? ' ' : t.back();
  return last == ';' || last == '{' || last == '}' || last == ',' || last == '(';
}

bool lower_start(const std::string& s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }

// The first word of `s` looks like code (an identifier with `_`, a call, a path).
bool code_word(const std::string& s) {
  const size_t end = s.find(' ');
  const std::string w = s.substr(0, end);
  return w.find_first_of("_():.<>[]=&*") != std::string::npos;
}

const std::regex& doc_markup() {
  // @name (kernel-doc), name() and a::b outside backticks, &struct x, %CONST.
  static const std::regex re(R"((^|[\s(])@[A-Za-z_]\w*|\b[A-Za-z_]\w*\(\)|\b[A-Za-z_]\w*::[A-Za-z_]|&struct\s|(^|\s)%[A-Z_]{2,})");
  return re;
}

// Findings about comments, from the rows: a changed SAFETY comment or
// `# Safety`/`# Invariants`/`# Guarantees` section over unchanged code, doc
// text that is not Markdown, and comments against the coding guidelines'
// style (capital first, period last).
void comment_findings(TSNode root, const Fragment& f, const std::string& path, bool starts_file,
                      std::set<std::pair<std::string, int>>& seen, std::vector<Finding>& out) {
  const uint32_t n = static_cast<uint32_t>(f.rows.size());
  // Rows that a line comment starts (not text in a string that looks like one).
  std::vector<bool> comment_row(n, false);
  bool any = false;
  {
    std::vector<TSNode> stack{root};
    while (!stack.empty()) {
      TSNode c = stack.back();
      stack.pop_back();
      if (is(c, "line_comment")) {
        const uint32_t row = ts_node_start_point(c).row;
        if (row < n) comment_row[row] = any = true;
        continue;
      }
      if (is(c, "string_literal") || is(c, "raw_string_literal")) continue;
      for (uint32_t i = 0; i < ts_node_child_count(c); ++i) stack.push_back(ts_node_child(c, i));
    }
  }
  if (!any) return;
  for (uint32_t r = 0; r < n;) {
    const std::string t0 = trim_row(f.rows[r]);
    if (!comment_row[r] || !starts_with(t0, "//")) {
      ++r;
      continue;
    }
    const bool doc = is_doc_row(t0);
    uint32_t end = r;  // one past the run: rows of the same kind of comment
    while (end < n) {
      const std::string t = trim_row(f.rows[end]);
      if (!comment_row[end] || !starts_with(t, "//") || is_doc_row(t) != doc) break;
      ++end;
    }
    bool any_added = false;
    for (uint32_t k = r; k < end; ++k) any_added = any_added || f.added[k];
    if (!any_added) {
      r = end;
      continue;
    }
    // The code the run is about: the next row that is not blank or an attribute.
    uint32_t code = end;
    while (code < n && (trim_row(f.rows[code]).empty() || starts_with(trim_row(f.rows[code]), "#["))) ++code;
    const bool code_changed = code < n && f.added[code];
    const bool code_unsafe = code < n && f.rows[code].find("unsafe") != std::string::npos;
    // A changed justification over unchanged code.
    if (doc) {
      for (uint32_t k = r; k < end; ++k) {
        const std::string text = comment_text(trim_row(f.rows[k]));
        if (text != "# Safety" && text != "# Invariants" && text != "# Guarantees") continue;
        uint32_t stop = k + 1;
        while (stop < end && !starts_with(comment_text(trim_row(f.rows[stop])), "# ")) ++stop;
        bool changed = false;
        for (uint32_t j = k; j < stop; ++j) changed = changed || f.added[j];
        if (changed && !code_changed && seen.insert({"safety-changed", f.line[k]}).second)
          out.push_back(made("safety-changed", "high", "`" + text + "` doc section changed over unchanged code",
                             "Does the reworded section still state every condition the unsafe code relies on (or "
                             "guarantees), no more and no less than the code upholds?",
                             path, f, k, stop - 1));
      }
    } else {
      for (uint32_t k = r; k < end; ++k) {
        const bool safety = f.rows[k].find("SAFETY:") != std::string::npos;
        if (!safety && f.rows[k].find("INVARIANT:") == std::string::npos) continue;
        bool changed = false;
        for (uint32_t j = k; j < end; ++j) changed = changed || f.added[j];
        if (changed && !code_changed && seen.insert({"safety-changed", f.line[k]}).second)
          out.push_back(made("safety-changed", "high",
                             safety ? "SAFETY comment changed over unchanged unsafe code"
                                    : "INVARIANT comment changed over unchanged code",
                             safety ? "Does the reworded SAFETY comment still prove every precondition of the unsafe "
                                      "operations below, from what the surrounding code guarantees?"
                                    : "Does the reworded INVARIANT comment still show that the code below establishes "
                                      "every invariant the type documents?",
                             path, f, k, end - 1));
        break;
      }
    }
    (void)code_unsafe;
    // Doc text that is not Markdown.
    if (doc) {
      bool fence = false;
      for (uint32_t k = r; k < end; ++k) {
        const std::string text = comment_text(trim_row(f.rows[k]));
        if (starts_with(text, "```")) fence = !fence;
        if (fence || !f.added[k] || starts_with(text, "```") || code_row(f.rows[k])) continue;
        // Link targets are not prose: drop `](...)` and `[x]: url` lines.
        if (text.find("]: ") != std::string::npos) continue;
        std::string prose = std::regex_replace(without_code_spans(text), cached_regex(R"(\]\([^)]*\))"), "]");
        prose = std::regex_replace(prose, cached_regex(R"(\[[^\]]*\])"), "");
        if (std::regex_search(prose, doc_markup())) {
          if (seen.insert({"doc-markdown", f.line[k]}).second)
            out.push_back(made("doc-markdown", "low",
                               "doc comment refers to code outside backticks or kernel-doc style (@name, name(), &struct)",
                               "Is the doc text Markdown: code in backticks and items as intra-doc links ([`Item`]), as "
                               "the kernel's Rust coding guidelines ask?",
                               path, f, k, k));
          break;  // one per comment
        }
      }
    }
    // Style: a capital first and a period last.
    {
      std::string first = comment_text(trim_row(f.rows[r]));
      for (const char* tag : {"SAFETY:", "INVARIANT:", "CAST:", "GUARANTEE:", "PANIC:", "ORDERING:"})
        if (starts_with(first, tag)) first = trim_row(first.substr(std::string(tag).size()));
      std::string last;
      bool fence = false;
      for (uint32_t k = r; k < end; ++k) {
        const std::string text = comment_text(trim_row(f.rows[k]));
        if (starts_with(text, "```")) fence = !fence;
        else if (!fence && !text.empty() && !starts_with(text, "#") && !code_row(f.rows[k])) last = text;
      }
      const bool skip = first.empty() || starts_with(first, "SPDX-") || starts_with(first, "Copyright") ||
                        starts_with(first, "TODO") || starts_with(first, "FIXME") || starts_with(first, "XXX") ||
                        starts_with(first, "http") || starts_with(first, "#") || code_word(first);
      const char tail = last.empty() ? '.' : last.back();
      const bool code_like = !last.empty() && (last.find(';') != std::string::npos || tail == '{' || tail == '}' ||
                                               tail == ',' || tail == ')' || tail == '>' || tail == ']');
      // Judge only what the fragment shows: a run cut by its edge may go on.
      const bool bad_start = (r > 0 || starts_file) && lower_start(first);
      const bool link_target = last.find("]: ") != std::string::npos;
      const bool bad_end = end < n && !code_like && !link_target && (std::isalnum(static_cast<unsigned char>(tail)) || tail == '`');
      if (!skip && (bad_start || bad_end) && seen.insert({"comment-style", f.line[r]}).second)
        out.push_back(made("comment-style", "low",
                           bad_start ? "comment does not start with a capital letter"
                                     : "comment does not end with a period",
                           "Do the comments read as sentences (a capital first, a period last), as the kernel's Rust "
                           "coding guidelines ask, SAFETY comments included?",
                           path, f, r, end - 1));
    }
    r = end;
  }
}

bool is_pub(TSNode item, const std::string& src) {
  for (uint32_t i = 0; i < ts_node_child_count(item); ++i) {
    TSNode c = ts_node_child(item, i);
    if (is(c, "visibility_modifier")) return ts::text(c, src) == "pub";
  }
  return false;
}

// The doc comment above an item as one text, or nullopt when it has none;
// `unseen` when the lines above it are not in the fragment.
std::optional<std::string> doc_above(TSNode item, const std::string& src, bool* unseen) {
  std::string doc;
  bool any = false;
  TSNode top = item;
  for (TSNode p = ts_node_prev_sibling(item); !ts_node_is_null(p); p = ts_node_prev_sibling(p)) {
    if (is_comment(p)) {
      const std::string t(ts::text(p, src));
      if (starts_with(t, "///") || starts_with(t, "/**")) {
        doc = t + "\n" + doc;
        any = true;
      }
    } else if (is(p, "attribute_item")) {
      if (ts::text(p, src).find("doc") != std::string_view::npos) any = true;
    } else {
      break;
    }
    top = p;
  }
  *unseen = ts_node_start_point(top).row == 0;
  if (!any) return std::nullopt;
  return doc;
}

bool can_panic(TSNode n, const std::string& src) {
  std::vector<TSNode> stack{n};
  while (!stack.empty()) {
    TSNode c = stack.back();
    stack.pop_back();
    if (is(c, "macro_invocation")) {
      TSNode m = ts_node_child_by_field_name(c, "macro", 5);
      const std::string name = ts_node_is_null(m) ? "" : node_text(m, src);
      if (name == "panic" || name == "assert" || name == "assert_eq" || name == "assert_ne" || name == "unreachable" ||
          name == "todo" || name == "unimplemented")
        return true;
    } else if (is(c, "field_identifier")) {
      const std::string name = node_text(c, src);
      if ((name == "unwrap" || name == "expect") && is(ts_node_parent(c), "field_expression")) return true;
    } else if (is(c, "closure_expression") || is(c, "function_item")) {
      if (!ts_node_eq(c, n)) continue;  // their panics are theirs
    }
    for (uint32_t i = 0; i < ts_node_child_count(c); ++i) stack.push_back(ts_node_child(c, i));
  }
  return false;
}

// Public items without a doc comment, and public functions that can panic
// without a `# Panics` section.
void doc_findings(TSNode root, const Fragment& f, const std::string& path, bool test_file,
                  std::set<std::pair<std::string, int>>& seen, std::vector<Finding>& out) {
  if (test_file) return;
  std::vector<TSNode> stack{root};
  while (!stack.empty()) {
    TSNode n = stack.back();
    stack.pop_back();
    const bool item = is(n, "function_item") || is(n, "struct_item") || is(n, "enum_item") || is(n, "union_item") ||
                      is(n, "trait_item") || is(n, "type_item") || is(n, "const_item") || is(n, "static_item") ||
                      is(n, "function_signature_item");
    if (is(n, "mod_item") && in_test_code(ts_node_named_child(n, 0), f.text)) continue;
    if (item && is_pub(n, f.text)) {
      const uint32_t r0 = ts_node_start_point(n).row;
      uint32_t r1 = std::min<uint32_t>(ts_node_end_point(n).row, static_cast<uint32_t>(f.rows.size() - 1));
      if (r0 < f.rows.size()) {
        bool unseen = false;
        auto doc = doc_above(n, f.text, &unseen);
        if (f.added[r0] && !doc && !unseen && seen.insert({"missing-docs", f.line[r0]}).second)
          out.push_back(made("missing-docs", "low", "public item without a doc comment",
                             "What does it do, and for whom? The kernel's Rust code documents every public item "
                             "(with an example where it helps).",
                             path, f, r0, r0));
        bool touched = false;
        for (uint32_t r = r0; r <= r1; ++r) touched = touched || f.added[r];
        if (touched && is(n, "function_item") && (!doc || doc->find("# Panics") == std::string::npos) && !unseen &&
            can_panic(n, f.text) && seen.insert({"missing-panics-doc", f.line[r0]}).second)
          out.push_back(made("missing-panics-doc", "low", "public fn that can panic has no `# Panics` section",
                             "Can this panic at run time? If so, document when under `# Panics` (or return an "
                             "error instead); if not, why is the panicking call unreachable?",
                             path, f, r0, r0));
      }
    }
    for (uint32_t i = 0; i < ts_node_child_count(n); ++i) stack.push_back(ts_node_child(n, i));
  }
}

// `bindings::` outside rust/: drivers and other leaf modules must go through
// the kernel crate's abstractions.
void bindings_outside(const Fragment& f, const std::string& path, std::set<std::pair<std::string, int>>& seen,
                      std::vector<Finding>& out) {
  if (starts_with(path, "rust/")) return;
  for (const auto& [name, line] : bindings_names(f.text)) {
    const size_t row = static_cast<size_t>(line - 1);
    if (line < 1 || row >= f.rows.size() || !f.added[row]) continue;
    if (!seen.insert({"bindings-outside-kernel", f.line[row]}).second) continue;
    out.push_back(made("bindings-outside-kernel", "high",
                       "bindings::" + name + " used outside the kernel crate (only rust/kernel/ may use bindings::)",
                       "Which safe abstraction in rust/kernel/ should provide this (or be added to it), so that this "
                       "code does not touch bindings:: at all?",
                       path, f, static_cast<uint32_t>(row), static_cast<uint32_t>(row)));
  }
}

// True when the unescaped double quotes of `text`, outside char literals and
// line comments, are odd in number: it starts or ends inside a string.
bool odd_quotes(const std::string& text) {
  size_t quotes = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\\') {
      ++i;
    } else if (ch == '\'' && i + 2 < text.size() && text[i + 2] == '\'') {
      i += 2;  // '"'
    } else if (ch == '/' && i + 1 < text.size() && text[i + 1] == '/' && quotes % 2 == 0) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (ch == '"') {
      ++quotes;
    }
  }
  return quotes % 2 == 1;
}

}  // namespace

// A SAFETY comment that justifies nothing is its own finding.
static void add_placeholder_finding(const Finding& fd, std::vector<Finding>& out) {
  if (!fd.safety_comment || !is_placeholder(*fd.safety_comment)) return;
  Finding p = fd;
  p.rule = "safety-placeholder";
  p.severity = "high";
  p.message = "SAFETY comment that justifies nothing";
  p.question = "What makes this unsafe code sound? Replace the placeholder with the argument.";
  out.push_back(std::move(p));
}

// The rules for unsafe code written inside macro bodies.
struct MacroRules {
  const Rule *block = nullptr, *impl = nullptr, *fn = nullptr, *trait = nullptr;
};
void scan_macro_bodies(TSNode node, const Fragment& f, const std::string& src, const MacroRules& rules,
                       bool starts_file, const std::string& path, std::set<std::pair<std::string, int>>& seen,
                       std::vector<Finding>& out);

std::vector<Finding> analyze_rust_file(const FileDiff& file, const RuleSet& rules, const std::string* whole_file) {
  std::vector<Finding> out;
  const std::string path = file.path();
  if (file.binary || path.size() < 3 || path.compare(path.size() - 3, 3, ".rs") != 0) return out;
  ParserPtr parser(ts_parser_new());
  ts_parser_set_language(parser.get(), tree_sitter_rust());
  std::vector<const Rule*> applicable;
  MacroRules in_macros;
  for (const auto& r : rules.rules) {
    if (!r.path_prefix.empty() && path.rfind(r.path_prefix, 0) != 0) continue;
    if (!r.compiled) continue;
    applicable.push_back(&r);
    if (r.id == "unsafe-block") in_macros.block = &r;
    if (r.id == "unsafe-impl") in_macros.impl = &r;
    if (r.id == "unsafe-fn") in_macros.fn = &r;
    if (r.id == "unsafe-trait") in_macros.trait = &r;
  }
  const Combined& combined = combined_for(applicable);
  if (!combined.query) return out;
  const bool test_file = path.find("/tests/") != std::string::npos || path.rfind("samples/", 0) == 0 ||
                         path.find("/examples/") != std::string::npos;
  std::set<std::pair<std::string, int>> seen;
  std::vector<Fragment> fragments;
  std::vector<int> starts;
  if (whole_file) {
    fragments.push_back(whole_fragment(file, *whole_file));
    starts.push_back(1);
  } else {
    for (const auto& h : file.hunks) {
      fragments.push_back(fragment_of(h));
      starts.push_back(h.new_start);
    }
  }
  for (size_t fi = 0; fi < fragments.size(); ++fi) {
    Fragment& f = fragments[fi];
    if (f.rows.empty()) continue;
    TreePtr tree = ts::parse(parser.get(), f.text);
    if (!tree) continue;
    if (!whole_file && ts_node_has_error(ts_tree_root_node(tree.get()))) {
      const std::string raw = f.text;
      const Balance b = balance_of(ts_tree_root_node(tree.get()), f.text);
      if (!b.prefix.empty() || !b.suffix.empty()) {
        // The prefix goes on the first row and the suffix after the last, so
        // rows keep their numbers (nothing past the last row is reported).
        f.text = b.prefix + f.text + b.suffix + "\n";
        tree = ts::parse(parser.get(), f.text);
        if (!tree) continue;
      }
      // A hunk that starts inside a string literal (a format! template of
      // generated code) leaves an odd number of quotes and does not parse:
      // read it as starting inside a string instead, if that parses.
      if (ts_node_has_error(ts_tree_root_node(tree.get())) && odd_quotes(raw)) {
        for (const char* open : {"\"", "r#\"", "r##\""}) {
          std::string text = open + raw;
          TreePtr t = ts::parse(parser.get(), text);
          if (!t) continue;
          const Balance sb = balance_of(ts_tree_root_node(t.get()), text);
          if (!sb.prefix.empty() || !sb.suffix.empty()) {
            text = sb.prefix + text + sb.suffix + "\n";
            t = ts::parse(parser.get(), text);
            if (!t) continue;
          }
          if (ts_node_has_error(ts_tree_root_node(t.get()))) {
            // The template is often an argument: `(r#"…"#, name = x)` wants a `;`.
            text += ";\n";
            t = ts::parse(parser.get(), text);
            if (!t) continue;
          }
          if (!ts_node_has_error(ts_tree_root_node(t.get()))) {
            f.text = std::move(text);
            tree = std::move(t);
            break;
          }
        }
      }
    }
    TSNode root = ts_tree_root_node(tree.get());
    const bool starts_file = starts[fi] <= 1;
    if (in_macros.block || in_macros.impl || in_macros.fn || in_macros.trait) {
        // Only inside macro definitions and invocations: elsewhere the query sees the blocks.
        std::vector<TSNode> stack{root};
        while (!stack.empty()) {
          TSNode n = stack.back();
          stack.pop_back();
          if (is(n, "macro_invocation")) {
            // quote! templates are generated code's text, not code here.
            TSNode m = ts_node_child_by_field_name(n, "macro", 5);
            const std::string name = ts_node_is_null(m) ? "" : node_text(m, f.text);
            if (name == "quote" || name == "quote_spanned") continue;
          }
          if (is(n, "macro_definition") || is(n, "macro_invocation")) {
            scan_macro_bodies(n, f, f.text, in_macros, starts_file, path, seen, out);
            continue;
          }
          for (uint32_t i = 0; i < ts_node_child_count(n); ++i) stack.push_back(ts_node_child(n, i));
        }
      }
    {
      const TSQuery* query = combined.query.get();
      CursorPtr cursor(ts_query_cursor_new());
      ts_query_cursor_exec(cursor.get(), query, root);
      TSQueryMatch m;
      while (ts_query_cursor_next_match(cursor.get(), &m)) {
        if (m.pattern_index >= combined.rule_of_pattern.size()) continue;
        const Rule* rule = applicable[combined.rule_of_pattern[m.pattern_index]];
        if (!predicates_hold(query, m, f.text)) continue;
        std::optional<TSNode> target;
        for (uint16_t i = 0; i < m.capture_count; ++i) {
          uint32_t len = 0;
          const char* name = ts_query_capture_name_for_id(query, m.captures[i].index, &len);
          if (std::string(name, len) == "finding") target = m.captures[i].node;
        }
        if (!target && m.capture_count > 0) target = m.captures[0].node;
        if (!target) continue;
        const uint32_t r0 = ts_node_start_point(*target).row;
        uint32_t r1 = ts_node_end_point(*target).row;
        if (r1 >= f.rows.size()) r1 = static_cast<uint32_t>(f.rows.size() - 1);
        if (r0 >= f.rows.size()) continue;
        bool touches = false;
        for (uint32_t r = r0; r <= r1; ++r) touches = touches || f.added[r];
        if (!touches) continue;
        const std::string& id = rule->id;
        // Safe code cannot dereference raw pointers: only a `*` inside an
        // unsafe block (or unsafe fn) can be one.
        if (id == "raw-deref") {
          bool in_unsafe = false;
          for (TSNode p = ts_node_parent(*target); !ts_node_is_null(p) && !in_unsafe; p = ts_node_parent(p))
            in_unsafe = is(p, "unsafe_block") ||
                        (is(p, "function_item") && node_text(p, f.text).find("unsafe fn") != std::string::npos);
          if (!in_unsafe) continue;
        }
        // C data behind `.get()` read or written under a lock is synchronised.
        if (id == "opaque-unlocked" && under_lock(*target, f.text)) continue;
        const bool panicky = id == "unwrap" || id == "panic";
        if (panicky && (test_file || in_test_code(*target, f.text))) continue;
        if (!seen.insert({id, f.line[r0]}).second) continue;
        Finding fd;
        fd.rule = id;
        fd.severity = rule->severity;
        fd.message = rule->message;
        fd.question = rule->question;
        fd.path = path;
        fd.line = f.line[r0];
        fd.end_line = f.line[r1];
        for (uint32_t r = r0; r <= r1 && r < r0 + 8; ++r) fd.snippet += f.rows[r] + "\n";
        if (id == "unsafe-block" || id == "unsafe-impl") {
          auto j = safety_of(*target, f, f.text, starts_file);
          fd.safety_comment = j.comment;
          fd.safety_state = j.state;
        } else if (id == "unsafe-fn" || id == "unsafe-trait") {
          // The contract of an unsafe fn or trait is its `# Safety` doc section.
          fd.safety_state = id == "unsafe-fn" && in_trait_impl(*target) ? "present"  // the trait's contract
                                                                          : safety_doc_state(*target, f.text, starts_file);
        }
        out.push_back(fd);
        add_placeholder_finding(fd, out);
      }
    }
    comment_findings(root, f, path, starts_file, seen, out);
    doc_findings(root, f, path, test_file, seen, out);
    bindings_outside(f, path, seen, out);
  }
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return a.line != b.line ? a.line < b.line : a.rule < b.rule;
  });
  return out;
}

void scan_macro_bodies(TSNode node, const Fragment& f, const std::string& src, const MacroRules& rules,
                       bool starts_file, const std::string& path, std::set<std::pair<std::string, int>>& seen,
                       std::vector<Finding>& out) {
  // macro_rules! bodies stay token trees to tree-sitter: an `unsafe` token
  // followed by a `{…}` tree is an unsafe block all the same, and `unsafe
  // impl`, `unsafe fn`, `unsafe trait` run up to their `{…}` tree.
  const uint32_t n = ts_node_child_count(node);
  for (uint32_t i = 0; i < n; ++i) {
    TSNode c = ts_node_child(node, i);
    if ((is(c, "identifier") || is(c, "unsafe")) && node_text(c, src) == "unsafe") {
      TSNode next = ts_node_next_sibling(c);
      const std::string word = ts_node_is_null(next) ? "" : node_text(next, src);
      const Rule* rule = nullptr;
      TSNode body = next;
      if (is(next, "token_tree") && word.rfind("{", 0) == 0) {
        rule = rules.block;
      } else if (word == "impl" || word == "fn" || word == "trait" || word == "extern") {
        rule = word == "impl" ? rules.impl : word == "trait" ? rules.trait : rules.fn;
        // The item ends with its `{…}` tree (or its `;`).
        for (body = next; !ts_node_is_null(body); body = ts_node_next_sibling(body)) {
          const std::string t = node_text(body, src);
          if ((is(body, "token_tree") && t.rfind("{", 0) == 0) || t == ";") break;
        }
        if (ts_node_is_null(body)) body = next;
      }
      if (!rule) {
        if (ts_node_child_count(c) > 0) scan_macro_bodies(c, f, src, rules, starts_file, path, seen, out);
        continue;
      }
      const uint32_t r0 = ts_node_start_point(c).row;
      uint32_t r1 = std::min<uint32_t>(ts_node_end_point(body).row, static_cast<uint32_t>(f.rows.size() - 1));
      bool touches = false;
      for (uint32_t r = r0; r <= r1 && r < f.rows.size(); ++r) touches = touches || f.added[r];
      if (touches && r0 < f.rows.size() && seen.insert({rule->id, f.line[r0]}).second) {
        Finding fd;
        fd.rule = rule->id;
        fd.severity = rule->severity;
        fd.message = rule->message + " (in a macro body)";
        fd.question = rule->question;
        fd.path = path;
        fd.line = f.line[r0];
        fd.end_line = f.line[r1];
        for (uint32_t r = r0; r <= r1 && r < r0 + 8; ++r) fd.snippet += f.rows[r] + "\n";
        // The comment lines right above, in the macro's text (a token tree
        // keeps no comment nodes), attributes allowed between.
        std::string comment;
        uint32_t r = r0;
        while (r > 0 && (trim_row(f.rows[r - 1]).rfind("//", 0) == 0 || trim_row(f.rows[r - 1]).rfind("#[", 0) == 0)) --r;
        for (uint32_t k = r; k < r0; ++k)
          if (trim_row(f.rows[k]).rfind("//", 0) == 0) comment += (comment.empty() ? "" : " ") + trim_row(trim_row(f.rows[k]).substr(2));
        const char* unseen = (r == 0 && !starts_file) ? "outside-context" : "missing";
        if (rule == rules.fn || rule == rules.trait) {
          fd.safety_state = comment.find("# Safety") != std::string::npos ? "present" : unseen;
        } else if (comment.find("SAFETY:") != std::string::npos) {
          fd.safety_comment = comment.substr(comment.find("SAFETY:"));
          fd.safety_state = "present";
        } else {
          fd.safety_state = unseen;
        }
        out.push_back(fd);
        add_placeholder_finding(fd, out);
      }
    }
    if (ts_node_child_count(c) > 0) scan_macro_bodies(c, f, src, rules, starts_file, path, seen, out);
  }
}

}  // namespace seam::core
