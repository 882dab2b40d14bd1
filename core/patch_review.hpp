// One patch reviewed: its files classified and counted, and the findings of
// the rules on its Rust code and its Rust/C glue.
#pragma once

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

PatchReview review_patch(const std::vector<FileDiff>& files, const RuleSet& rules);

}  // namespace seam::core
