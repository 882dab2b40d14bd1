// Review rules over Rust code: tree-sitter queries with a metadata header
// (plugins/rules/*.scm), run on the post-image of each hunk, and the findings
// they give about unsafe code and the Rust/C boundary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/analysis/hunks.hpp"
#include "core/analysis/rules.hpp"

namespace seam::core {

struct Finding {
  std::string rule, severity, message, path, snippet, question;
  int line = 0, end_line = 0;             // post-image lines
  std::optional<std::string> safety_comment;
  std::optional<std::string> safety_state;  // present, missing, outside-context
};

// Findings in the added or changed code of one Rust file's hunks. Without
// `whole_file`, each hunk is parsed from its post-image (context and added
// lines); with it (the file after the patch, read from a repository), the
// whole file is parsed and SAFETY comments are never out of sight.
std::vector<Finding> analyze_rust_file(const FileDiff& file, const RuleSet& rules,
                                       const std::string* whole_file = nullptr);

}  // namespace seam::core
