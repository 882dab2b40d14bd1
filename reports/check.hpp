// What `seam check` prints for b4: one checkpatch-style line per finding
// that deserves it (b4.am-perpatch-check-cmd, b4.prep-perpatch-check-cmd),
// or a JSON array of check results (b4.review-perpatch-check-cmd,
// b4.review-series-check-cmd). Renderers only: the findings come from
// core::review_patch, the text they point into from the caller.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/patch_review.hpp"

namespace seam::reports {

// The severities seam knows, lowest first: info, low, medium, high. Returns
// their rank (0..3), or -1 for any other text.
int severity_rank(std::string_view severity);

// How much a finding matters to a check, as opposed to a checklist: the
// rule's severity when the justification it asks for is missing (an unsafe
// block or impl without a SAFETY comment, an unsafe fn or trait without a
// `# Safety` section) or empty (safety-placeholder); `medium` when the
// justification is outside the patch's context (it cannot be seen), and
// for the other rules (what a reviewer must look at is not a defect of the
// patch: their severity is capped at medium); `low` when the justification
// is present.
std::string check_severity(const core::Finding& f);

// One patch as checked: its review and where its text sits in the input.
struct CheckedPatch {
  std::string msgid;
  std::string patch_text;  // the text the diff was parsed from (the decoded mail body)
  int text_first_line = 0; // line of the input where patch_text's first line is; 0: not in the input
  core::PatchReview review;
};

struct CheckLine {
  bool error = false;      // ERROR (severity high), else WARNING
  int input_line = 0;      // line of the input (1-based), 0 when unknown
  std::string text;        // "path:line: message [rule]", mail text made safe for a terminal and for b4
};

// The line (1-based) of `patch_text` that shows line `new_line` of the
// file `path` after the patch (an added or context line of one of its
// hunks); else the line of the file's first hunk header, else of its
// diff header; 0 when the file is not in the text.
int patch_text_line(std::string_view patch_text, const std::string& path, int new_line);

// The findings of `patches` whose check_severity is at least `threshold`
// (a severity name; severity_rank must know it), in order.
std::vector<CheckLine> check_lines(const std::vector<CheckedPatch>& patches, std::string_view threshold);

// checkpatch --terse style: "-:LINE: ERROR: path:line: message [rule]\n"
// per line; "" when there is nothing to report.
std::string check_text(const std::vector<CheckLine>& lines);

// b4's review check protocol: [] when there is nothing to report, else one
// {"tool":"seam","status":"fail"|"warn","summary":"1 error, 2 warnings",
// "details":"ERROR: path:line: message [rule]\n…"} (a line per finding).
nlohmann::json check_b4_review(const std::vector<CheckLine>& lines);

}  // namespace seam::reports
