// seam: a review assistant for Rust and C patch series that arrive by mail.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/store/store.hpp"

namespace seam::cli {

std::string Global::db_path() const { return db.empty() ? core::default_db_path() : db; }

namespace {

// A command line seam cannot use: status 2, as for most Unix tools (git's own
// `mailinfo` keeps git's 129).
constexpr int kUsage = 2;

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The subcommand word of the command line (the first argument that is not an
// option of seam itself), or "" when there is none.
std::string command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--db") {
      ++i;
      continue;
    }
    if (a.rfind("-", 0) == 0) continue;
    return a;
  }
  return {};
}

// The subcommand called `name`, or null.
CLI::App* find_command(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : app.get_subcommands({}))
    if (sub->check_name(name)) return sub;
  return nullptr;
}

// Every write to standard output went through (`out` is std::cout's
// buffer); otherwise (a full disk, a closed pipe) says so on standard error.
// Puts std::cout's own buffer back.
bool stdout_ok(StdoutBuf& out, std::streambuf* original, const std::string& command) {
  std::cout.flush();
  bool ok = out.flush_all() && std::cout.good();
  int err = out.error();
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {  // nothing writes there with stdio, but be sure
    ok = false;
    if (!err) err = errno;
  }
  std::cout.rdbuf(original);
  std::cout.clear();
  if (ok) return true;
  std::cerr << "seam" << (command.empty() ? "" : " " + command)
            << ": cannot write to standard output: " << (err ? std::strerror(err) : "write error") << "\n";
  return false;
}

// Parses the command line and runs the command; `command` gets its name.
int run(int argc, char** argv, std::string& command) {
  CLI::App app{"seam: review Rust and C patch series that arrive by mail", "seam"};
  app.set_version_flag("--version", "seam 0.1.0");
  app.require_subcommand(1);
  Global g;
  const std::string db_help = "SQLite store (default: $SEAM_DB, else $XDG_DATA_HOME/seam/seam.db, else ~/.local/share/seam/seam.db)";
  app.add_option("--db", g.db, db_help);

  std::map<CLI::App*, Action> actions;
  auto reg = [&](Action (*add)(CLI::App&, Global&), bool store) {
    size_t before = app.get_subcommands({}).size();
    Action a = add(app, g);
    CLI::App* sub = app.get_subcommands({})[before];
    // --db before or after the subcommand.
    if (store) sub->add_option("--db", g.db, db_help);
    actions[sub] = std::move(a);
  };
  reg(add_ingest, true);
  reg(add_list, true);
  reg(add_series, true);
  reg(add_show, true);
  reg(add_am, true);
  reg(add_apply, true);
  reg(add_range_diff, true);
  reg(add_classify, true);
  reg(add_checklist, true);
  reg(add_mailinfo, false);
  reg(add_fetch, true);
  reg(add_review, true);
  reg(add_check, true);
  reg(add_site, true);
  reg(add_note, true);
  reg(add_reply, true);
  reg(add_reviewers, true); reg(add_experience, true); reg(add_suggest, true);
  reg(add_rebuild, true);
  reg(add_stats, true);
  std::string topic;
  CLI::App* help = app.add_subcommand("help", "Show the commands, or the options of one: seam help COMMAND");
  help->add_option("command", topic, "A seam command");

  // An unknown command: say so, and which one was meant.
  const std::string word = command_word(argc, argv);
  if (!word.empty() && !find_command(app, word)) {
    std::cerr << "seam: '" << word << "' is not a seam command. See 'seam help'.\n";
    std::string best;
    size_t best_d = 3;
    for (const auto* sub : app.get_subcommands({}))
      if (size_t d = edit_distance(word, sub->get_name()); d < best_d) best_d = d, best = sub->get_name();
    if (!best.empty()) std::cerr << "\nThe most similar command is\n\t" << best << "\n";
    return kUsage;
  }
  // No arguments at all: the list of commands (options alone, such as --help
  // or --version, are the parser's).
  if (argc == 1) {
    std::cerr << app.get_formatter()->make_help(&app, "seam", CLI::AppFormatMode::Normal);
    return kUsage;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "seam" << (word.empty() ? "" : " " + word) << ": " << e.what() << "\nSee 'seam help"
              << (word.empty() ? "" : " " + word) << "'.\n";
    return kUsage;
  }
  if (help->parsed()) {
    if (topic.empty()) {
      std::cout << app.get_formatter()->make_help(&app, "seam", CLI::AppFormatMode::Normal);
    } else {
      CLI::App* sub = find_command(app, topic);
      if (!sub || sub == help) {
        std::cerr << "seam help: '" << topic << "' is not a seam command. See 'seam help'.\n";
        return kUsage;
      }
      std::cout << sub->help("seam");
    }
    command = "help";
    return 0;
  }
  for (auto& [sub, action] : actions)
    if (sub->parsed()) {
      command = sub->get_name();
      try {
        return action();
      } catch (const std::exception& e) {
        std::cerr << "seam " << command << ": " << e.what() << "\n";
        return 1;
      }
    }
  return kUsage;
}

}  // namespace
}  // namespace seam::cli

int main(int argc, char** argv) {
  using namespace seam::cli;
  // A closed pipe is a failed write (EPIPE), reported like any other, rather
  // than a silent death by signal.
  std::signal(SIGPIPE, SIG_IGN);
  StdoutBuf out;
  std::streambuf* const original = std::cout.rdbuf(&out);
  std::string command;
  const int rc = run(argc, argv, command);
  // Once, for every command: what it printed reached standard output.
  if (!stdout_ok(out, original, command)) return rc ? rc : 1;
  return rc;
}
