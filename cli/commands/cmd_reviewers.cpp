// seam reviewers: who reviews, how much, what, where, since when.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/dates.hpp"
#include "cli/people_input.hpp"
#include "reports/escape.hpp"
#include "reports/ingest.hpp"
#include "reports/people.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

Action add_reviewers(CLI::App& app, Global& g) {
  struct Args {
    std::string since, until, area, path, lang;
    bool json = false;
    PeopleOptions people;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "reviewers",
      "One line per reviewer: trailers given and commented review replies, the share on Rust, reviews of unsafe "
      "code and of the Rust/C boundary, top areas, first and last review, and (on a terminal) a sparkline per "
      "month. Review events are computed from the stored mail on first use, then kept up to date");
  sub->add_option("--since", a->since, "Only reviews on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC)");
  sub->add_option("--until", a->until, "Only reviews before DATE (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC)");
  auto* area = sub->add_option("--area", a->area, "Only reviews of files in this area (a MAINTAINERS section, "
                                                    "or the first two path components; part of the name is enough)");
  auto* path = sub->add_option("--path", a->path, "Only reviews of files under this path prefix");
  area->excludes(path);
  sub->add_option("--lang", a->lang, "Only reviews of rust, c or glue (rust-c-glue) files")
      ->check(CLI::IsMember({"rust", "c", "glue"}));
  sub->add_flag("--json", a->json, "Print JSON (see README)");
  add_people_options(sub, a->people);
  return [a, &g]() -> int {
    core::people::ReviewerFilter f;
    f.area = a->area;
    f.path = a->path;
    f.lang = a->lang;
    for (auto [text, out, name] : {std::tuple{&a->since, &f.since, "--since"}, std::tuple{&a->until, &f.until, "--until"}}) {
      if (text->empty()) continue;
      *out = parse_date(*text);
      if (!*out) {
        std::cerr << "seam reviewers: " << name << " " << *text
                  << ": not a possible date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS])\n";
        return 2;
      }
    }
    if (f.since && f.until && *f.until <= *f.since) {
      std::cerr << "seam reviewers: --until " << a->until << " is not after --since " << a->since
                << ": no date is in that range\n";
      return 2;
    }
    core::Store store(g.db_path(), core::Store::Open::existing);
    auto people = load_people(store, a->people, "reviewers");
    if (!people) return 1;
    if (!f.area.empty() && !core::people::area_known(people->data, f.area)) {
      std::cerr << "seam reviewers: --area " << reports::printable(f.area)
                << ": no area of any reviewed file is named so (MAINTAINERS sections, else the first two path "
                   "components)\n";
      return 1;
    }
    auto rep = core::people::reviewers(people->data, f);
    if (a->json) std::cout << reports::dump(reports::reviewers_json(people->data, rep)) << "\n";
    else
      std::cout << reports::reviewers_text(people->data, rep, isatty(fileno(stdout)) != 0,
                                           reports::use_color(stdout));
    return 0;
  };
}

}  // namespace seam::cli
