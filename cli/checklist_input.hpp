// Shared by checklist, note and reply: the checklist of one version of a
// series, with the reviewer's notes, built from the store.
#pragma once

#include <optional>
#include <string>

#include "core/store/store.hpp"
#include "reports/checklist.hpp"

namespace seam::cli {

struct ChecklistRequest {
  std::string key;    // message-id or series id
  int version = 0;    // 0: the version of `key`, else the newest (find_version)
  std::string rules;  // extra rules folder, "" for none
  std::string repo;   // repository where the series applies, "" for none
};

struct BuiltChecklist {
  reports::Checklist checklist;
  core::Series series;
  int version_index = 0;    // into series.versions
  bool rule_errors = false;  // a rule file failed to load (reported)
};

// Reviews every patch of the version asked for and records its items
// (core::record_items) so `seam note ITEM-ID` can find them; the series'
// notes are loaded into the checklist. nullopt after printing an error that
// names `command`.
std::optional<BuiltChecklist> build_checklist(core::Store& store, const ChecklistRequest& req, const char* command);

}  // namespace seam::cli
