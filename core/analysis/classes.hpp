// What kind of file a patch touches: Rust, C, the glue between them, build,
// docs, and so on.
#pragma once

#include <string>

#include "core/analysis/boundary.hpp"

namespace seam::core {

// rust, c, c-header, rust-c-glue, build, docs, devicetree, maintainers, other.
// With `boundary` (a repository's), the headers rust/bindings/bindings_helper.h
// includes are rust-c-glue too.
std::string classify_path(const std::string& path, const Boundary* boundary = nullptr);

}  // namespace seam::core
