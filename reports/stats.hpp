// Rendering `seam stats`: what the store holds and how far each source was read.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/store/store.hpp"

namespace seam::reports {

// {"messages":N,"series":N,"duplicates":N,
//  "store":{"bytes":N,"bytes_per_message":N},
//  "sources":[{"path":…,"kind":…,"list":…|null,"messages":N,"duplicates":N,
//              "cursor":{"commit":…} | {"offset":N,"size":N} | {}}],
//  "lists":[{"name":…,"messages":N,"sources":N}]}
// bytes_per_message is rounded down, 0 when there are no messages.
nlohmann::json stats_json(const core::Store::Stats& s);

// The same for people: totals, then one line per list and per source; paths
// through printable().
std::string stats_text(const core::Store::Stats& s, bool color);

}  // namespace seam::reports
