#include "core/analysis/c_items.hpp"

#include "core/analysis/tree_sitter.hpp"

namespace seam::core {

namespace {

using ts::is;

int first_line(TSNode n) { return static_cast<int>(ts_node_start_point(n).row) + 1; }
int last_line(TSNode n) {
  TSPoint e = ts_node_end_point(n);
  // A node ending at column 0 ends with the newline of the line before.
  return static_cast<int>(e.row) + (e.column == 0 && e.row > ts_node_start_point(n).row ? 0 : 1);
}

// The identifier a declarator declares: `*foo`, `foo(int)`, `foo[3]`, `(*foo)(void)`.
TSNode declared(TSNode d) {
  for (int depth = 0; depth < 16 && !ts_node_is_null(d); ++depth) {
    if (is(d, "identifier") || is(d, "type_identifier") || is(d, "field_identifier")) return d;
    TSNode inner = ts_node_child_by_field_name(d, "declarator", 10);
    if (ts_node_is_null(inner) && ts_node_named_child_count(d) > 0) inner = ts_node_named_child(d, 0);
    d = inner;
  }
  return TSNode{};
}

bool has_function_declarator(TSNode d) {
  for (int depth = 0; depth < 16 && !ts_node_is_null(d); ++depth) {
    if (is(d, "function_declarator")) return true;
    d = ts_node_child_by_field_name(d, "declarator", 10);
  }
  return false;
}

// Every child in the "declarator" field (`int a, *b;` has two).
std::vector<TSNode> declarators(TSNode n) {
  std::vector<TSNode> out;
  TSTreeCursor c = ts_tree_cursor_new(n);
  if (ts_tree_cursor_goto_first_child(&c)) {
    do {
      const char* field = ts_tree_cursor_current_field_name(&c);
      if (field && std::string_view(field) == "declarator") out.push_back(ts_tree_cursor_current_node(&c));
    } while (ts_tree_cursor_goto_next_sibling(&c));
  }
  ts_tree_cursor_delete(&c);
  return out;
}

class Collector {
 public:
  explicit Collector(std::string_view src) : src_(src) {}
  std::vector<CItem> items;

  // Children of a translation unit, an #if block or an ERROR node.
  void top_level(TSNode container) {
    uint32_t n = ts_node_named_child_count(container);
    for (uint32_t i = 0; i < n; ++i) {
      TSNode c = ts_node_named_child(container, i);
      if (is(c, "preproc_if") || is(c, "preproc_ifdef") || is(c, "preproc_else") || is(c, "preproc_elif") ||
          is(c, "preproc_elifdef") || is(c, "ERROR") || is(c, "linkage_specification") ||
          is(c, "declaration_list")) {
        top_level(c);
      } else {
        item(c, c);
      }
    }
  }

 private:
  void add(TSNode name, const char* kind, TSNode span) {
    if (ts_node_is_null(name)) return;
    std::string_view t = ts::text(name, src_);
    // Kernel annotations (`static __always_inline struct x *f(…)`) can make
    // error recovery take a keyword for a name.
    if (t.empty() || t == "struct" || t == "union" || t == "enum" || t == "const" || t == "static" ||
        t == "inline" || t == "unsigned" || t == "signed" || t == "volatile" || t == "extern")
      return;
    items.push_back({std::string(t), kind, first_line(span), last_line(span)});
  }

  // The names `n` defines, with the lines of `span` (the file-level item).
  void item(TSNode n, TSNode span) {
    const char* type = ts_node_type(n);
    std::string_view t(type);
    if (t == "function_definition") {
      add(declared(ts_node_child_by_field_name(n, "declarator", 10)), "function", span);
      specifier(ts_node_child_by_field_name(n, "type", 4), span);
    } else if (t == "preproc_def" || t == "preproc_function_def") {
      add(ts_node_child_by_field_name(n, "name", 4), "macro", span);
    } else if (t == "declaration") {
      specifier(ts_node_child_by_field_name(n, "type", 4), span);
      for (TSNode d : declarators(n)) add(declared(d), has_function_declarator(d) ? "prototype" : "variable", span);
    } else if (t == "type_definition") {
      specifier(ts_node_child_by_field_name(n, "type", 4), span);
      for (TSNode d : declarators(n)) add(declared(d), "typedef", span);
    } else if (t == "struct_specifier" || t == "union_specifier" || t == "enum_specifier") {
      specifier(n, span);
    } else if (t == "expression_statement" && ts_node_named_child_count(n) == 1) {
      item(ts_node_named_child(n, 0), span);
    }
  }

  // struct/union/enum with a body: its tag, and for an enum its constants
  // (each with its own lines, the enum's tag with the whole item's).
  void specifier(TSNode s, TSNode span) {
    if (ts_node_is_null(s)) return;
    std::string_view t(ts_node_type(s));
    TSNode body = ts_node_child_by_field_name(s, "body", 4);
    if (ts_node_is_null(body)) return;
    if (t == "struct_specifier") add(ts_node_child_by_field_name(s, "name", 4), "struct", span);
    else if (t == "union_specifier") add(ts_node_child_by_field_name(s, "name", 4), "union", span);
    else if (t == "enum_specifier") {
      add(ts_node_child_by_field_name(s, "name", 4), "enum", span);
      uint32_t count = ts_node_named_child_count(body);
      for (uint32_t i = 0; i < count; ++i) {
        TSNode e = ts_node_named_child(body, i);
        if (is(e, "enumerator")) add(ts_node_child_by_field_name(e, "name", 4), "constant", e);
      }
    }
  }

  std::string_view src_;
};

}  // namespace

std::vector<CItem> c_items(std::string_view source) {
  thread_local ts::ParserPtr parser = ts::parser_for(tree_sitter_c());
  ts::TreePtr tree = ts::parse(parser.get(), source);
  if (!tree) return {};
  Collector c(source);
  c.top_level(ts_tree_root_node(tree.get()));
  return c.items;
}

}  // namespace seam::core
