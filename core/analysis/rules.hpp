// Review rules as data: plugins/rules/*.scm and the user's own, each a
// tree-sitter query under a metadata header (; id:, ; severity:, ; message:,
// ; question:, ; paths:), loaded and compiled once.
#pragma once

#include <memory>
#include <string>
#include <vector>

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

// Compiles a query over the Rust grammar; nullptr with the error and its
// 1-based line set when it does not compile.
std::shared_ptr<const TSQuery> compile_rust_query(const std::string& text, std::string* error, int* error_line);

}  // namespace seam::core
