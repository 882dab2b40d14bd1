#include "core/rust_rules.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "core/tree_sitter.hpp"

namespace seam::core {

namespace fs = std::filesystem;

namespace {

using ts::CursorPtr;
using ts::ParserPtr;
using ts::QueryPtr;
using ts::TreePtr;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b);
}

QueryPtr compile(const std::string& text, std::string* error, int* error_line) {
  uint32_t offset = 0;
  TSQueryError type = TSQueryErrorNone;
  TSQuery* q = ts_query_new(tree_sitter_rust(), text.data(), static_cast<uint32_t>(text.size()), &offset, &type);
  if (!q) {
    static const char* names[] = {"none", "syntax", "node type", "field", "capture", "structure", "language"};
    *error = std::string("query ") + (type < 7 ? names[type] : "unknown") + " error";
    *error_line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + std::min<size_t>(offset, text.size()), '\n'));
  }
  return QueryPtr(q);
}

// All rules that apply to a file as one query, so that the tree is walked
// once per hunk instead of once per rule. Each pattern remembers the position
// of its rule among the applicable ones (the same text means the same rules
// in the same order, whichever RuleSet they now live in).
struct Combined {
  QueryPtr query;
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
  c.query = compile(text, &error, &line);
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

// The post-image of one hunk: its context and added lines, with the
// new-file line of each row and whether the row was added.
struct Fragment {
  std::string text;
  std::vector<int> line;
  std::vector<bool> added;
  std::vector<std::string> rows;
};

Fragment fragment_of(const Hunk& h) {
  Fragment f;
  for (const auto& l : h.lines) {
    if (l.origin == '-') continue;
    f.text += l.text + "\n";
    f.line.push_back(l.new_line);
    f.added.push_back(l.origin == '+');
    f.rows.push_back(l.text);
  }
  return f;
}

using ts::is;

// A hunk often starts inside an item and ends before its closing braces.
// What makes its tokens balanced: `suffix` closes the delimiters it leaves
// open, in order ("})" for `f({`); `prefix` opens those it closes without
// opening, outermost first. A `)` followed by `->`, `{` or `where` ends the
// parameters of a fn whose name lies above the hunk, so it is opened with
// `fn _(`. Brackets in comments and literals do not count.
struct Balance {
  std::string prefix, suffix;
};
Balance balance_of(TSNode root, const std::string& src) {
  std::string open, unopened;  // unopened: closers without an opener, innermost first
  std::vector<std::string_view> tokens;
  ts::for_each_token(root, ts::rust_text_node, [&](TSNode n) { tokens.push_back(ts::text(n, src)); });
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    if (t.size() != 1) continue;
    const char ch = t[0];
    if (ch == '{' || ch == '(' || ch == '[') {
      open.push_back(ch);
    } else if (ch == '}' || ch == ')' || ch == ']') {
      if (!open.empty()) {
        open.pop_back();
      } else {
        const bool fn_params = ch == ')' && i + 1 < tokens.size() &&
                               (tokens[i + 1] == "->" || tokens[i + 1] == "{" || tokens[i + 1] == "where");
        unopened.push_back(fn_params ? 'f' : ch);
      }
    }
  }
  Balance b;
  for (auto it = unopened.rbegin(); it != unopened.rend(); ++it)
    b.prefix += *it == '}' ? "{" : *it == ']' ? "[" : *it == 'f' ? "fn _(" : "(";
  for (auto it = open.rbegin(); it != open.rend(); ++it) b.suffix += *it == '{' ? '}' : *it == '(' ? ')' : ']';
  return b;
}

bool is_comment(TSNode n) { return is(n, "line_comment") || is(n, "block_comment"); }

// Comments directly above `n` (attributes may sit between), nearest last.
std::vector<TSNode> comments_above(TSNode n) {
  std::vector<TSNode> out;
  for (TSNode p = ts_node_prev_sibling(n); !ts_node_is_null(p); p = ts_node_prev_sibling(p)) {
    if (is_comment(p)) out.push_back(p);
    else if (!is(p, "attribute_item")) break;
  }
  return out;
}

struct Justification {
  std::optional<std::string> comment;
  std::string state;  // present, missing, outside-context
};

// Where clippy's undocumented_unsafe_blocks looks for the SAFETY comment: above
// the block, or above the statement, let, field initializer or argument that
// holds it.
Justification safety_of(TSNode n, const Fragment& f, const std::string& src, bool fragment_starts_file) {
  std::vector<TSNode> candidates{n};
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
    if (is(p, "source_file") || is(p, "block") || is(p, "declaration_list")) break;
    candidates.push_back(p);
    if (is(p, "let_declaration") || is(p, "expression_statement") || is(p, "field_initializer") ||
        is(p, "const_item") || is(p, "static_item") || is(p, "impl_item") || is(p, "function_item"))
      break;
  }
  uint32_t top_row = ts_node_start_point(n).row;
  for (TSNode c : candidates) {
    for (TSNode comment : comments_above(c)) {
      std::string text = node_text(comment, src);
      auto at = text.find("SAFETY:");
      if (at != std::string::npos) {
        // A multi-line comment is several line_comment nodes: join them down
        // from the one that starts with SAFETY.
        std::string joined;
        uint32_t row = ts_node_start_point(comment).row;
        for (uint32_t r = row; r < f.rows.size(); ++r) {
          std::string t = trim(f.rows[r]);
          if (t.rfind("//", 0) != 0) break;
          joined += (joined.empty() ? "" : " ") + trim(t.substr(t.rfind("//", 0) == 0 ? 2 : 0));
        }
        return {joined.empty() ? trim(text) : joined, "present"};
      }
    }
    top_row = std::min(top_row, ts_node_start_point(c).row);
    auto above = comments_above(c);
    if (!above.empty()) top_row = std::min(top_row, ts_node_start_point(above.back()).row);
  }
  // Nothing but blank, comment or attribute lines above within the hunk, and
  // the hunk does not start the file: the comment may be in lines the patch
  // does not show.
  bool only_trivia_above = true;
  for (uint32_t r = 0; r < top_row && r < f.rows.size(); ++r) {
    const std::string t = trim(f.rows[r]);
    if (!t.empty() && t.rfind("//", 0) != 0 && t.rfind("#[", 0) != 0) only_trivia_above = false;
  }
  if (only_trivia_above && !fragment_starts_file) return {std::nullopt, "outside-context"};
  return {std::nullopt, "missing"};
}

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

// The `# Safety` section of the doc comment above an item: "present",
// "missing", or "outside-context" when the comments above run up to the
// first row of a fragment that does not start the file, or the item opens a
// body whose header lies above the hunk.
std::string safety_doc_state(TSNode item, const std::string& src, bool fragment_starts_file) {
  uint32_t top = ts_node_start_point(item).row;
  for (TSNode p = ts_node_prev_sibling(item); !ts_node_is_null(p); p = ts_node_prev_sibling(p)) {
    if (is_comment(p)) {
      if (node_text(p, src).find("# Safety") != std::string::npos) return "present";
    } else if (!is(p, "attribute_item")) {
      break;
    }
    top = ts_node_start_point(p).row;
  }
  if (fragment_starts_file) return "missing";
  if (top == 0) return "outside-context";
  // Inside a body whose header the hunk does not show (the item is indented
  // at the fragment's top level, or first in a body opened on its first
  // row): it may be a trait impl, whose methods take the trait's contract.
  TSNode container = ts_node_parent(item);
  if (ts_node_is_null(container)) return "missing";
  if (is(container, "source_file") && ts_node_start_point(item).column > 0) return "outside-context";
  if (ts_node_start_point(container).row == 0 && ts_node_is_null(ts_node_prev_named_sibling(item)))
    return "outside-context";
  return "missing";
}

bool in_trait_impl(TSNode fn) {
  TSNode list = ts_node_parent(fn);
  TSNode impl = ts_node_is_null(list) ? list : ts_node_parent(list);
  return is(impl, "impl_item") && !ts_node_is_null(ts_node_child_by_field_name(impl, "trait", 5));
}

}  // namespace

std::vector<std::string> rule_dirs(const std::string& builtin, const std::string& extra) {
  std::vector<std::string> dirs{builtin};
  fs::path config;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) config = fs::path(x);
  else if (const char* h = std::getenv("HOME"); h && *h) config = fs::path(h) / ".config";
  if (!config.empty() && fs::is_directory(config / "seam" / "rules")) dirs.push_back((config / "seam" / "rules").string());
  if (!extra.empty()) dirs.push_back(extra);
  return dirs;
}

RuleSet load_rules(const std::vector<std::string>& dirs) {
  RuleSet set;
  for (const auto& dir : dirs) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".scm") files.push_back(it->path());
    if (ec) {
      set.errors.push_back({dir, "cannot read the rules folder: " + ec.message()});
      continue;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file);
      std::ostringstream text;
      text << in.rdbuf();
      Rule r;
      r.file = file.string();
      r.query = text.str();
      std::istringstream lines(r.query);
      for (std::string l; std::getline(lines, l);) {
        if (l.rfind(";", 0) != 0) break;
        const size_t text = l.find_first_not_of(';');
        if (text == std::string::npos) continue;  // a bare ";" line
        std::string body = trim(l.substr(text));
        auto colon = body.find(':');
        if (colon == std::string::npos) continue;
        std::string key = trim(body.substr(0, colon)), value = trim(body.substr(colon + 1));
        if (key == "id") r.id = value;
        else if (key == "severity") r.severity = value;
        else if (key == "message") r.message = value;
        else if (key == "question") r.question = value;
        else if (key == "paths") r.path_prefix = value;
      }
      if (r.id.empty()) {
        set.errors.push_back({r.file + ":1", "no '; id:' line in the rule's header"});
        continue;
      }
      std::string error;
      int line = 0;
      QueryPtr q = compile(r.query, &error, &line);
      if (!q) {
        set.errors.push_back({r.file + ":" + std::to_string(line), error});
        continue;
      }
      r.compiled = std::shared_ptr<const TSQuery>(q.release(), [](const TSQuery* x) {
        ts_query_delete(const_cast<TSQuery*>(x));
      });
      if (r.severity.empty()) r.severity = "info";
      auto same = std::find_if(set.rules.begin(), set.rules.end(), [&](const Rule& x) { return x.id == r.id; });
      if (same != set.rules.end()) *same = std::move(r);
      else set.rules.push_back(std::move(r));
    }
  }
  return set;
}

// The rules for unsafe code written inside macro bodies.
struct MacroRules {
  const Rule *block = nullptr, *impl = nullptr, *fn = nullptr, *trait = nullptr;
};
void scan_macro_bodies(TSNode node, const Fragment& f, const std::string& src, const MacroRules& rules,
                       bool starts_file, const std::string& path, std::set<std::pair<std::string, int>>& seen,
                       std::vector<Finding>& out);

// The whole post-image as one fragment, rows marked added where a hunk adds.
Fragment whole_fragment(const FileDiff& file, const std::string& text) {
  std::set<int> added;
  for (const auto& h : file.hunks)
    for (const auto& l : h.lines)
      if (l.origin == '+') added.insert(l.new_line);
  Fragment f;
  f.text = text;
  size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    f.rows.push_back(text.substr(i, (nl == std::string::npos ? text.size() : nl) - i));
    f.line.push_back(line);
    f.added.push_back(added.count(line) > 0);
    ++line;
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  if (!f.text.empty() && f.text.back() != '\n') f.text += '\n';
  return f;
}

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
        // A SAFETY comment that justifies nothing is its own finding.
        if (fd.safety_comment) {
          std::string why = trim(fd.safety_comment->substr(fd.safety_comment->find("SAFETY:") + 7));
          std::string upper;
          for (char ch : why.substr(0, 5)) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          if (why.empty() || upper.rfind("TODO", 0) == 0 || upper.rfind("FIXME", 0) == 0 || upper.rfind("XXX", 0) == 0) {
            Finding p = fd;
            p.rule = "safety-placeholder";
            p.severity = "high";
            p.message = "SAFETY comment that justifies nothing";
            p.question = "What makes this unsafe code sound? Replace the placeholder with the argument.";
            out.push_back(std::move(p));
          }
        }
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
        while (r > 0 && (trim(f.rows[r - 1]).rfind("//", 0) == 0 || trim(f.rows[r - 1]).rfind("#[", 0) == 0)) --r;
        for (uint32_t k = r; k < r0; ++k)
          if (trim(f.rows[k]).rfind("//", 0) == 0) comment += (comment.empty() ? "" : " ") + trim(trim(f.rows[k]).substr(2));
        const char* unseen = (r == 0 && !starts_file) ? "outside-context" : "missing";
        if (rule == rules.fn || rule == rules.trait) {
          fd.safety_state = comment.find("# Safety") != std::string::npos ? "present" : unseen;
        } else if (comment.find("SAFETY:") != std::string::npos) {
          fd.safety_comment = comment.substr(comment.find("SAFETY:"));
          fd.safety_state = "present";
        } else {
          fd.safety_state = unseen;
        }
        out.push_back(std::move(fd));
      }
    }
    if (ts_node_child_count(c) > 0) scan_macro_bodies(c, f, src, rules, starts_file, path, seen, out);
  }
}

}  // namespace seam::core
