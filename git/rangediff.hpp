// Comparing two versions of a series commit by commit, as git range-diff
// pairs them: identical patches, changed ones with the diff between their
// diffs, and patches only one side has.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace seam::git {

class Scratch;

struct RangePair {
  int old_pos = 0;          // 1-based position in the old version; 0: none
  int new_pos = 0;          // 1-based position in the new version; 0: none
  std::string old_commit, new_commit;
  std::string title;        // commit summary (of the new side when there is one)
  char status = '=';        // '=' identical, '!' changed, '<' only old, '>' only new
  std::string interdiff;    // for '!': a diff of the old patch against the new
};

// `old_commits` and `new_commits` are commit ids in `repo_path`, in series
// order. Throws Error when the repository or a commit cannot be read.
std::vector<RangePair> range_diff(const std::string& repo_path, const std::vector<std::string>& old_commits,
                                  const std::vector<std::string>& new_commits);
// The same, reading through an apply's in-memory objects (ApplyResult::objects),
// where commits applied without a branch live.
std::vector<RangePair> range_diff(const std::shared_ptr<Scratch>& objects, const std::vector<std::string>& old_commits,
                                  const std::vector<std::string>& new_commits);

// Two commits compare equal for range-diff when their patches and their
// metadata (author, commit message) are the same: a patch whose message
// changed (a trailer added) is '!', its interdiff shows the message lines.

}  // namespace seam::git
