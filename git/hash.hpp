// Content hashes as git computes them.
#pragma once

#include <string>
#include <string_view>

namespace seam::git {

// The git blob id (SHA-1, 40 hex digits) of `data`.
std::string hash_bytes(std::string_view data);

}  // namespace seam::git
