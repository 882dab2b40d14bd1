#include "core/analysis/safety.hpp"

#include <algorithm>
#include <cctype>

#include "core/analysis/tree_sitter.hpp"

namespace seam::core {

using ts::is;

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
      std::string text(ts::text(comment, src));
      auto at = text.find("SAFETY:");
      if (at != std::string::npos) {
        // A multi-line comment is several line_comment nodes: join them down
        // from the one that starts with SAFETY.
        std::string joined;
        uint32_t row = ts_node_start_point(comment).row;
        for (uint32_t r = row; r < f.rows.size(); ++r) {
          std::string t = trim_row(f.rows[r]);
          if (t.rfind("//", 0) != 0) break;
          joined += (joined.empty() ? "" : " ") + trim_row(t.substr(t.rfind("//", 0) == 0 ? 2 : 0));
        }
        return {joined.empty() ? trim_row(text) : joined, "present"};
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
    const std::string t = trim_row(f.rows[r]);
    if (!t.empty() && t.rfind("//", 0) != 0 && t.rfind("#[", 0) != 0) only_trivia_above = false;
  }
  if (only_trivia_above && !fragment_starts_file) return {std::nullopt, "outside-context"};
  return {std::nullopt, "missing"};
}

// The `# Safety` section of the doc comment above an item: "present",
// "missing", or "outside-context" when the comments above run up to the
// first row of a fragment that does not start the file, or the item opens a
// body whose header lies above the hunk.
std::string safety_doc_state(TSNode item, const std::string& src, bool fragment_starts_file) {
  uint32_t top = ts_node_start_point(item).row;
  for (TSNode p = ts_node_prev_sibling(item); !ts_node_is_null(p); p = ts_node_prev_sibling(p)) {
    if (is_comment(p)) {
      if (ts::text(p, src).find("# Safety") != std::string::npos) return "present";
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

bool is_placeholder(const std::string& comment) {
  const size_t at = comment.find("SAFETY:");
  const std::string why = trim_row(at == std::string::npos ? comment : comment.substr(at + 7));
  std::string upper;
  for (char ch : why.substr(0, 5)) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const char* word : {"TODO", "FIXME", "XXX", "TBD"})
    if (upper.rfind(word, 0) == 0) return true;
  return std::all_of(why.begin(), why.end(), [](unsigned char ch) { return std::ispunct(ch) || std::isspace(ch); });
}

bool in_trait_impl(TSNode fn) {
  TSNode list = ts_node_parent(fn);
  TSNode impl = ts_node_is_null(list) ? list : ts_node_parent(list);
  return is(impl, "impl_item") && !ts_node_is_null(ts_node_child_by_field_name(impl, "trait", 5));
}

}  // namespace seam::core
