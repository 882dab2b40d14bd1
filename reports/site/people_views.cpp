#include "reports/site/people_views.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

namespace seam::reports::site {

namespace {

namespace pp = core::people;

std::string month_key(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m", &tm);
  return buf;
}

// "YYYY-MM" of the month after `m`.
std::string next_month(const std::string& m) {
  int y = std::stoi(m.substr(0, 4)), mo = std::stoi(m.substr(5, 2));
  if (++mo > 12) mo = 1, ++y;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, mo);
  return buf;
}

void count(MonthView& m, const pp::Event& e) {
  if (e.classes & pp::kGlue) ++m.glue;
  else if (e.classes & pp::kRust) ++m.rust;
  else ++m.c;
  if (e.unsafe_code) ++m.unsafe_reviews;
  if (e.boundary) ++m.boundary_reviews;
}

// Months from the first to the last key of `by`, gaps filled with zeros.
std::vector<MonthView> months_of(std::map<std::string, MonthView>& by) {
  std::vector<MonthView> out;
  if (by.empty()) return out;
  const std::string last = by.rbegin()->first;
  for (std::string m = by.begin()->first; m <= last; m = next_month(m)) {
    MonthView v = by.count(m) ? by[m] : MonthView{};
    v.month = m;
    out.push_back(v);
  }
  return out;
}

std::vector<AreaView> top_areas(const std::map<std::string, int>& by, size_t n) {
  std::vector<AreaView> out;
  for (const auto& [name, c] : by) out.push_back({name, c});
  std::stable_sort(out.begin(), out.end(), [](const AreaView& a, const AreaView& b) { return a.count > b.count; });
  if (out.size() > n) out.resize(n);
  return out;
}

void add_areas(std::map<std::string, int>& by, const pp::Data& d, const pp::Event& e) {
  std::set<std::string> seen;
  for (int f : e.files)
    for (const auto& a : d.paths[static_cast<size_t>(f)].areas)
      if (seen.insert(a).second) ++by[a];
}

PersonView person_view(const pp::Data& d, int person) {
  std::map<std::string, MonthView> by;
  std::map<std::string, int> areas;
  for (const auto& e : d.events) {
    if (e.person != person || !e.review()) continue;
    count(by[month_key(e.date)], e);
    add_areas(areas, d, e);
  }
  const auto& p = d.people[static_cast<size_t>(person)];
  return PersonView{p.name, p.email, months_of(by), top_areas(areas, 8)};
}

}  // namespace

void fill_people(TeamView& team, const pp::Data& d, size_t max_people) {
  std::map<int, size_t> reviews;
  std::map<std::string, MonthView> team_months;
  std::map<std::string, int> team_areas;
  for (const auto& e : d.events) {
    if (!e.review() || e.person < 0) continue;
    ++reviews[e.person];
    count(team_months[month_key(e.date)], e);
    add_areas(team_areas, d, e);
  }
  team.review_months = months_of(team_months);
  team.areas = top_areas(team_areas, 12);

  std::vector<std::pair<int, size_t>> ranked(reviews.begin(), reviews.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (ranked.size() > max_people) ranked.resize(max_people);
  for (const auto& r : ranked) team.people.push_back(person_view(d, r.first));
}

void fill_suggestions(TeamView& team, const pp::Data& d, const std::vector<core::Series>& open, size_t max_series,
                      size_t per_series) {
  // Store rows of versions by series id and number, to find each series'
  // newest version in core/people's data.
  std::map<std::pair<std::string, int>, const pp::Version*> by_id;
  for (const auto& [row, v] : d.versions) by_id[{v.series, v.version}] = &v;
  for (const auto& s : open) {
    if (team.suggestions.size() >= max_series) break;
    if (s.pull || s.versions.empty()) continue;
    auto it = by_id.find({s.id, s.versions.back().version});
    if (it == by_id.end()) continue;
    auto q = pp::query_for(d, *it->second);
    pp::exclude_trailers(d, s.versions.back(), q);
    if (!q.exclude.empty()) continue;  // someone reviewed it already: not open
    SuggestionView sv{s.id, s.title, {}};
    for (const auto& sug : pp::suggest(d, q, per_series)) {
      const auto& p = d.people[static_cast<size_t>(sug.person)];
      // Every suggested reviewer gets a page, as the suggestions link to it.
      if (std::none_of(team.people.begin(), team.people.end(),
                       [&](const PersonView& v) { return v.email == p.email; }))
        team.people.push_back(person_view(d, sug.person));
      std::string reason;
      for (const auto& r : sug.reasons) reason += (reason.empty() ? "" : "; ") + r;
      sv.reviewers.push_back({p.name, p.email, reason});
    }
    if (!sv.reviewers.empty()) team.suggestions.push_back(std::move(sv));
  }
}

}  // namespace seam::reports::site
