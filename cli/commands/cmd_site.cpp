// seam site: a static HTML report of the store (reports/site).
#include <atomic>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cli/commands.hpp"
#include "cli/dates.hpp"
#include "cli/people_input.hpp"
#include "core/store/notes.hpp"
#include "core/analysis/hunks.hpp"
#include "core/analysis/rules.hpp"
#include "core/store/store.hpp"
#include "mail/am.hpp"
#include "mail/sources/locate.hpp"
#include "reports/site/pages.hpp"
#include "reports/site/people_views.hpp"

namespace seam::cli {

namespace {


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

// Puts the notes and ticks of one series on its page: a tick or note on
// an entry of the newest version's checklist (carried over from an older
// version when the code changed), notes on a whole patch and notes left
// over (their item is gone) under the series; the index row's progress.
void place_notes(reports::site::SeriesPage& page, reports::site::IndexRow& row,
                 const std::vector<core::ReviewNote>& notes, const reports::Checklist* c, int version) {
  std::vector<core::ReviewItem> items;
  if (c) items = reports::checklist_items(*c);
  // items follow the entries of page.patches in order.
  std::vector<reports::site::EntryView*> entry_of;
  for (auto& p : page.patches)
    for (auto& e : p.entries) entry_of.push_back(&e);
  std::map<std::string, size_t> at;
  for (size_t k = 0; k < items.size() && k < entry_of.size(); ++k) at.emplace(items[k].item, k);
  for (const auto& pl : core::place_notes(notes, version, items)) {
    const auto& n = notes[pl.note];
    const std::string from = n.version != version ? " (v" + std::to_string(n.version) + ")" : "";
    auto it = pl.item.empty() ? at.end() : at.find(pl.item);
    if (it != at.end()) {
      auto& e = *entry_of[it->second];
      if (n.tick && !pl.carried) e.tick = true;
      else if (n.tick) e.notes.push_back("Ticked on v" + std::to_string(n.version) + "; the code changed since: check it again.");
      else e.notes.push_back(n.text + (pl.carried ? " (carried over from v" + std::to_string(n.version) + ", the code changed)" : ""));
    } else if (pl.patch > 0 && !n.tick) {
      page.notes.push_back("Patch " + std::to_string(pl.patch) + from + ": " + n.text);
    } else if (!n.tick) {
      page.notes.push_back("Left over" + from + (n.path.empty() ? "" : " (" + n.path + ")") + ": " + n.text);
    }
  }
  size_t ticked = 0;
  for (auto* e : entry_of) ticked += e->tick;
  if (!notes.empty() && !entry_of.empty())
    row.progress = std::to_string(ticked) + "/" + std::to_string(entry_of.size()) + " ticked";
}

}  // namespace

Action add_site(CLI::App& app, Global& g) {
  struct Args {
    std::string out, since;
    int threads = 2;
  };
  auto a = std::make_shared<Args>();
  auto people_opts = std::make_shared<PeopleOptions>();
  auto* sub = app.add_subcommand("site", "Write a static HTML report of the store to a folder: index.html (the "
                                         "series, filterable), a page per series (versions, changes, checklist), "
                                         "team.html and a page per reviewer (charts in SVG); no server, no "
                                         "network, readable without JavaScript");
  sub->add_option("-o,--output", a->out, "The folder to write (created; pages of the same names replaced)")->required();
  sub->add_option("--since", a->since,
                  "Only series with a version on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC)");
  sub->add_option("-j,--threads", a->threads, "Checklists analysed in N threads (default 2)")->check(whole_number(1, 64));
  add_people_options(sub, *people_opts);
  return [a, people_opts, &g]() -> int {
    {
      std::error_code ec;
      if (std::filesystem::exists(a->out, ec) && !std::filesystem::is_directory(a->out, ec)) {
        std::cerr << "seam site: -o " << a->out << ": not a folder\n";
        return 2;
      }
    }
    core::Store::SeriesFilter f;
    if (!a->since.empty()) {
      f.since = parse_date(a->since);
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
    }
    site.team.series_months = reports::site::series_months(all, ptrs);
    // The reviewer's notes and ticks (seam note), placed on the checklist of
    // each series' newest version as `seam checklist` places them.
    core::Store store(g.db_path(), core::Store::Open::existing);
    std::map<std::string, std::vector<core::ReviewNote>> notes_of;
    for (auto& n : core::series_notes(store)) notes_of[n.series].push_back(std::move(n));
    for (size_t i = 0; i < all.size(); ++i) {
      reports::site::SeriesPage page;
      if (checklists[i]) page.patches = reports::site::patch_views(*checklists[i]);
      else page.checklist_error = errors[i];
      if (auto it = notes_of.find(all[i].id); it != notes_of.end())
        place_notes(page, site.rows[i], it->second, checklists[i] ? &*checklists[i] : nullptr,
                    all[i].versions.back().version);
      checklists[i].reset();
      page.series = std::move(all[i]);
      site.series.push_back(std::move(page));
    }
    // Reviewers: the review events (brought up to date, as `seam reviewers`
    // does), the team's and each reviewer's charts, suggestions for the
    // series no one has reviewed yet.
    if (store.message_count() > 0) {
      auto people = load_people(store, *people_opts, "seam site");
      if (!people) return 1;
      reports::site::fill_people(site.team, people->data);
      std::vector<core::Series> open;
      for (const auto& p : site.series) open.push_back(p.series);
      reports::site::fill_suggestions(site.team, people->data, open);
    }
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
