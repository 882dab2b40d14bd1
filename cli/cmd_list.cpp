// seam list: the stored messages, oldest first.
#include <iostream>

#include "cli/commands.hpp"
#include "core/store.hpp"
#include "mail/parse.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

Action add_list(CLI::App& app, Global& g) {
  struct Args {
    bool json = false;
    int64_t limit = -1;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("list", "List the stored messages by date (date, author, subject)");
  sub->add_flag("--json", args->json, "Print JSON: msgid, subject, from, to, cc, date, references…");
  sub->add_option("-n,--limit", args->limit, "Show at most this many messages");
  return [args, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    auto msgs = store.list_messages(args->limit);
    if (args->json)
      for (auto& l : msgs) {
        l.message.to = mail::parse_address_list(l.message.to_raw);
        l.message.cc = mail::parse_address_list(l.message.cc_raw);
      }
    if (args->json) std::cout << reports::dump(reports::messages_json(msgs), 2) << "\n";
    else std::cout << reports::messages_text(msgs, reports::use_color(stdout));
    return 0;
  };
}

}  // namespace seam::cli
