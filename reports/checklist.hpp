// The review checklist of a series: a summary (share of Rust, C and glue,
// unsafe blocks, missing SAFETY comments, boundary crossings), then per patch
// the findings grouped by kind, each a checkbox with its place, excerpt and
// the question to answer. Markdown is the canonical form.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/patch_review.hpp"
#include "core/store/notes.hpp"

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
  // The reviewer's notes and ticks on this series (core::series_notes()):
  // shown under their items and patches as core::place_notes() places them
  // (ticks as [x], notes carried over from an earlier version with the old
  // and new code); notes of later versions are left out.
  std::vector<core::ReviewNote> notes{};  // (an initializer: aggregates without it still compile warning-free)
};

// One checklist entry: the findings it stands for, as indexes into a
// patch's findings. Findings inside one unsafe block or on one line are
// merged (one entry asking each question); the other findings of one rule in
// one file are folded (one entry with the count and the list of places). The
// first finding is the one the entry is ranked and shown by.
struct Entry {
  std::vector<size_t> findings;
  bool folded = false;  // many places of one rule, rather than one place
  int rank = 0;         // 0 undocumented unsafe code, 1 boundary violation, 2 high, 3 medium, 4 low, 5 other
};

// The entries of one patch's findings, most important first (rank, then
// place). Every finding is in exactly one entry.
std::vector<Entry> checklist_entries(const std::vector<core::Finding>& findings);

// The items of the checklist, one per entry of each patch, with their ids
// (core/analysis/item_id.hpp: the id of the entry's first finding), in the
// order the checklist lists them; `series` and `version` from `c`.
std::vector<core::ReviewItem> checklist_items(const Checklist& c);

// Markdown and text list entries, not findings. `max_items` > 0 keeps only
// that many entries of the whole series, the most important ones, and says
// how many were left out; 0 keeps them all.
std::string checklist_markdown(const Checklist& c, size_t max_items = 0);
std::string checklist_text(const Checklist& c, bool color, size_t max_items = 0);
// Every finding, each with its group, and per patch its entries (indexes
// into its findings) with their rank, item id, tick ("done") and notes
// ({"id","text","version","carried", and when carried "old_excerpt",
// "new_excerpt"}); per patch its patch notes; "left_over_notes" the notes
// that have no item in this version.
nlohmann::json checklist_json(const Checklist& c);

}  // namespace seam::reports
