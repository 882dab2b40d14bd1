// The review checklist of a series: a summary (share of Rust, C and glue,
// unsafe blocks, missing SAFETY comments, boundary crossings), then per patch
// the findings grouped by kind, each a checkbox with its place, excerpt and
// the question to answer. Markdown is the canonical form.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/patch_review.hpp"

namespace seam::reports {

struct ChecklistPatch {
  int index = 0;
  std::string msgid, subject;
  core::PatchReview review;
};

struct Checklist {
  std::string title, series_id, author;
  int version = 1;
  int expected = 0;
  std::vector<ChecklistPatch> patches;
};

std::string checklist_markdown(const Checklist& c);
std::string checklist_text(const Checklist& c, bool color);
nlohmann::json checklist_json(const Checklist& c);

}  // namespace seam::reports
