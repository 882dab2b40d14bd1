// seam review: one step from a mail client. The message piped in (or named
// by its Message-ID) is stored, the rest of its thread fetched from lore when
// the series is incomplete, and the checklist of its series printed.
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <set>

#include "cli/commands.hpp"
#include "cli/lore_flags.hpp"
#include "cli/output.hpp"
#include "cli/series_input.hpp"
#include "core/analysis/hunks.hpp"
#include "core/analysis/rules.hpp"
#include "mail/ingest.hpp"
#include "mail/sources/lore.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "reports/checklist.hpp"
#include "reports/html.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

namespace {

// The Message-ID of the first message of `data` (one message or an mbox),
// or the parse error.
mail::ParseResult first_message(std::string_view data) {
  if (mail::looks_like_mbox(data)) {
    auto entries = mail::split_mbox(data, 0);
    if (!entries.empty()) return mail::parse_message(mail::extract_message(data, entries.front(), mail::MboxFormat::mboxrd));
  }
  return mail::parse_message(data);
}

// Where a message stands: its series and the version it belongs to.
struct Place {
  std::optional<core::Series> series;
  const core::SeriesVersion* version = nullptr;
};

Place place_of(core::Store& store, const std::string& msgid) {
  Place p;
  auto id = store.series_of(msgid);
  if (!id) return p;
  core::Store::SeriesFilter f;
  f.id = *id;
  auto all = store.load_series(f);
  if (all.empty() || all.front().versions.empty()) return p;
  p.series = std::move(all.front());
  // The version holding the message, else one its references name (a
  // reply), else the newest.
  std::set<std::string> near{msgid};
  if (auto m = store.find_message(msgid)) {
    near.insert(m->message.in_reply_to);
    near.insert(m->message.references.begin(), m->message.references.end());
  }
  for (int pass = 0; pass < 2 && !p.version; ++pass)
    for (const auto& v : p.series->versions) {
      bool hit = pass == 0 ? (v.cover && *v.cover == msgid) : (v.cover && near.count(*v.cover));
      for (const auto& patch : v.patches) hit = hit || (pass == 0 ? patch.msgid == msgid : near.count(patch.msgid) > 0);
      if (hit) p.version = &v;
    }
  if (!p.version) p.version = &p.series->versions.back();
  return p;
}

bool complete(const Place& p) { return p.version && p.version->missing().empty() && !p.version->patches.empty(); }

std::string missing_text(const core::SeriesVersion& v) {
  std::string out;
  for (int n : v.missing()) out += (out.empty() ? "" : ", ") + std::to_string(n);
  return "v" + std::to_string(v.version) + " lacks patch" + (v.missing().size() == 1 ? " " : "es ") + out + " of " +
         std::to_string(v.expected);
}

}  // namespace

Action add_review(CLI::App& app, Global& g) {
  struct Args {
    std::string what = "-", format, out, rules, repo;
    bool no_fetch = false;
    LoreFlags lore;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "review",
      "From a mail client: store the message piped in (or the Message-ID given), fetch the rest of its thread "
      "from lore when its series is incomplete, and print the review checklist of that series");
  sub->add_option("what", a->what, "'-' (default): one message or an mbox on standard input; or a Message-ID or lore URL");
  sub->add_flag("--no-fetch", a->no_fetch, "Stay offline: work on what the store has, and say what is missing");
  sub->add_option("--format", a->format, "text (default on a terminal), md (default otherwise), json, or html")
      ->check(CLI::IsMember({"md", "text", "json", "html"}));
  sub->add_option("-o,--output", a->out, "Write to FILE instead of standard output");
  sub->add_option("--rules", a->rules, "Extra rules folder (*.scm), after the built-in and user ones");
  sub->add_option("--repo", a->repo,
                  "A repository where the series applies (read only), as for seam checklist: whole files are "
                  "parsed and C changes that Rust uses are found");
  add_lore_flags(sub, a->lore);

  return [a, &g]() -> int {
    core::Store store(g.db_path());
    mail::IngestOptions opts;
    opts.max_inflate = a->lore.max_inflate_mib << 20;
    std::string msgid;
    bool can_fetch = !a->no_fetch;
    std::string fetch_what;  // what to ask lore for: the Message-ID or the URL given
    if (a->what == "-") {
      if (::isatty(STDIN_FILENO) == 1)
        std::cerr << "seam review: reading a message from standard input (pipe one in, or give a Message-ID)\n";
      std::string data(std::istreambuf_iterator<char>(std::cin), {});
      auto first = first_message(data);
      if (!first.message) {
        std::cerr << "seam review: standard input: " << (data.empty() ? "empty" : first.error) << "\n";
        return 1;
      }
      msgid = first.message->msgid;
      can_fetch = can_fetch && !first.message->synthetic_id;  // lore cannot know an id the mail lacks
      auto rep = mail::ingest_stdin(store, std::move(data), opts);
      if (!rep.fatal.empty()) {
        std::cerr << "seam review: " << rep.fatal << "\n";
        return 1;
      }
      if (rep.added > 0) store.refresh_series();
      fetch_what = msgid;
    } else if (mail::is_url(a->what)) {
      msgid = mail::msgid_of_url(a->what);
      if (msgid.empty()) {
        std::cerr << "seam review: " << a->what << ": no Message-ID in this URL\n";
        return 1;
      }
      fetch_what = a->what;
    } else {
      msgid = mail::normalize_msgid(a->what);
      if (msgid.empty()) {
        std::cerr << "seam review: '" << a->what << "': not a Message-ID\n";
        return 1;
      }
      fetch_what = msgid;
    }

    Place place = place_of(store, msgid);
    std::string fetch_error;
    bool fetched = false;
    if (!complete(place) && can_fetch) {
      mail::LoreOptions lore;
      if (std::string err = lore_options(lore, a->lore); !err.empty()) {
        std::cerr << "seam review: " << err << "\n";
        return 1;
      }
      lore.warn = [](const std::string& line) { std::cerr << "seam review: " << line << "; asking the next server\n"; };
      auto rep = mail::fetch_thread_into(store, lore, fetch_what, opts);
      if (!rep.fatal.empty()) {
        fetch_error = rep.fatal;
      } else {
        fetched = true;
        if (rep.added > 0) {
          store.refresh_series();
          place = place_of(store, msgid);
        }
      }
    }
    if (!fetch_error.empty()) std::cerr << "seam review: cannot fetch the thread: " << fetch_error << "\n";
    if (!place.series) {
      if (!store.find_message(msgid))
        std::cerr << "seam review: <" << msgid << "> is not in the store"
                  << (a->no_fetch ? " (--no-fetch: not asked from lore)" : "") << "\n";
      else
        std::cerr << "seam review: <" << msgid << "> is not part of a patch series"
                  << (a->no_fetch ? " in the store (--no-fetch: the rest of its thread was not asked from lore)" : "")
                  << "\n";
      return 1;
    }
    if (place.series->pull) {
      std::cerr << "seam review: <" << msgid << "> belongs to a pull request, not a patch series\n";
      return 1;
    }
    const core::SeriesVersion& v = *place.version;
    if (!v.missing().empty())
      std::cerr << "seam review: " << missing_text(v)
                << (a->no_fetch    ? " (--no-fetch: not asked from lore)"
                    : fetched      ? " (not on the server either)"
                    : can_fetch    ? ""
                                   : " (the message has no Message-ID to ask lore with)")
                << "\n";

    auto rules = core::load_rules(core::rule_dirs(SEAM_RULES_DIR, a->rules));
    for (const auto& e : rules.errors) std::cerr << "seam review: rule " << e.where << ": " << e.message << "\n";
    // The missing patches were reported once above, with what lore said:
    // patch_inputs would warn again about the same version.
    core::SeriesVersion present = v;
    present.expected = 0;
    auto inputs = patch_inputs(store, present, "review");
    if (!inputs) return 1;
    reports::Checklist c;
    c.title = place.series->title;
    c.series_id = place.series->id;
    c.author = place.series->author_name.empty() ? place.series->author_email : place.series->author_name;
    c.version = v.version;
    c.expected = v.expected;
    std::unique_ptr<RepoReview> repo;
    if (!a->repo.empty()) {
      repo = RepoReview::open(a->repo, *inputs, {v.base_commit, v.prerequisites, ""}, "review");
      if (!repo) return 1;
    }
    for (size_t i = 0; i < v.patches.size(); ++i) {
      const auto& p = v.patches[i];
      std::optional<core::RepoView> view;
      if (repo) view = repo->view(i);
      c.patches.push_back({p.index, p.msgid, p.subject,
                           core::review_patch(core::parse_diff((*inputs)[i].diff), rules, view ? &*view : nullptr)});
    }
    std::string format = a->format;
    if (format.empty()) format = a->out.empty() && ::isatty(STDOUT_FILENO) ? "text" : "md";
    std::string text;
    if (format == "json") text = reports::dump(reports::checklist_json(c), 2) + "\n";
    else if (format == "html")
      text = reports::markdown_to_html(reports::checklist_markdown(c), "Review checklist: " + c.title);
    else if (format == "text") text = reports::checklist_text(c, a->out.empty() && reports::use_color(stdout));
    else text = reports::checklist_markdown(c);
    return emit(text, a->out, "review") ? 0 : 1;
  };
}

}  // namespace seam::cli
