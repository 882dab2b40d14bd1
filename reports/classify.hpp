// What `seam classify` prints: per patch the class and line counts of each
// file and hunk, lines per class, and the findings of the review rules.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/patch_review.hpp"

namespace seam::reports {

struct ClassifiedPatch {
  std::string msgid, subject;
  core::PatchReview review;
};

// {"patches":[{"msgid","subject","files":[…,"hunks":[…]],"classes","findings"}],"classes"}
nlohmann::json classify_json(const std::vector<ClassifiedPatch>& patches);
// Per patch: its subject, a line per file, a line per finding.
std::string classify_text(const std::vector<ClassifiedPatch>& patches, bool color);

// One finding as JSON: rule, severity, path, line, end_line, snippet,
// question, safety_comment and safety_state (null when not set).
nlohmann::json finding_json(const core::Finding& f);

}  // namespace seam::reports
