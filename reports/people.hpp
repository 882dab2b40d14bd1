// Renderers for people and review experience (core/people): `seam
// reviewers`, `seam experience`, `seam suggest`, and the replay table of
// bench/suggest. Text for people (mail names escaped), JSON for programs
// (schema in README). They receive data, never query the store.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/people/people.hpp"

namespace seam::reports {

// One line per reviewer; `sparkline` adds the per-month sparkline (▁…█)
// (only on a terminal), `color` dims the secondary columns.
std::string reviewers_text(const core::people::Data& d, const core::people::ReviewerReport& r, bool sparkline,
                           bool color);
nlohmann::json reviewers_json(const core::people::Data& d, const core::people::ReviewerReport& r);

std::string experience_text(const core::people::Data& d, const core::people::Experience& x, bool color);
nlohmann::json experience_json(const core::people::Data& d, const core::people::Experience& x);

// `title`: what is reviewed ("series <id> v2: …").
std::string suggest_text(const core::people::Data& d, const std::string& title,
                         const std::vector<core::people::Suggestion>& s, bool color);
nlohmann::json suggest_json(const core::people::Data& d, const std::string& series, int version,
                            const std::vector<core::people::Suggestion>& s);

// The candidates `ambiguous` names, one "Name <address>" a line.
std::string people_list_text(const core::people::Data& d, const std::vector<int>& people);

std::string replay_text(const core::people::ReplayResult& r);
nlohmann::json replay_json(const core::people::ReplayResult& r);

// The sparkline of `counts` scaled to `top` (▁ for 0… █ for top).
std::string sparkline(const std::vector<int>& counts, int top);

}  // namespace seam::reports
