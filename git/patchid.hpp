// git's patch id of a commit: what `prerequisite-patch-id:` lines name.
#pragma once

#include <git2.h>

#include <string>

namespace seam::git {

// The stable patch id (`git patch-id --stable`) of the commit's diff against
// its first parent: per file, the SHA-1 of the diff lines without whitespace,
// without index lines and hunk line numbers, summed over files. With
// `renames`, renamed files are diffed as renames (format-patch does so by
// default). "" when the commit cannot be read.
std::string commit_patch_id(git_repository* repo, const git_oid& commit, bool renames);

}  // namespace seam::git
