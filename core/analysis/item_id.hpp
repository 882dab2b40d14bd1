// Stable ids of checklist items, so that a reviewer's notes and ticks
// survive a rebase of the same code and a new version of the series that
// keeps it.
//
// An id is "RULE:PATH:HASH", e.g. "unsafe-block:rust/kernel/pci.rs:3f2a9c1e":
// the rule of the item's first finding, the file's path after the patch, and
// 8 hex digits of a hash (FNV-1a, 32 bits) of the finding's code excerpt with
// every run of whitespace collapsed to one space and the ends trimmed. Line
// numbers are not part of it: code that moves keeps its id, code that changes
// gets a new one. When one patch has several items of one rule and path with
// the same code, the second and later (in line order) get ".2", ".3", … after
// the hash.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/analysis/rust_rules.hpp"

namespace seam::core {

// `code` with whitespace runs collapsed to one space, ends trimmed.
std::string normalise_code(const std::string& code);

// The id of an item whose first finding is `f`, without the ".N" suffix.
std::string item_id(const Finding& f);

// Ids of several items of one patch, given by their first findings (pointers
// into the caller's findings, none null), with ".N" suffixes where two
// would be equal. Same order as `heads`.
std::vector<std::string> item_ids(const std::vector<const Finding*>& heads);

// An id taken apart; nullopt when `id` does not have the form RULE:PATH:HASH
// (the rule lower-case letters, digits and '-'; the hash 8 hex digits,
// optionally followed by ".N").
struct ItemIdParts {
  std::string rule, path, hash;
};
std::optional<ItemIdParts> parse_item_id(const std::string& id);

}  // namespace seam::core
