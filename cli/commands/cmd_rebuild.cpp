// seam rebuild: assemble every series again from the stored facts.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "core/store/store.hpp"
#include "reports/ingest.hpp"

namespace seam::cli {

Action add_rebuild(CLI::App& app, Global& g) {
  auto json = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand(
      "rebuild",
      "Assemble every series again from the stored messages (ingest only re-assembles what new mail "
      "touches; this gives the same series from scratch)");
  sub->add_flag("--json", *json, "Print JSON: series, messages, seconds");
  return [json, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    const auto t0 = std::chrono::steady_clock::now();
    const auto a = store.rebuild_series();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!a.assembled) {
      std::cerr << "seam rebuild: " << store.path()
                << ": other writers kept committing mail; the series were left as they were (run it again)\n";
      return 1;
    }
    if (*json) {
      nlohmann::json j{{"series", a.series}, {"messages", a.messages}, {"seconds", secs}};
      std::cout << reports::dump(j, 2) << "\n";
    } else {
      char t[32];
      std::snprintf(t, sizeof t, "%.2f", secs);
      std::cout << "rebuilt " << a.series << " series from " << a.messages << " messages in " << t << " s\n";
    }
    return 0;
  };
}

}  // namespace seam::cli
