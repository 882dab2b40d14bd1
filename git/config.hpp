// Reading git configuration (user identity, the [seam] section) with libgit2.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace seam::git {

// "Name <email>" from user.name/user.email of the global and system git
// configuration (and of the repository at `repo_path` when given), or nullopt.
std::optional<std::string> user_identity(const std::string& repo_path = "");

}  // namespace seam::git

namespace seam::git {

// Every value of the multi-valued key `name` (e.g. "seam.lore-fallback") in
// the global and system git configuration (and the repository's at
// `repo_path` when given and found), in the order git reads them; empty when
// the key is unset or the configuration cannot be read.
std::vector<std::string> config_values(const std::string& name, const std::string& repo_path = "");

}  // namespace seam::git
