// seam: a review assistant for Rust and C patch series that arrive by mail.
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "core/store.hpp"

namespace seam::cli {

std::string Global::db_path() const { return db.empty() ? core::default_db_path() : db; }

}  // namespace seam::cli

int main(int argc, char** argv) {
  using namespace seam::cli;
  CLI::App app{"seam: review Rust and C patch series that arrive by mail"};
  app.set_version_flag("--version", "seam 0.1.0");
  app.require_subcommand(1);
  Global g;
  app.add_option("--db", g.db, "SQLite store (default: $SEAM_DB, else $XDG_DATA_HOME/seam/seam.db)");

  std::map<CLI::App*, Action> actions;
  auto reg = [&](Action (*add)(CLI::App&, Global&)) {
    size_t before = app.get_subcommands({}).size();
    Action a = add(app, g);
    actions[app.get_subcommands({})[before]] = std::move(a);
  };
  reg(add_ingest);
  reg(add_list);
  reg(add_series);
  reg(add_show);
  reg(add_am);
  reg(add_apply);
  reg(add_range_diff);
  reg(add_classify);
  reg(add_checklist);
  reg(add_mailinfo);
  reg(add_fetch);
  reg(add_review);
  reg(add_check);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto& [sub, action] : actions)
    if (sub->parsed()) {
      try {
        return action();
      } catch (const std::exception& e) {
        std::cerr << "seam " << sub->get_name() << ": " << e.what() << "\n";
        return 1;
      }
    }
  return 2;
}
