// One patch reviewed: its files classified and counted, and the findings of
// the rules on its Rust code, its Rust/C glue and, with a repository, the C
// that Rust uses through bindings::.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/boundary.hpp"
#include "core/analysis/hunks.hpp"
#include "core/analysis/rust_rules.hpp"

namespace seam::core {

struct HunkReview {
  int old_start = 0, new_start = 0;  // from its @@ line
  int added = 0, removed = 0;
};

// A file's hunks share its class.
struct FileReview {
  std::string path, cls;
  int added = 0, removed = 0;
  std::vector<HunkReview> hunks;
};

struct PatchReview {
  std::vector<FileReview> files;
  std::vector<Finding> findings;
};

// Reads a file's contents (from a repository), or nullopt.
using PostImageReader = std::function<std::optional<std::string>(const std::string& path)>;

// What a repository where the series applies adds to the review of a patch.
struct RepoView {
  PostImageReader after;               // a file after this patch
  PostImageReader before;              // a file before it
  const Boundary* boundary = nullptr;  // bindings:: uses and bindings_helper.h includes
};

// With `repo`, Rust files are parsed whole (see analyze_rust_file), headers
// bindings_helper.h includes are rust-c-glue, and C hunks changing a name
// Rust uses through bindings:: are findings (rule c-used-by-rust).
PatchReview review_patch(const std::vector<FileDiff>& files, const RuleSet& rules, const RepoView* repo = nullptr);

// The c-used-by-rust findings of one C file: each function, macro, struct,
// enum constant, typedef or global the hunks change (added lines in the file
// after, removed ones in the file before) that Rust uses through bindings::.
std::vector<Finding> c_used_by_rust(const FileDiff& file, const RepoView& repo);

}  // namespace seam::core
