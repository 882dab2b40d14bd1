// One patch reviewed: its files classified and counted, and the findings of
// the rules on its Rust code and its Rust/C glue.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/hunks.hpp"
#include "core/rust_rules.hpp"

namespace seam::core {

struct FileReview {
  std::string path, cls;
  int added = 0, removed = 0;
};

struct PatchReview {
  std::vector<FileReview> files;
  std::vector<Finding> findings;
};

// Reads the post-image of a file (from a repository), or nullopt.
using PostImageReader = std::function<std::optional<std::string>(const std::string& path)>;

// With `post_image`, Rust files are parsed whole (see analyze_rust_file).
PatchReview review_patch(const std::vector<FileDiff>& files, const RuleSet& rules,
                         const PostImageReader& post_image = {});

}  // namespace seam::core
