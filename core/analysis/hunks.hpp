// The diff of one patch as seam analyses it: files, hunks and lines with
// their line numbers, parsed from the text of a patch mail.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seam::core {

struct DiffLine {
  char origin = ' ';  // ' ' context, '+' added, '-' removed
  int old_line = 0;   // 0 for added lines
  int new_line = 0;   // 0 for removed lines
  std::string text;   // without the origin character and newline
};

struct Hunk {
  int old_start = 0, old_count = 0, new_start = 0, new_count = 0;
  std::string header;  // "@@ -1,3 +1,4 @@ fn context"
  std::vector<DiffLine> lines;
};

struct FileDiff {
  std::string old_path, new_path;  // without a/ b/; "/dev/null" for created or deleted files
  bool binary = false;
  std::vector<Hunk> hunks;
  const std::string& path() const { return new_path == "/dev/null" ? old_path : new_path; }
  int added() const;
  int removed() const;
};

// Parses the diffs in `text` (git "diff --git" sections or plain unified
// diffs), stopping at a "-- " signature. Damaged input never throws: a hunk
// whose counts run past the text keeps the lines that are there.
std::vector<FileDiff> parse_diff(std::string_view text);

}  // namespace seam::core
