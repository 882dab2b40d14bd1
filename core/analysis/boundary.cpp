#include "core/analysis/boundary.hpp"

#include "core/analysis/tree_sitter.hpp"

namespace seam::core {

namespace {

struct Leaf {
  std::string_view text;
  bool identifier;
  int line;
};

// The tokens of a Rust tree in order, comments and literals left out.
std::vector<Leaf> rust_tokens(TSNode root, std::string_view src) {
  std::vector<Leaf> out;
  ts::for_each_token(root, ts::rust_text_node, [&](TSNode n) {
    std::string_view type(ts_node_type(n));
    out.push_back({ts::text(n, src), type == "identifier" || type == "type_identifier",
                   static_cast<int>(ts_node_start_point(n).row) + 1});
  });
  return out;
}

}  // namespace

std::vector<std::pair<std::string, int>> bindings_names(std::string_view src) {
  std::vector<std::pair<std::string, int>> out;
  if (src.find("bindings") == std::string_view::npos) return out;
  thread_local ts::ParserPtr parser = ts::parser_for(tree_sitter_rust());
  ts::TreePtr tree = ts::parse(parser.get(), src);
  if (!tree) return out;
  auto toks = rust_tokens(ts_tree_root_node(tree.get()), src);
  for (size_t i = 0; i + 2 < toks.size(); ++i) {
    if (!toks[i].identifier || toks[i].text != "bindings" || toks[i + 1].text != "::") continue;
    if (toks[i + 2].identifier) {
      out.emplace_back(std::string(toks[i + 2].text), toks[i + 2].line);
    } else if (toks[i + 2].text == "{") {  // use kernel::bindings::{a, b as c};
      int depth = 0;
      for (size_t k = i + 2; k < toks.size(); ++k) {
        if (toks[k].text == "{") ++depth;
        else if (toks[k].text == "}" && --depth == 0) break;
        else if (toks[k].identifier && depth == 1 && toks[k - 1].text != "as" &&
                 (k + 1 == toks.size() || toks[k + 1].text != "::"))
          out.emplace_back(std::string(toks[k].text), toks[k].line);
      }
    }
  }
  return out;
}

std::vector<std::string> c_includes(std::string_view src) {
  std::vector<std::string> out;
  thread_local ts::ParserPtr parser = ts::parser_for(tree_sitter_c());
  ts::TreePtr tree = ts::parse(parser.get(), src);
  if (!tree) return out;
  // #include may sit inside #if blocks: walk every node, not only the top.
  TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(tree.get()));
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    if (ts::is(n, "preproc_include")) {
      TSNode path = ts_node_child_by_field_name(n, "path", 4);
      std::string_view t = ts::text(path, src);
      if (t.size() > 2) out.emplace_back(t.substr(1, t.size() - 2));
    } else if (ts_tree_cursor_goto_first_child(&c)) {
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&c)) {
      if (!ts_tree_cursor_goto_parent(&c)) {
        ts_tree_cursor_delete(&c);
        return out;
      }
    }
  }
}

void Boundary::add_rust_file(const std::string& path, std::string_view source) {
  for (auto& [name, line] : bindings_names(source)) uses_.try_emplace(std::move(name), BindingsUse{path, line});
}

void Boundary::add_bindings_helper(std::string_view source) {
  for (auto& inc : c_includes(source)) includes_.insert(std::move(inc));
}

const BindingsUse* Boundary::use_of(const std::string& name) const {
  std::string_view n = name;
  if (n.rfind("rust_helper_", 0) == 0) n.remove_prefix(12);
  auto it = uses_.find(n);
  return it == uses_.end() ? nullptr : &it->second;
}

bool Boundary::is_bindings_header(const std::string& path) const {
  std::string_view p = path;
  if (p.size() < 2 || p.substr(p.size() - 2) != ".h") return false;
  if (p.rfind("arch/", 0) == 0) {
    size_t slash = p.find('/', 5);
    if (slash == std::string_view::npos) return false;
    p.remove_prefix(slash + 1);
  }
  if (p.rfind("include/", 0) != 0) return false;
  p.remove_prefix(8);
  if (includes_.count(p)) return true;
  if (p.rfind("uapi/", 0) == 0) return includes_.count(p.substr(5)) > 0;
  return false;
}

}  // namespace seam::core
