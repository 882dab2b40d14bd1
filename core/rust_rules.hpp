// Review rules over Rust code: tree-sitter queries with a metadata header
// (plugins/rules/*.scm), run on the post-image of each hunk, and the findings
// they give about unsafe code and the Rust/C boundary.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/hunks.hpp"

struct TSQuery;  // tree-sitter's compiled query

namespace seam::core {

struct Rule {
  std::string id, severity, message, question;
  std::string path_prefix;  // "paths:" metadata: only files under it
  std::string file;         // where it was loaded from
  std::string query;        // the tree-sitter query text
  std::shared_ptr<const TSQuery> compiled;  // compiled once at load: compiling costs more than running
};

struct RuleError {
  std::string where;  // file:line
  std::string message;
};

struct RuleSet {
  std::vector<Rule> rules;
  std::vector<RuleError> errors;  // broken rule files; the other rules still run
};

// Loads every *.scm of each directory in order; later directories add rules
// (a rule with an id already loaded replaces it). Queries are compiled here,
// so a broken one is reported with its file and line.
RuleSet load_rules(const std::vector<std::string>& dirs);

// The directories rules come from: the built-in ones, then
// $XDG_CONFIG_HOME/seam/rules (or ~/.config/seam/rules), then `extra`.
std::vector<std::string> rule_dirs(const std::string& builtin, const std::string& extra);

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
