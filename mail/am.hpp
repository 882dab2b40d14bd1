// Turning a series into an mbox that `git am` applies, with the trailers
// collected from review added to each commit message, as `b4 am` does.
#pragma once

#include <string>
#include <string_view>

#include "core/series.hpp"

namespace seam::mail {

struct AmOptions {
  std::string add_sob;  // "Name <email>": append this Signed-off-by (b4 am -s)
};

// One am-ready message for patch `p` of a version with `total` patches,
// built from the patch's raw mail. Subjects are renumbered to the version
// ("[PATCH v3 1/2]"), as carried-over patches of a partial reroll need.
std::string am_message(std::string_view raw, const core::SeriesPatch& p, int version, int total,
                       const AmOptions& opts);

// The commit message of an am-ready message with its trailers, for tests
// and for the apply step: everything before the "---" separator.
std::string am_commit_message(std::string_view raw, const core::SeriesPatch& p, const AmOptions& opts);

// What applying a patch mail needs: the commit message as git am writes it
// (subject without tags, body, trailers from review), the diff, the author.
struct CommitParts {
  std::string message;
  std::string diff;          // from the first "diff --git" to the end, signature dropped
  core::Trailer author;      // name in `value`, address in `email`
  int64_t date = 0;
  int tz_minutes = 0;
};
CommitParts commit_parts(std::string_view raw, const core::SeriesPatch& p, const AmOptions& opts);

}  // namespace seam::mail
