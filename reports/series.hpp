// Rendering series: the one-line-per-series list, and one series in full.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/series.hpp"

namespace seam::reports {

// The stable JSON of a series (documented in README):
// {"id","title","author","rust","pull","versions":[{"version","cover","expected",
//  "received","date","patches":[{"index","msgid","subject","trailers":[{"name","value","from"}]}]}]}
nlohmann::json series_json(const core::Series& s);

// One line per series: id, newest version, received/expected, A·R·T trailer
// totals (core::review_counts of the newest version: Acked-by, Reviewed-by,
// Tested-by its patches carry, in their commit messages or collected from
// review), rust, title, author.
std::string series_list_text(const std::vector<core::Series>& all, bool color);

// Which patches changed between two versions, paired as range-diff pairs
// them: by patch id, then by title. `unchanged`, `changed` and `added` are
// indices in the newer version, `removed` in the older; `moved` lists the
// (older, newer) indices of paired patches whose position changed.
struct VersionChanges {
  int from = 0, to = 0;
  std::vector<int> unchanged, changed, added, removed;
  std::vector<std::pair<int, int>> moved;
};
std::vector<VersionChanges> version_changes(const core::Series& s);

// `seam show`: the series with versions, patches, trailers (the Acked-by,
// Reviewed-by, Tested-by of the commit messages and everything collected
// from review), what is missing and what changed between versions.
// `selected` is the version the user's message belongs to (0: none), marked
// in the text and given as "selected_version" in the JSON.
std::string series_show_text(const core::Series& s, bool color, int selected = 0);
nlohmann::json series_show_json(const core::Series& s, int selected = 0);

}  // namespace seam::reports
