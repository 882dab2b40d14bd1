// A reviewer's notes and ticks on checklist items and patches, kept in the
// store (tables review_items and review_notes), and where they belong in the
// checklist of a version: on the item with the same id, else carried over to
// the item of the same rule and file nearest the old place (its code
// changed), else left over.
//
// Item ids: core/analysis/item_id.hpp. All strings are UTF-8 as given; every
// value is bound as an SQL parameter. Functions throw SqliteError when the
// store cannot be read or written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.hpp"

namespace seam::core {

// One checklist item as a checklist of one version showed it.
struct ReviewItem {
  std::string series;
  int version = 0;
  int patch = 0;  // 1-based index of the patch in the version
  std::string patch_msgid;
  std::string item;  // its id
  std::string rule, path;
  int line = 0;  // post-image line of its first finding
  std::string excerpt;
};

// A note (text) or tick on an item, or a note on a whole patch (item "").
struct ReviewNote {
  int64_t id = 0;  // assigned by add_note()
  std::string series;
  int version = 0;  // the version it was made on
  int patch = 0;
  std::string patch_msgid;
  std::string item;  // "" for a patch note
  std::string rule, path;
  int line = 0;
  std::string excerpt;  // the item's code when the note was made
  bool tick = false;    // a tick carries no text
  std::string text;
  int64_t created = 0;  // unix seconds
};

// Remembers the items of one version's checklist (replacing what an earlier
// run recorded for that series and version), in one transaction.
void record_items(Store& store, const std::string& series, int version, const std::vector<ReviewItem>& items);

// The recorded items with id `item`, newest version first (several series
// may hold the same code).
std::vector<ReviewItem> items_with_id(Store& store, std::string_view item);

// Stores `n` (its id ignored, `created` set to now when 0); returns its id.
int64_t add_note(Store& store, ReviewNote n);

// Ticks the item `it` (once: a second tick is no new row); with done=false
// removes its ticks on that series. Returns whether anything changed.
bool set_tick(Store& store, const ReviewItem& it, bool done);

// The notes and ticks of `series` ("" for every series), by series,
// version, patch, then creation.
std::vector<ReviewNote> series_notes(Store& store, std::string_view series = {});

// Removes one note or tick by its id; false when there was none.
bool delete_note(Store& store, int64_t id);
// Removes every note and tick on item `item` of `series`; how many.
int delete_item_notes(Store& store, std::string_view series, std::string_view item);
// Removes the notes on patch `patch` of `version` of `series` (not those on
// its items); how many.
int delete_patch_notes(Store& store, std::string_view series, int version, int patch);

// Where a note goes in the checklist of one version.
struct NotePlace {
  size_t note = 0;        // index into the notes given
  int patch = 0;          // the patch of the version it shows under; 0: left over (nothing to attach it to)
  std::string item;       // the item's id in this version ("" for a patch note or a left over one)
  bool carried = false;   // made on an earlier version whose code for the item differs
  std::string new_excerpt;  // carried: the code in this version
};

// Places the notes of one series in the checklist of version `version`
// whose items are `items`. Notes made on later versions are left out; a
// note made on this or an earlier version on an item whose id is in `items`
// goes on it; else (an earlier version) on the item of the same rule and
// path whose line is nearest the note's (carried); else it is left over.
// Ticks go only on an item of the same id (a changed item must be checked
// again): a tick of an earlier version on changed code is carried as a
// reminder, not a tick. Patch notes go on the patch of the same index.
std::vector<NotePlace> place_notes(const std::vector<ReviewNote>& notes, int version,
                                   const std::vector<ReviewItem>& items);

}  // namespace seam::core
