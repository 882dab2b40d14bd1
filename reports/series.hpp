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
// totals, rust, title, author.
std::string series_list_text(const std::vector<core::Series>& all, bool color);

// Which patches changed between two versions, by patch id.
struct VersionChanges {
  int from = 0, to = 0;
  std::vector<int> unchanged, changed, added, removed;
};
std::vector<VersionChanges> version_changes(const core::Series& s);

// `seam show`: the series with versions, patches, trailers, what is missing
// and what changed between versions.
std::string series_show_text(const core::Series& s, bool color);
nlohmann::json series_show_json(const core::Series& s);

}  // namespace seam::reports
