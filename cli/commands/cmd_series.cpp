// seam series, seam show: the assembled patch series.
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/dates.hpp"
#include "cli/series_input.hpp"
#include "core/store/store.hpp"
#include "reports/ingest.hpp"
#include "reports/series.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {


Action add_series(CLI::App& app, Global& g) {
  struct Args {
    bool rust = false, json = false;
    std::string since, author;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand("series", "List patch series, newest first: id, newest version, patches "
                                           "received/expected, Acked·Reviewed·Tested totals (the Acked-by, "
                                           "Reviewed-by and Tested-by trailers its patches carry, in their commit "
                                           "messages or collected from replies: what `seam am` writes and `seam "
                                           "show` lists), Rust, title");
  sub->add_flag("--rust", a->rust, "Only series whose patches touch Rust");
  sub->add_option("--since", a->since, "Only series with a version on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC; a year or month means its first day)");
  sub->add_option("--author", a->author, "Only series whose author's name or address contains TEXT");
  sub->add_flag("--json", a->json, "Print JSON (see README)");
  return [a, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    core::Store::SeriesFilter f;
    f.rust_only = a->rust;
    f.author = a->author;
    if (!a->since.empty()) {
      f.since = parse_date(a->since);
      if (!f.since) {
        std::cerr << "seam series: --since " << a->since << ": not a possible date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS])\n";
        return 2;
      }
    }
    auto all = store.load_series(f);
    if (a->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& s : all) arr.push_back(reports::series_json(s));
      std::cout << reports::dump(arr) << "\n";
    } else {
      std::cout << reports::series_list_text(all, reports::use_color(stdout));
    }
    return 0;
  };
}

Action add_show(CLI::App& app, Global& g) {
  struct Args {
    std::string key;
    int version = 0;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand("show", "Show the series of a message (any message of any version) or "
                                         "a series id: versions, patches, their Acked·Reviewed·Tested "
                                         "trailers (in the commit message or collected, as `seam series` counts "
                                         "them) and what else review gave, what is missing and what changed "
                                         "between versions (paired by patch id, then by title)");
  sub->add_option("what", a->key, "Message-ID or series id")->required();
  sub->add_option("--version", a->version,
                  "The version to mark (default: the one the message belongs to)");
  sub->add_flag("--json", a->json, "Print JSON (see README)");
  return [a, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    auto id = series_id_of(store, a->key, "show");
    if (!id) return 1;
    core::Store::SeriesFilter f;
    f.id = *id;
    auto all = store.load_series(f);
    if (all.empty() || all.front().versions.empty()) return 1;
    const core::SeriesVersion* v = find_version(store, all.front(), a->version, a->key, "show");
    if (!v) return 1;
    const int selected = names_series_id(store, a->key, all.front()) && a->version == 0 ? 0 : v->version;
    if (a->json) std::cout << reports::dump(reports::series_show_json(all.front(), selected), 2) << "\n";
    else std::cout << reports::series_show_text(all.front(), reports::use_color(stdout), selected);
    return 0;
  };
}

}  // namespace seam::cli
