// seam fetch: threads and search results from a public-inbox server (lore).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/lore_flags.hpp"
#include "cli/progress.hpp"
#include "mail/sources/lore.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

namespace {

// Bytes received so far, on standard error when it is a terminal (servers
// stream t.mbox.gz without a length, so there is rarely a total to show).
class Download {
 public:
  Download() : on_(::isatty(STDERR_FILENO) == 1) {}
  ~Download() { clear(); }
  void update(const std::string& url, uint64_t done, uint64_t total) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    std::string name = url.size() > 50 ? "…" + url.substr(url.size() - 49) : url;
    if (total > 0)
      std::fprintf(stderr, "\r\033[K%s %llu/%llu KiB", name.c_str(), static_cast<unsigned long long>(done >> 10),
                   static_cast<unsigned long long>(total >> 10));
    else
      std::fprintf(stderr, "\r\033[K%s %llu KiB", name.c_str(), static_cast<unsigned long long>(done >> 10));
    std::fflush(stderr);
    drawn_ = true;
  }
  void clear() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }

 private:
  bool on_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

// Shared with `seam review`: the lore options of git config and the flags.
std::string lore_options(mail::LoreOptions& lore, const LoreFlags& f) {
  if (std::string err = mail::read_lore_config(lore); !err.empty()) return err;
  if (!f.base.empty()) {
    std::string b = f.base;
    while (!b.empty() && b.back() == '/') b.pop_back();
    lore.bases.front() = b;
  }
  if (f.connect_timeout > 0) lore.connect_timeout_s = f.connect_timeout;
  if (f.read_timeout > 0) lore.read_timeout_s = f.read_timeout;
  lore.max_inflate = f.max_inflate_mib << 20;
  return {};
}

void add_lore_flags(CLI::App* sub, LoreFlags& f) {
  sub->add_option("--lore", f.base, "Inbox URL to ask (default: git config seam.lore-url, else https://lore.kernel.org/all)");
  sub->add_option("--connect-timeout", f.connect_timeout,
                  "Seconds to open a connection (default: seam.lore-connect-timeout, else 5)");
  sub->add_option("--read-timeout", f.read_timeout,
                  "Seconds without data before giving up (default: seam.lore-read-timeout, else 30)");
  sub->add_option("--max-inflate", f.max_inflate_mib, "Refuse an answer that inflates past this many MiB")
      ->capture_default_str();
}

Action add_fetch(CLI::App& app, Global& g) {
  struct Args {
    std::vector<std::string> what;
    std::string query, follow, unfollow;
    bool threads = false, all_followed = false, list_followed = false, json = false;
    LoreFlags lore;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "fetch",
      "Fetch whole threads (by Message-ID or lore URL) or search results from a public-inbox server into the "
      "store; saved queries (--follow) ask only for what is newer than their last run");
  sub->add_option("what", a->what, "Message-IDs or lore URLs (with --follow NAME: the query to save)");
  sub->add_option("--query", a->query, "A public-inbox search, e.g. 'dfn:rust/ AND rt:2.weeks.ago..'");
  sub->add_flag("--threads", a->threads, "With --query or --follow: the whole threads of the matches");
  sub->add_option("--follow", a->follow,
                  "Run the saved query NAME (saving QUERY under that name first when one is given)");
  sub->add_flag("--all-followed", a->all_followed, "Run every saved query (for cron)");
  sub->add_flag("--followed", a->list_followed, "List the saved queries and when each last ran");
  sub->add_option("--unfollow", a->unfollow, "Forget the saved query NAME");
  sub->add_flag("--json", a->json, "Print the result as JSON for scripts (as seam ingest --json)");
  add_lore_flags(sub, a->lore);

  return [a, &g]() -> int {
    // Listing or forgetting saved queries writes no mail: it needs a store
    // that exists (a mistyped --db is an error, not a new empty store).
    const bool bookkeeping = a->list_followed || !a->unfollow.empty();
    core::Store store(g.db_path(), bookkeeping ? core::Store::Open::existing : core::Store::Open::create);
    if (a->list_followed) {
      for (const auto& q : store.saved_queries()) {
        std::string when = "never";
        if (q.last_run) {
          std::time_t t = static_cast<std::time_t>(*q.last_run);
          char buf[32];
          std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", std::gmtime(&t));
          when = buf;
        }
        std::cout << q.name << "\t" << q.query << (q.threads ? "\t(threads)" : "") << "\tlast run: " << when
                  << (q.base.empty() ? "" : "\t" + q.base) << "\n";
      }
      return 0;
    }
    if (!a->unfollow.empty()) {
      if (store.forget_query(a->unfollow)) return 0;
      std::cerr << "seam fetch: no saved query named '" << a->unfollow << "'\n";
      return 1;
    }
    mail::LoreOptions lore;
    if (std::string err = lore_options(lore, a->lore); !err.empty()) {
      std::cerr << "seam fetch: " << err << "\n";
      return 1;
    }
    Download download;
    lore.progress = [&](const std::string& url, uint64_t done, uint64_t total) { download.update(url, done, total); };
    lore.warn = [&](const std::string& line) {
      download.clear();
      std::cerr << "seam fetch: " << line << "; asking the next server\n";
    };
    mail::IngestOptions opts;
    opts.max_inflate = lore.max_inflate;
    Progress progress;  // storing a large search result
    opts.progress = [&](const std::string& src, int64_t done, int64_t total) {
      download.clear();
      progress.update(src, done, total);
    };

    std::vector<mail::SourceReport> reports;
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    if (!a->follow.empty()) {
      if (a->what.empty() && !a->query.empty()) a->what.push_back(a->query);
      if (a->what.size() > 1) {
        std::cerr << "seam fetch: --follow NAME takes one query (quote it)\n";
        return 2;
      }
      auto saved = store.saved_queries(a->follow);
      core::Store::SavedQuery q;
      if (!a->what.empty()) {
        q.name = a->follow;
        q.query = a->what.front();
        q.threads = a->threads;
        q.base = a->lore.base;
        // The same query again keeps its last run; another starts afresh.
        if (!saved.empty() && saved.front().query == q.query && saved.front().threads == q.threads)
          q.last_run = saved.front().last_run;
        store.save_query(q);
      } else if (saved.empty()) {
        std::cerr << "seam fetch: no saved query named '" << a->follow << "' (save one: --follow NAME QUERY)\n";
        return 1;
      } else {
        q = saved.front();
      }
      reports.push_back(mail::run_followed(store, lore, q, now, opts));
    } else if (a->all_followed) {
      for (auto& q : store.saved_queries()) reports.push_back(mail::run_followed(store, lore, q, now, opts));
    } else if (!a->query.empty()) {
      reports.push_back(mail::search_into(store, lore, a->query, a->threads, opts));
    } else if (a->what.empty()) {
      std::cerr << "seam fetch: nothing to fetch: give Message-IDs or URLs, --query, --follow or --all-followed\n";
      return 2;
    }
    if (a->follow.empty())
      for (const auto& w : a->what) reports.push_back(mail::fetch_thread_into(store, lore, w, opts));
    download.clear();
    progress.clear();

    int64_t added = 0;
    bool fatal = false;
    for (const auto& r : reports) {
      added += r.added;
      if (!r.fatal.empty()) {
        fatal = true;
        std::cerr << "seam fetch: " << r.fatal << "\n";
      }
    }
    if (added > 0) store.refresh_series();
    if (a->json) {
      std::cout << reports::dump(reports::ingest_json(reports), 2) << "\n";
    } else {
      std::vector<mail::SourceReport> ok;
      for (const auto& r : reports)
        if (r.fatal.empty()) ok.push_back(r);
      std::cout << reports::ingest_text(ok, reports::use_color(stdout));
    }
    return fatal ? 1 : 0;
  };
}

}  // namespace seam::cli
