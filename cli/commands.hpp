// One function per subcommand: each registers its options on the app and
// returns the action to run when that subcommand was chosen.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace seam::cli {

// Options every subcommand that touches the store shares.
struct Global {
  std::string db;  // --db, else $SEAM_DB, else the XDG default
  std::string db_path() const;
};

using Action = std::function<int()>;

// An option check: a whole number from `lo` to `hi`. Its errors say which
// is wrong: "abc is not a whole number", "0 is not between 1 and 1000".
inline CLI::Validator whole_number(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        long long v = 0;
        size_t used = 0;
        try {
          v = std::stoll(text, &used, 10);
        } catch (...) {
          used = 0;
        }
        if (used == 0 || used != text.size()) return text + " is not a whole number";
        if (v < lo || v > hi) return text + " is not between " + std::to_string(lo) + " and " + std::to_string(hi);
        return {};
      },
      "[" + std::to_string(lo) + " - " + std::to_string(hi) + "]");
}

Action add_ingest(CLI::App& app, Global& g);
Action add_list(CLI::App& app, Global& g);
Action add_mailinfo(CLI::App& app, Global& g);
Action add_series(CLI::App& app, Global& g);
Action add_show(CLI::App& app, Global& g);
Action add_am(CLI::App& app, Global& g);
Action add_apply(CLI::App& app, Global& g);
Action add_range_diff(CLI::App& app, Global& g);
Action add_classify(CLI::App& app, Global& g);
Action add_checklist(CLI::App& app, Global& g);
Action add_fetch(CLI::App& app, Global& g);
Action add_review(CLI::App& app, Global& g);
Action add_check(CLI::App& app, Global& g);
Action add_site(CLI::App& app, Global& g);
Action add_note(CLI::App& app, Global& g);
Action add_reply(CLI::App& app, Global& g);
Action add_reviewers(CLI::App& app, Global& g);
Action add_experience(CLI::App& app, Global& g);
Action add_suggest(CLI::App& app, Global& g);
Action add_rebuild(CLI::App& app, Global& g);
Action add_stats(CLI::App& app, Global& g);

}  // namespace seam::cli
