// seam suggest: whom to ask to review a series.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/people_input.hpp"
#include "cli/series_input.hpp"
#include "reports/ingest.hpp"
#include "reports/people.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

Action add_suggest(CLI::App& app, Global& g) {
  struct Args {
    std::string key;
    int n = 5;
    int version = 0;
    bool json = false, replay = false;
    PeopleOptions people;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "suggest",
      "Rank reviewers for a series, with the reasons: who reviewed these files or this area (and when last), "
      "who reviewed Rust and unsafe code, who MAINTAINERS lists as M: or R:; the author and whoever already "
      "reviewed this version are left out");
  sub->add_option("what", a->key, "Message-ID (any message of the version) or series id");
  sub->add_option("-n", a->n, "How many to suggest (default 5)")->check(whole_number(1, 1000));
  sub->add_option("--version", a->version, "The version (default: the one the message belongs to, else the newest)")
      ->check(whole_number(1, 100000));
  sub->add_flag("--json", a->json, "Print JSON (see README)");
  // bench/suggest: replay the archive in date order and score the ranking.
  sub->add_flag("--replay", a->replay, "")->group("");
  add_people_options(sub, a->people);
  return [a, &g]() -> int {
    if (a->key.empty() && !a->replay) {
      std::cerr << "seam suggest: which series? Give a Message-ID or a series id. See 'seam help suggest'.\n";
      return 2;
    }
    core::Store store(g.db_path(), core::Store::Open::existing, a->key);
    auto people = load_people(store, a->people, "suggest");
    if (!people) return 1;
    const auto& d = people->data;
    if (a->replay) {
      auto r = core::people::replay(d);
      if (a->json) std::cout << reports::dump(reports::replay_json(r), 2) << "\n";
      else std::cout << reports::replay_text(r);
      return 0;
    }
    auto s = find_series(store, a->key, "suggest");
    if (!s) return 1;
    const core::SeriesVersion* v = find_version(store, *s, a->version, a->key, "suggest");
    if (!v) return 1;
    const core::people::Version* pv = nullptr;
    for (const auto& [id, x] : d.versions)
      if (x.series == s->id && x.version == v->version) pv = &x;
    if (!pv) {
      std::cerr << "seam suggest: " << a->key << ": series " << s->id << " v" << v->version
                << " is not among the review data (assembled since?)\n";
      return 1;
    }
    auto q = core::people::query_for(d, *pv);
    core::people::exclude_trailers(d, *v, q);
    auto out = core::people::suggest(d, q, static_cast<size_t>(a->n));
    if (a->json) std::cout << reports::dump(reports::suggest_json(d, s->id, v->version, out), 2) << "\n";
    else
      std::cout << reports::suggest_text(d, "series " + s->id + " v" + std::to_string(v->version) + ": " + s->title,
                                         out, reports::use_color(stdout));
    return 0;
  };
}

}  // namespace seam::cli
