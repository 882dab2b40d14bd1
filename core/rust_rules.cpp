#include "core/rust_rules.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <set>

#include "core/fragment.hpp"
#include "core/safety.hpp"
#include "core/tree_sitter.hpp"

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
      const Balance b = balance_of(ts_tree_root_node(tree.get()), f.text);
      if (!b.prefix.empty() || !b.suffix.empty()) {
        // The prefix goes on the first row and the suffix after the last, so
        // rows keep their numbers (nothing past the last row is reported).
        f.text = b.prefix + f.text + b.suffix + "\n";
        tree = ts::parse(parser.get(), f.text);
        if (!tree) continue;
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
