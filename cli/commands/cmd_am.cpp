// seam am: an mbox of a series, ready for git am, with review trailers.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/series_input.hpp"
#include "core/store/store.hpp"
#include "git/config.hpp"
#include "mail/am.hpp"
#include "mail/sources/locate.hpp"

namespace seam::cli {

Action add_am(CLI::App& app, Global& g) {
  struct Args {
    std::string key, out;
    int version = 0;
    bool sob = false, sloppy = false, no_cover = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand("am", "Write the series of a message as an mbox for git am, with the "
                                       "trailers collected from review added to each commit message");
  sub->add_option("what", a->key, "Message-ID (any message of the series) or series id")->required();
  sub->add_option("--version", a->version,
                  "Which version (default: the one the message belongs to; the newest for a series id)");
  sub->add_option("-o,--output", a->out, "Write to FILE instead of standard output (- is standard output)");
  sub->add_flag("-s,--add-my-sob", a->sob, "Add your Signed-off-by (user.name/user.email of git config)");
  sub->add_flag("--sloppy-trailers", a->sloppy,
                "Take person trailers from replies whoever sent them (by default only the sender's own, by address "
                "or name)");
  sub->add_flag("--no-cover-trailers", a->no_cover,
                "Do not copy trailers given to the cover letter to every patch");
  return [a, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    core::AssembleOptions ao;
    ao.sloppy_trailers = a->sloppy;
    ao.cover_trailers = !a->no_cover;
    auto series = find_series(store, a->key, "am", ao);
    if (!series) return 1;
    const core::SeriesVersion* v = find_version(store, *series, a->version, a->key, "am");
    if (!v) return 1;
    mail::AmOptions opts;
    if (a->sob) {
      auto who = git::user_identity(".");
      if (!who) {
        std::cerr << "seam am: --add-my-sob needs user.email in git config\n";
        return 2;
      }
      opts.add_sob = *who;
    }
    std::string mbox;
    int failed = 0;
    for (const auto& p : v->patches) {
      auto raw = mail::read_raw(store, p.msgid);
      if (!raw.raw) {
        std::cerr << "seam am: " << raw.error << "\n";
        ++failed;
        continue;
      }
      mbox += mail::am_message(*raw.raw, p, v->version, v->expected, opts);
    }
    auto missing = v->missing();
    if (!missing.empty()) {
      std::cerr << "seam am: warning: v" << v->version << " lacks patch";
      for (int i : missing) std::cerr << " " << i;
      std::cerr << " of " << v->expected << "\n";
    }
    if (int n = core::cover_trailers_applied(*v))
      std::cerr << "seam am: " << n << " trailer" << (n == 1 ? "" : "s")
                << " given to the cover letter applied to every patch (--no-cover-trailers leaves them out)\n";
    if (!emit(mbox, a->out, "am")) return 1;
    if (!to_stdout(a->out))
      std::cerr << "seam am: wrote " << v->patches.size() << " patches of v" << v->version << " to " << a->out << "\n";
    return failed ? 1 : 0;
  };
}

}  // namespace seam::cli
