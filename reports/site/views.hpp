// What the pages of `seam site` show: plain view structs the command fills
// from the store (series, checklists) and, for reviewers, notes and ticks,
// from core/people and the notes of the store. Renderers (pages.hpp) read
// only these; they never query the store. Every string here is mail text or
// derived from it, and is escaped by the renderers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/series.hpp"
#include "reports/checklist.hpp"

namespace seam::reports::site {

// One row of index.html: one series, its newest version.
struct IndexRow {
  std::string id, title, author;
  int version = 1;
  int received = 0, expected = 0;
  int acked = 0, reviewed = 0, tested = 0;
  int64_t date = 0;          // newest version, unix seconds (0: unknown)
  bool rust = false;         // some patch touches Rust
  int rust_percent = -1;     // share of changed lines in Rust files (rust, rust-c-glue); -1: not analysed
  int unsafe_blocks = 0;     // unsafe blocks the newest version adds
  int without_safety = 0;    // of which without a SAFETY comment
  // Review progress from the notes: e.g. "3/7 ticked"; "" when none.
  // From the notes of the store (seam note).
  std::string progress;
};

// One checklist entry of a patch (reports::checklist_entries), flattened.
struct EntryView {
  int rank = 5;                // see reports::Entry::rank
  bool folded = false;         // many places of one rule
  std::string path, place;     // file, "12" or "12-14" or "12, 40-41"
  std::string rules;           // rule names, ", "-separated
  std::string severity, message, question;
  std::string excerpt;         // code lines; lines of a diff start with '+', '-' or ' '
  std::string safety_state;    // present, missing, outside-context; "" for rules without one
  std::string safety;          // present: the SAFETY comment's text on one line, without "SAFETY:"
  // From the notes of the store (seam note).
  bool tick = false;                 // the reviewer ticked this entry
  std::vector<std::string> notes;    // notes on it, oldest first
};

struct PatchView {
  int index = 0;
  std::string msgid, subject;
  std::vector<EntryView> entries;
};

// A series page: the series (all versions), the checklist of its newest
// version (empty when not analysed), and notes on the series as a whole.
struct SeriesPage {
  core::Series series;
  std::vector<PatchView> patches;    // checklist of the newest version
  std::string checklist_error;       // why there is no checklist ("" when there is one)
  std::vector<std::string> notes;    // patch notes and notes left over (seam note)
};

// The checklist `c` as patch views (entries most important first), ticks
// and notes empty.
std::vector<PatchView> patch_views(const Checklist& c);

// The index row of `s`, from its newest version and, when not null, the
// checklist of that version `c` (share of Rust, unsafe blocks).
IndexRow index_row(const core::Series& s, const Checklist* c);

// A month of review work: what a person (or the team) reviewed that month.
struct MonthView {
  std::string month;               // "YYYY-MM"
  int rust = 0, c = 0, glue = 0;   // reviews (or series) by language
  int unsafe_reviews = 0;          // reviews of patches with unsafe code
  int boundary_reviews = 0;        // reviews of patches crossing the Rust/C boundary
};

struct AreaView {
  std::string name;  // a subsystem or path prefix
  int count = 0;
};

struct PersonView {
  std::string name, email;
  std::vector<MonthView> months;  // oldest first
  std::vector<AreaView> areas;    // most first
};

// Who could review an open series.
struct SuggestionView {
  std::string series_id, series_title;
  struct Reviewer {
    std::string name, email, reason;
  };
  std::vector<Reviewer> reviewers;  // best first
};

struct TeamView {
  // Series per month by language, computed from the series themselves
  // (what cmd_site fills today).
  std::vector<MonthView> series_months;
  // From core/people (reports/site/people_views.hpp):
  std::vector<PersonView> people;
  std::vector<MonthView> review_months;   // the team's reviews per month
  std::vector<AreaView> areas;
  std::vector<SuggestionView> suggestions;
};

// The whole site.
struct Site {
  std::vector<IndexRow> rows;        // newest first
  std::vector<SeriesPage> series;    // one page each
  TeamView team;
  std::string since;                 // the --since the site was built with ("" none), shown on the index
};

}  // namespace seam::reports::site
