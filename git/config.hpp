// Reading git configuration (user identity, the [seam] section) with libgit2.
#pragma once

#include <optional>
#include <string>

namespace seam::git {

// "Name <email>" from user.name/user.email of the global and system git
// configuration (and of the repository at `repo_path` when given), or nullopt.
std::optional<std::string> user_identity(const std::string& repo_path = "");

}  // namespace seam::git
