// What kind of file a patch touches: Rust, C, the glue between them, build,
// docs, and so on.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/hunks.hpp"

namespace seam::core {

// rust, c, c-header, rust-c-glue, build, docs, devicetree, maintainers, other.
std::string classify_path(const std::string& path);

struct ClassCount {
  int added = 0, removed = 0;
};
// Lines added and removed per class over `files`.
std::map<std::string, ClassCount> count_by_class(const std::vector<FileDiff>& files);

}  // namespace seam::core
