// The reviewer views of `seam site` (team page, a page per reviewer,
// suggestions for open series) made from core/people's data. A pure
// transformation: nothing here reads the store.
#pragma once

#include <cstddef>
#include <vector>

#include "core/people/people.hpp"
#include "reports/site/views.hpp"

namespace seam::reports::site {

// Fills team.people (the `max_people` people with most reviews, most
// first), team.review_months (every review of the team, per month, by the
// language of the files reviewed: glue when a file is rust-c-glue, else
// Rust when one is Rust, else C) and team.areas (reviews per area, most
// first, at most 12). A person's months run from their first to their last
// review, months without one included.
void fill_people(TeamView& team, const core::people::Data& d, size_t max_people = 40);

// Suggestions for the open versions (the newest version of each series in
// `open`, which no one but its author has reviewed yet), at most
// `max_series` of them, newest first, `per_series` reviewers each.
void fill_suggestions(TeamView& team, const core::people::Data& d, const std::vector<core::Series>& open,
                      size_t max_series = 20, size_t per_series = 3);

}  // namespace seam::reports::site
