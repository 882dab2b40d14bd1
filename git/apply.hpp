// Applying a list of patches to a repository in memory with libgit2: one
// commit per patch on a base, a branch at the end, and a precise account of
// what failed. The working tree, index and HEAD are left alone unless a
// checkout is asked for.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace seam::git {

// The repository with the objects an apply wrote kept in memory (see
// git/scratch.hpp): what classify --repo, checklist --repo and range-diff
// read the applied commits through, without writing into the repository.
class Scratch;

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
  // The branch to write: "name" (refs/heads/name) or "refs/heads/name". An
  // existing branch is refused unless `force`; the branch checked out (in
  // any worktree, or HEAD's unborn branch) always is.
  std::string branch;
  bool force = false;
  bool checkout = false;     // also check the branch out (working tree, index, HEAD)
  bool partial = false;      // keep the branch of the patches that applied
  // false: only create the commits, in memory (range-diff, --repo reviews);
  // nothing is written into the repository. true: the objects go into the
  // repository (one pack) only when every patch applied (or --partial) and
  // the branch is accepted; a refused apply writes nothing.
  bool write_branch = true;
  // Apply through this in-memory repository (from an earlier result of the
  // same repository) instead of opening a new one: range-diff keeps both
  // versions' commits in one.
  std::shared_ptr<Scratch> objects;
  int max_base_search = 2000;  // commits to search for the pre-image blobs
};

struct ApplyFailure {
  std::string id;       // the patch
  std::string path;     // the file, quoted as git quotes names (quote_path)
  std::string hunk;     // its hunk header, when a hunk failed
  std::string reason;   // context does not match, file missing, already applied, …
};

struct ApplyResult {
  std::string base;          // commit id the series was applied on
  std::string base_reason;   // option, prerequisite-patch-id, base-commit, blob-guess, HEAD
  std::string branch;        // set when a branch was written
  std::vector<std::pair<std::string, std::string>> applied;  // (patch id, commit id)
  std::optional<ApplyFailure> failed;
  std::string error;         // a problem before any patch (repository, base, branch refused)
  // The repository with the new commits readable in memory; null when the
  // repository could not be opened.
  std::shared_ptr<Scratch> objects;
};

ApplyResult apply_patches(const std::string& repo_path, const std::vector<PatchInput>& patches,
                          const BaseHints& hints, const ApplyOptions& opts);

// Why a path in a patch may not be written: "" when it is safe. Refused:
// absolute paths, "..", anything inside .git. The path in the reason is
// quoted with quote_path.
std::string unsafe_path_reason(const std::string& path);

// A file name for messages: as it is when plain, else in double quotes with
// C escapes (\n, \t, \", \\, \ooo for other control bytes), as git quotes
// names in its output. Bytes of 0x80 and above stay (UTF-8 names).
std::string quote_path(const std::string& path);

}  // namespace seam::git
