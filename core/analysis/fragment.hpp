// What the rules parse: the post-image of a hunk (its context and added
// lines) or of a whole file, row by row, with each row's line in the new
// file and whether the patch added it.
#pragma once

#include <tree_sitter/api.h>

#include <string>
#include <vector>

#include "core/analysis/hunks.hpp"

namespace seam::core {

// The post-image of one hunk: its context and added lines, with the
// new-file line of each row and whether the row was added.
struct Fragment {
  std::string text;
  std::vector<int> line;
  std::vector<bool> added;
  std::vector<std::string> rows;
};

Fragment fragment_of(const Hunk& h);

// The whole post-image as one fragment, rows marked added where a hunk adds.
Fragment whole_fragment(const FileDiff& file, const std::string& text);

// A hunk often starts inside an item and ends before its closing braces.
// What makes its tokens balanced: `suffix` closes the delimiters it leaves
// open, in order ("})" for `f({`); `prefix` opens those it closes without
// opening, outermost first. A `)` followed by `->`, `{` or `where` ends the
// parameters of a fn whose name lies above the hunk, so it is opened with
// `fn _(`. Brackets in comments and literals do not count.
struct Balance {
  std::string prefix, suffix;
};
Balance balance_of(TSNode root, const std::string& src);

// A row without the blanks around it.
std::string trim_row(std::string s);

}  // namespace seam::core
