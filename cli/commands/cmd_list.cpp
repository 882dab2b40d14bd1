// seam list: the stored messages, newest first.
#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "core/store/store.hpp"
#include "mail/parse/parse.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

Action add_list(CLI::App& app, Global& g) {
  struct Args {
    bool json = false;
    int64_t limit = -1;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("list", "List the stored messages, newest first (date, author, subject)");
  sub->add_flag("--json", args->json, "Print JSON: msgid, subject, from, to, cc, date, references…");
  sub->add_option("-n,--limit", args->limit, "Show at most this many messages")->check(whole_number(0, 1000000000));
  return [args, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    // Newest first, like every list of seam; undated messages last.
    auto msgs = store.list_messages(-1);
    std::stable_partition(msgs.begin(), msgs.end(), [](const auto& l) { return l.message.date.has_value(); });
    const auto dated = std::find_if(msgs.begin(), msgs.end(), [](const auto& l) { return !l.message.date; });
    std::reverse(msgs.begin(), dated);
    if (args->limit >= 0 && msgs.size() > static_cast<size_t>(args->limit)) msgs.resize(static_cast<size_t>(args->limit));
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
