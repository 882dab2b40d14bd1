// seam stats: what the store holds, its size, and how far each source was read.
#include <iostream>

#include "cli/commands.hpp"
#include "core/store/store.hpp"
#include "reports/ingest.hpp"
#include "reports/stats.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

Action add_stats(CLI::App& app, Global& g) {
  auto json = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand(
      "stats", "Show what the store holds: messages, series, duplicates, its size (also per message), "
               "each source with its cursor, and each mailing list");
  sub->add_flag("--json", *json, "Print the result as JSON for scripts");
  return [json, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    const auto s = store.stats();
    if (*json) std::cout << reports::dump(reports::stats_json(s), 2) << "\n";
    else std::cout << reports::stats_text(s, reports::use_color(stdout));
    return 0;
  };
}

}  // namespace seam::cli
