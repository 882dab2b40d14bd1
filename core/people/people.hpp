// People and their review experience, read from the review events
// (events.hpp): one identity across addresses, reviewer summaries, month by
// month experience, and reviewer suggestions for a series. Plain structs for
// the renderers (reports/people.hpp) and the site.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/people/maintainers.hpp"
#include "core/store/store.hpp"

namespace seam::core::people {

// The canonical {name, email} of name <email> (a .mailmap, say); the input
// when nothing maps it.
using Resolver = std::function<std::pair<std::string, std::string>(const std::string& name, const std::string& email)>;

struct Person {
  std::string name;                 // canonical display name
  std::string email;                // canonical address
  std::vector<std::string> emails;  // every address seen, canonical first
};

enum class EventKind { trailer, comment, authored };

// Classes of the files an event involves (bits).
enum ClassBits : unsigned { kRust = 1, kC = 2, kGlue = 4, kOther = 8 };

struct Event {
  EventKind kind = EventKind::trailer;
  int person = -1;                // index into Data::people
  int author = -1;                // the patch's (series') author
  int64_t date = 0;
  std::string series;             // series id ("" when the patch is in no series)
  int version = 0;
  int64_t version_id = 0;         // store row of the series version (0: none)
  int64_t version_date = 0;
  bool series_rust = false;
  std::string target;             // patch or cover letter message-id
  bool cover = false;             // given to a cover letter: every patch of the version
  std::string trailer;            // Reviewed-by, Acked-by, Tested-by
  std::vector<int> files;         // indices into Data::paths
  int hunks = 0;                  // comment: hunks quoted
  unsigned classes = 0;           // ClassBits of the files
  bool unsafe_code = false;       // unsafe findings in those files
  bool boundary = false;          // boundary findings (or rust-c-glue files)
  int quoted = 0, comments = 0;   // comment: quoted diff lines, own lines
  bool review() const { return kind != EventKind::authored && person != author; }
};

struct PathInfo {
  std::string path;
  std::string cls;
  std::vector<std::string> areas;  // MAINTAINERS sections, else path_area()
  std::vector<std::string> parts;  // its components ("a/b/c.c": a, b, c.c)
};

struct Version {
  int64_t id = 0;
  std::string series, title;
  int version = 0;
  int64_t date = 0;
  int author = -1;
  bool rust = false;
  bool unsafe_code = false;
  std::vector<int> files;          // every file its patches touch
  std::vector<std::string> messages;  // its cover letter and patches
};

// Everything the commands read, loaded once.
struct Data {
  std::vector<Person> people;
  std::vector<Event> events;       // by date
  std::vector<PathInfo> paths;
  std::map<int64_t, Version> versions;  // by store row
  std::map<std::string, int> by_email;  // every address (lower case) -> person
  std::vector<std::vector<int>> path_events;  // per path: review events touching it, by date
  const Maintainers* maintainers = nullptr;
  // Per MAINTAINERS section: the people it lists (person, true for M:, false for R:).
  std::vector<std::vector<std::pair<int, bool>>> maintainer_people;
  int64_t first = 0, last = 0;     // dates of the first and last events
};

// Reads the events (bring them up to date first with update_events()),
// merges identities (`resolve`, then the addresses people_ties shows to be
// one person's), and resolves each event's series, version, files, classes
// and areas (`maintainers` may be null: then areas are path_area()).
Data load(Store& store, const Resolver& resolve, const Maintainers* maintainers);

// ---- seam reviewers ----

struct ReviewerFilter {
  std::optional<int64_t> since, until;  // event dates, inclusive since, exclusive until
  std::string area;                     // an area name (case-insensitive, a substring)
  std::string path;                     // a path prefix
  std::string lang;                     // "", rust, c, glue
};

struct ReviewerSummary {
  int person = -1;
  int trailers = 0, comments = 0;       // reviews by trailer, by commented reply
  int rust = 0, unsafe_code = 0, boundary = 0;  // reviews of Rust, of unsafe code, of the boundary
  std::vector<std::pair<std::string, int>> areas;  // most reviewed first (at most 3)
  int64_t first = 0, last = 0;
  std::vector<int> months;              // reviews per month from ReviewerReport::month0
  int reviews() const { return trailers + comments; }
};

struct ReviewerReport {
  std::vector<ReviewerSummary> rows;    // most reviews first
  std::string month0;                   // "YYYY-MM" of months[0]
  int month_count = 0;
};

ReviewerReport reviewers(const Data& d, const ReviewerFilter& f);

// True when some file of the events is in an area whose name contains
// `area` (case-insensitive), as ReviewerFilter::area matches: false tells a
// misspelt --area from one without reviews in the dates asked.
bool area_known(const Data& d, const std::string& area);

// ---- seam experience ----

// The people `query` names: an address (exact), else a name (exact, any
// case), else every person whose name or an address contains it (any case).
std::vector<int> find_person(const Data& d, const std::string& query);

struct ExperienceRow {
  std::string month;   // YYYY-MM
  std::string lang;    // rust, glue, c, other
  std::string area;
  int trailers = 0, comments = 0, quoted = 0, authored = 0;
};

struct Experience {
  int person = -1;
  std::vector<ExperienceRow> rows;      // by month, then language, then area
  int trailers = 0, comments = 0, quoted = 0, authored = 0;
  std::optional<int64_t> first_review, first_rust, first_unsafe, last_review;
  std::vector<std::pair<int, int>> reviewed_with;  // (person, versions both reviewed), most first
};

Experience experience(const Data& d, int person);

// ---- seam suggest ----

struct SuggestQuery {
  std::vector<int> files;               // the series' files (indices into Data::paths)
  std::vector<std::string> new_paths;   // files not in Data::paths
  int author = -1;
  std::set<int> exclude;                // people who already reviewed the version
  bool rust = false, unsafe_code = false;
  int64_t at = 0;                       // only events before this date count (0: all)
};

struct Suggestion {
  int person = -1;
  double score = 0;
  int file_reviews = 0;                 // reviews of these very files
  int area_reviews = 0;                 // reviews in the series' areas
  int64_t last = 0;                     // last review of these files or this area
  int rust_reviews = 0, unsafe_reviews = 0;  // before `at`, anywhere
  std::vector<std::string> maintainer_of;    // sections listing them as M: or R: for these files
  std::vector<std::string> reasons;     // one sentence each
};

// Ranks who should review: path similarity of the files each candidate
// reviewed to the series' files (longest common directory prefix, as
// RevFinder), weighted by the age of each review (half-life 60 days), plus
// M:/R: entries of the files' MAINTAINERS sections, plus Rust and unsafe
// experience when the series touches Rust or unsafe code. Excludes the
// author and `exclude`. At most `n`.
std::vector<Suggestion> suggest(const Data& d, const SuggestQuery& q, size_t n);

// The query for version `v` of the store (its files, author, Rust and
// unsafe code, who reviewed it already).
SuggestQuery query_for(const Data& d, const Version& v);

// Adds to q.exclude the people a Reviewed-by, Acked-by or Tested-by of the
// patches of `v` names (also the ones already in the commit messages, which
// are no review events of this version): they reviewed it already.
void exclude_trailers(const Data& d, const SeriesVersion& v, SuggestQuery& q);

// ---- the replay of bench/suggest ----

struct ReplayScore {
  std::string method;
  int cases = 0;
  int top1 = 0, top3 = 0, top5 = 0;
  double mrr = 0;
};

struct ReplayResult {
  std::vector<ReplayScore> all, rust;   // seam, then the baselines
};

// For each series version that got a Reviewed-by or Acked-by from someone
// else than its author after its date, ranks candidates with only the
// events before that date (seam's suggest(), and the baselines: most active
// reviewers so far; most trailers on earlier patches to the same files in
// the year before, as get_maintainer --git; path similarity alone) and
// scores the first 1, 3, 5 and the mean reciprocal rank.
ReplayResult replay(const Data& d);

}  // namespace seam::core::people
