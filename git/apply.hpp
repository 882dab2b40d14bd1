// Applying a list of patches to a repository in memory with libgit2: one
// commit per patch on a base, a branch at the end, and a precise account of
// what failed. The working tree, index and HEAD are left alone unless a
// checkout is asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam::git {

// One patch as git am would take it.
struct PatchInput {
  std::string id;            // how to name it in reports (a message-id)
  std::string diff;          // the diff text ("diff --git …" sections)
  std::string message;       // full commit message
  std::string author_name;
  std::string author_email;
  int64_t date = 0;          // seconds since the epoch
  int tz_minutes = 0;
};

struct BaseHints {
  std::string base_commit;   // the base-commit: trailer, when the series has one
  std::string prerequisites; // prerequisite-patch-id: values, space-separated
  std::string override_rev;  // --base
};

struct ApplyOptions {
  std::string branch;        // refs/heads/<branch>
  bool checkout = false;     // also check the branch out (working tree, index, HEAD)
  bool partial = false;      // keep the branch of the patches that applied
  bool write_branch = true;  // false: only create the commits (range-diff)
  int max_base_search = 2000;  // commits to search for the pre-image blobs
};

struct ApplyFailure {
  std::string id;       // the patch
  std::string path;     // the file
  std::string hunk;     // its hunk header, when a hunk failed
  std::string reason;   // context does not match, file missing, already applied, …
};

struct ApplyResult {
  std::string base;          // commit id the series was applied on
  std::string base_reason;   // option, prerequisite-patch-id, base-commit, blob-guess, HEAD
  std::string branch;        // set when a branch was written
  std::vector<std::pair<std::string, std::string>> applied;  // (patch id, commit id)
  std::optional<ApplyFailure> failed;
  std::string error;         // a problem before any patch (repository, base, unsafe path)
};

ApplyResult apply_patches(const std::string& repo_path, const std::vector<PatchInput>& patches,
                          const BaseHints& hints, const ApplyOptions& opts);

// Why a path in a patch may not be written: "" when it is safe. Refused:
// absolute paths, "..", anything inside .git.
std::string unsafe_path_reason(const std::string& path);

}  // namespace seam::git
