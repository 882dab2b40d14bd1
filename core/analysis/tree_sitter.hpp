// Owning handles for tree-sitter objects and the grammars compiled into seam
// (Rust for the rules, C for the C side of the boundary). Private to core/.
#pragma once

#include <tree_sitter/api.h>

#include <memory>
#include <string>
#include <string_view>

extern "C" const TSLanguage* tree_sitter_rust();
extern "C" const TSLanguage* tree_sitter_c();

namespace seam::core::ts {

struct ParserFree {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};
struct TreeFree {
  void operator()(TSTree* t) const { ts_tree_delete(t); }
};
struct QueryFree {
  void operator()(TSQuery* q) const { ts_query_delete(q); }
};
struct CursorFree {
  void operator()(TSQueryCursor* c) const { ts_query_cursor_delete(c); }
};
using ParserPtr = std::unique_ptr<TSParser, ParserFree>;
using TreePtr = std::unique_ptr<TSTree, TreeFree>;
using QueryPtr = std::unique_ptr<TSQuery, QueryFree>;
using CursorPtr = std::unique_ptr<TSQueryCursor, CursorFree>;

inline ParserPtr parser_for(const TSLanguage* language) {
  ParserPtr p(ts_parser_new());
  ts_parser_set_language(p.get(), language);
  return p;
}

inline TreePtr parse(TSParser* parser, std::string_view src) {
  return TreePtr(ts_parser_parse_string(parser, nullptr, src.data(), static_cast<uint32_t>(src.size())));
}

inline std::string_view text(TSNode n, std::string_view src) {
  uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (b > src.size() || e > src.size() || e < b) return {};
  return src.substr(b, e - b);
}

inline bool is(TSNode n, const char* type) {
  return !ts_node_is_null(n) && std::string_view(ts_node_type(n)) == type;
}

// Calls fn(node) for each token (leaf) under `root` in source order, without
// going into nodes for which skip(node) is true (comments, string literals).
// Missing nodes that error recovery inserted have no text and are left out.
template <typename Skip, typename Fn>
void for_each_token(TSNode root, Skip skip, Fn fn) {
  TSTreeCursor c = ts_tree_cursor_new(root);
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    const bool skipped = skip(n);
    if (!skipped && ts_tree_cursor_goto_first_child(&c)) continue;
    if (!skipped && ts_node_child_count(n) == 0 && !ts_node_is_missing(n)) fn(n);
    while (!ts_tree_cursor_goto_next_sibling(&c)) {
      if (!ts_tree_cursor_goto_parent(&c)) {
        ts_tree_cursor_delete(&c);
        return;
      }
    }
  }
}

// Comments and literals of the Rust grammar: their brackets and words are text, not tokens.
inline bool rust_text_node(TSNode n) {
  std::string_view t(ts_node_type(n));
  return t == "line_comment" || t == "block_comment" || t == "string_literal" || t == "raw_string_literal" ||
         t == "char_literal";
}

}  // namespace seam::core::ts
