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

}  // namespace seam::core::ts
