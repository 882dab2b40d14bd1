// seam site: a static HTML report of the store (reports/site).
#include <atomic>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/commands.hpp"
#include "core/analysis/hunks.hpp"
#include "core/analysis/rules.hpp"
#include "core/store/store.hpp"
#include "mail/am.hpp"
#include "mail/sources/locate.hpp"
#include "reports/site/pages.hpp"

namespace seam::cli {

namespace {

// --since DATE, the grammar of `seam series --since` (cmd_series.cpp):
// YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC; a year or a month
// means its first day; an impossible date is nullopt.
std::optional<int64_t> parse_since(const std::string& s) {
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
  size_t pos = 0;
  auto number = [&](size_t digits, int& out) {
    if (pos + digits > s.size()) return false;
    int v = 0;
    for (size_t k = 0; k < digits; ++k) {
      const char c = s[pos + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    out = v;
    pos += digits;
    return true;
  };
  auto sep = [&](char c) {
    if (pos < s.size() && s[pos] == c) return ++pos, true;
    return false;
  };
  if (!number(4, y)) return std::nullopt;
  if (sep('-')) {
    if (!number(2, mo)) return std::nullopt;
    if (sep('-')) {
      if (!number(2, d)) return std::nullopt;
      if (sep('T') || sep(' ')) {
        if (!number(2, h) || !sep(':') || !number(2, mi)) return std::nullopt;
        if (sep(':') && !number(2, sec)) return std::nullopt;
      }
    }
  }
  if (pos != s.size()) return std::nullopt;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1970 || mo < 1 || mo > 12) return std::nullopt;
  if (d < 1 || d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm));
}

// The checklist of the newest version of `s`, analysed from the patches alone
// (no repository); nullopt with `error` set when a patch cannot be read.
std::optional<reports::Checklist> analyse(core::Store& store, const core::Series& s, const core::RuleSet& rules,
                                          std::string& error) {
  const core::SeriesVersion& v = s.versions.back();
  reports::Checklist c;
  c.title = s.title;
  c.series_id = s.id;
  c.author = s.author_name.empty() ? s.author_email : s.author_name;
  c.version = v.version;
  c.expected = v.expected;
  for (const auto& p : v.patches) {
    auto raw = mail::read_raw(store, p.msgid);
    if (!raw.raw) {
      error = raw.error;
      return std::nullopt;
    }
    auto parts = mail::commit_parts(*raw.raw, p, {});
    c.patches.push_back({p.index, p.msgid, p.subject, core::review_patch(core::parse_diff(parts.diff), rules)});
  }
  return c;
}

}  // namespace

Action add_site(CLI::App& app, Global& g) {
  struct Args {
    std::string out, since;
    int threads = 2;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand("site", "Write a static HTML report of the store to a folder: index.html (the "
                                         "series, filterable), a page per series (versions, changes, checklist), "
                                         "team.html and a page per reviewer (charts in SVG); no server, no "
                                         "network, readable without JavaScript");
  sub->add_option("-o,--output", a->out, "The folder to write (created; pages of the same names replaced)")->required();
  sub->add_option("--since", a->since,
                  "Only series with a version on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC)");
  sub->add_option("-j,--threads", a->threads, "Checklists analysed in N threads (default 2)")->check(CLI::Range(1, 64));
  return [a, &g]() -> int {
    core::Store::SeriesFilter f;
    if (!a->since.empty()) {
      f.since = parse_since(a->since);
      if (!f.since) {
        std::cerr << "seam site: --since " << a->since
                  << ": not a possible date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS])\n";
        return 2;
      }
    }
    std::vector<core::Series> all;
    {
      core::Store store(g.db_path(), core::Store::Open::existing);
      all = store.load_series(f);
    }
    std::erase_if(all, [](const core::Series& s) { return s.versions.empty(); });

    // Checklists of the newest versions, in threads, each with its own
    // connection to the store and its own rules.
    std::vector<std::optional<reports::Checklist>> checklists(all.size());
    std::vector<std::string> errors(all.size());
    std::atomic<size_t> next{0};
    std::mutex err_mu;
    std::string rule_error;
    auto work = [&]() {
      core::Store store(g.db_path(), core::Store::Open::existing);
      auto rules = core::load_rules(core::rule_dirs(SEAM_RULES_DIR, ""));
      if (!rules.errors.empty()) {
        std::lock_guard<std::mutex> lock(err_mu);
        rule_error = rules.errors.front().where + ": " + rules.errors.front().message;
      }
      for (size_t i; (i = next++) < all.size();) {
        if (all[i].pull) {
          errors[i] = "a pull request, not a patch series";
          continue;
        }
        try {
          checklists[i] = analyse(store, all[i], rules, errors[i]);
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      }
    };
    const size_t n_threads = std::min<size_t>(static_cast<size_t>(a->threads), std::max<size_t>(all.size(), 1));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < n_threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (!rule_error.empty()) std::cerr << "seam site: rule " << rule_error << "\n";

    reports::site::Site site;
    site.since = a->since;
    std::vector<const reports::Checklist*> ptrs;
    for (size_t i = 0; i < all.size(); ++i) {
      const reports::Checklist* c = checklists[i] ? &*checklists[i] : nullptr;
      ptrs.push_back(c);
      site.rows.push_back(reports::site::index_row(all[i], c));
      // site.rows.back().progress: filled by the lead from the notes of the store (h-notes)
    }
    site.team.series_months = reports::site::series_months(all, ptrs);
    for (size_t i = 0; i < all.size(); ++i) {
      reports::site::SeriesPage page;
      if (checklists[i]) page.patches = reports::site::patch_views(*checklists[i]);
      else page.checklist_error = errors[i];
      // page.notes and each entry's tick/notes: filled by the lead from the notes of the store (h-notes)
      checklists[i].reset();
      page.series = std::move(all[i]);
      site.series.push_back(std::move(page));
    }
    // filled by the lead from core/people: site.team.people, review_months,
    // areas and suggestions (h-people).
    int failed = 0;
    for (const auto& s : site.series)
      if (!s.checklist_error.empty() && !s.series.pull) {
        if (failed++ < 5) std::cerr << "seam site: series " << s.series.id << ": no checklist: " << s.checklist_error << "\n";
      }
    if (failed > 5) std::cerr << "seam site: … and " << failed - 5 << " more series without a checklist\n";
    if (auto e = reports::site::write_site(site, a->out); !e.empty()) {
      std::cerr << "seam site: " << e << "\n";
      return 1;
    }
    return failed || !rule_error.empty() ? 1 : 0;
  };
}

}  // namespace seam::cli
