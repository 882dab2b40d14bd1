// seam ingest SOURCE...: read mail into the store.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "mail/ingest.hpp"
#include "reports/escape.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

namespace {
struct IngestArgs {
  std::vector<std::string> sources;
  bool json = false;
  bool mboxo = false;
  uint64_t max_inflate_mib = 4096;
  unsigned threads = 0;
};
}  // namespace

Action add_ingest(CLI::App& app, Global& g) {
  auto args = std::make_shared<IngestArgs>();
  auto* sub = app.add_subcommand(
      "ingest",
      "Read mail into the store: mbox/mboxrd files, .mbox.gz, Maildir folders, public-inbox v2 "
      "epochs (…/git/0.git) or inboxes (a folder with git/N.git), or '-' for standard input "
      "(one message or an mbox). Each source remembers how far it was read.");
  sub->add_option("sources", args->sources, "Sources to read")->required();
  sub->add_flag("--json", args->json, "Print the result as JSON for scripts");
  sub->add_flag("--mboxo", args->mboxo,
                "Unquote only '>From ' (mboxo) instead of every '>+From ' (mboxrd, the default)");
  sub->add_option("--max-inflate", args->max_inflate_mib,
                  "Refuse a .gz that inflates past this many MiB")
      ->capture_default_str();
  sub->add_option("-j,--threads", args->threads, "Parsing threads (default: one per core)");

  return [args, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::create);
    Progress progress;
    mail::IngestOptions opts;
    opts.format = args->mboxo ? mail::MboxFormat::mboxo : mail::MboxFormat::mboxrd;
    opts.max_inflate = args->max_inflate_mib << 20;
    opts.threads = args->threads;
    opts.progress = [&](const std::string& src, int64_t done, int64_t total) {
      progress.update(src, done, total);
    };
    std::vector<mail::SourceReport> reports;
    bool stdin_used = false;
    for (const auto& s : args->sources) {
      if (s == "-") {
        if (stdin_used) continue;
        stdin_used = true;
        reports.push_back(mail::ingest_stdin(store, 0, opts));
      } else {
        for (auto& r : mail::ingest(store, s, opts)) reports.push_back(std::move(r));
      }
    }
    progress.clear();
    // Series are assembled at ingest, so that queries stay fast; also when an
    // earlier run was killed before its series were (the store marks them
    // stale in the transactions that add mail).
    store.refresh_series();
    // A source that could not be read at all: "seam ingest: …" on standard
    // error, as every command says its errors; the JSON keeps it too.
    bool fatal = false;
    std::vector<mail::SourceReport> ok;
    for (const auto& r : reports) {
      if (!r.fatal.empty()) {
        fatal = true;
        std::cerr << "seam ingest: " << reports::printable(r.fatal) << "\n";
      } else if (!args->json) {
        ok.push_back(r);
      }
    }
    if (args->json) std::cout << reports::dump(reports::ingest_json(reports), 2) << "\n";
    else std::cout << reports::ingest_text(ok, reports::use_color(stdout));
    return fatal ? 1 : 0;
  };
}

}  // namespace seam::cli
