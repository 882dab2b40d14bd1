// The pages of `seam site`: a static HTML site that needs no server, no
// network and no JavaScript (index.html has a small inline filter script; the
// table reads the same without it). Every page carries a
// Content-Security-Policy that forbids any request (default-src 'none') and
// allows only its own inline script by hash; every byte of mail is escaped
// (html_text, html_lines). Pages link to each other by relative paths, so the
// site works from file://.
#pragma once

#include <string>
#include <vector>

#include "reports/site/views.hpp"

namespace seam::reports::site {

// Where a page lives in the site, relative to its root: "series/ID.html",
// "people/SLUG.html". Mail text in an id or an address becomes a file name of
// [a-z0-9._-] only, with a hash of the original when anything was changed
// (so two addresses never share a page).
std::string series_path(const std::string& series_id);
std::string person_path(const std::string& email);

// Whole pages (UTF-8 HTML documents). No errors.
std::string index_page(const Site& site);
std::string series_page(const SeriesPage& page);
std::string team_page(const TeamView& team);
std::string person_page(const PersonView& person, const std::vector<SuggestionView>& suggestions);

// The charts of the team and person pages (also inside those pages): series
// per month stacked by language, reviews per month stacked by language,
// unsafe and boundary reviews per month, areas.
std::string series_months_chart(const std::vector<MonthView>& months);
std::string review_months_chart(const std::vector<MonthView>& months, const std::string& who);
std::string unsafe_months_chart(const std::vector<MonthView>& months, const std::string& who);
std::string areas_chart(const std::vector<AreaView>& areas, const std::string& who);

// Series per month (UTC month of each version's date; undated versions are
// left out), stacked by the language of the series: "glue" when it touches
// Rust/C glue or both Rust and C, else "rust" when it touches Rust, else
// "c". checklists[i] (may be null, or the vector shorter) is the checklist
// of all[i]'s newest version, used for the language; without it the
// series' rust flag decides. Months without series between the first and
// the last are included (zero bars), oldest first.
std::vector<MonthView> series_months(const std::vector<core::Series>& all,
                                     const std::vector<const Checklist*>& checklists);

// Writes the site under `dir` (created, with series/ and people/; existing
// files of the same names are replaced): index.html, team.html, one page per
// series and per person. Returns "" on success, else a message naming the
// file that could not be written.
std::string write_site(const Site& site, const std::string& dir);

}  // namespace seam::reports::site
