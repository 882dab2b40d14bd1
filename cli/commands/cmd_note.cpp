// seam note: a reviewer's notes and ticks on checklist items and patches.
#include <iostream>
#include <utility>

#include "cli/checklist_input.hpp"
#include "cli/commands.hpp"
#include "cli/series_input.hpp"
#include "core/analysis/item_id.hpp"
#include "core/store/notes.hpp"
#include "reports/escape.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

namespace {

// The item `id` as a checklist recorded it, in the series `series_key`
// names ("" for any, then it must be one series), at `version` (0: the
// newest recorded). With a series and no recorded item, that version's
// checklist is built first (which records its items).
std::optional<core::ReviewItem> resolve_item(core::Store& store, const std::string& id, const std::string& series_key,
                                             int version) {
  std::string series;
  if (!series_key.empty()) {
    auto s = series_id_of(store, series_key, "note", "--series");
    if (!s) return std::nullopt;
    series = *s;
  }
  auto matching = [&]() {
    std::vector<core::ReviewItem> out;
    for (auto& it : core::items_with_id(store, id))
      if ((series.empty() || it.series == series) && (version == 0 || it.version == version)) out.push_back(it);
    return out;
  };
  auto found = matching();
  if (found.empty() && !series.empty()) {
    if (!build_checklist(store, {series, version, "", ""}, "note")) return std::nullopt;
    found = matching();
  }
  if (found.empty()) {
    std::cerr << "seam note: " << reports::printable(id) << ": no checklist "
              << (series.empty() ? "showed this item" : "of series " + series + " has this item")
              << (version ? " in v" + std::to_string(version) : std::string())
              << (series.empty() ? " (run `seam checklist SERIES` first, or give --series)" : "") << "\n";
    return std::nullopt;
  }
  for (const auto& it : found)
    if (it.series != found.front().series) {
      std::cerr << "seam note: " << reports::printable(id) << " is an item of several series (";
      std::string sep;
      for (const auto& i : found) std::cerr << std::exchange(sep, ", ") << i.series << " v" << i.version;
      std::cerr << "): say which with --series\n";
      return std::nullopt;
    }
  return found.front();  // newest version first
}

std::string where(const core::ReviewNote& n) {
  return n.series + " v" + std::to_string(n.version) + " patch " + std::to_string(n.patch);
}

}  // namespace

Action add_note(CLI::App& app, Global& g) {
  struct Args {
    std::string what, text, series;
    int patch = 0, version = 0;
    bool done = false, undone = false, list = false, del = false, json = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "note",
      "Notes and ticks of a review in progress: `note ITEM-ID TEXT`, `note ITEM-ID --done`, "
      "`note SERIES --patch N TEXT`, `note --list [SERIES]`, `note ITEM-ID|NOTE-NUMBER --delete`. "
      "`seam checklist` shows them and each item's id");
  sub->add_option("what", a->what,
                  "An item id as the checklist shows it (RULE:PATH:HASH), a series (Message-ID or series id) with "
                  "--patch or --list, or a note's number with --delete");
  sub->add_option("text", a->text, "The note (UTF-8; several lines allowed)");
  sub->add_option("--patch", a->patch, "A note on patch N of the series as a whole")->check(whole_number(1, 100000));
  sub->add_option("--version", a->version, "The version of the series (default: the one the Message-ID given belongs to; for a series id, the newest)")
      ->check(whole_number(1, 100000));
  sub->add_option("--series", a->series,
                  "The series an item id belongs to (when several series have it, or no checklist was shown yet)");
  sub->add_flag("--done", a->done, "Tick the item");
  sub->add_flag("--undone", a->undone, "Remove the item's tick");
  sub->add_flag("--list", a->list, "List the notes and ticks (of one series when given)");
  sub->add_flag("--delete", a->del,
                "Remove a note by its number (from --list or the checklist), every note and tick on an item, or "
                "the notes on a patch (with --patch)");
  sub->add_flag("--json", a->json, "--list as JSON");
  return [a, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    const bool is_item = core::parse_item_id(a->what).has_value();
    if (a->list) {
      std::string series;
      if (!a->what.empty()) {
        auto s = series_id_of(store, a->what, "note");
        if (!s) return 1;
        series = *s;
      }
      const auto notes = core::series_notes(store, series);
      if (a->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& n : notes)
          out.push_back({{"id", n.id}, {"series", n.series}, {"version", n.version}, {"patch", n.patch},
                         {"patch_msgid", n.patch_msgid}, {"item", n.item}, {"tick", n.tick}, {"text", n.text},
                         {"line", n.line}, {"created", n.created}});
        std::cout << reports::dump(out, 2) << "\n";
        return 0;
      }
      for (const auto& n : notes) {
        std::string t = n.text;
        for (char& c : t)
          if (c == '\n') c = ' ';
        std::cout << "#" << n.id << " " << where(n) << " "
                  << (n.item.empty() ? std::string("(patch)") : reports::printable(n.item)) << ": "
                  << (n.tick ? std::string("[x] done") : reports::printable(t)) << "\n";
      }
      return 0;
    }
    if (a->what.empty()) {
      std::cerr << "seam note: what to note: an item id, a series with --patch, or --list\n";
      return 2;
    }
    if (a->del) {
      if (!a->text.empty()) {
        std::cerr << "seam note: --delete takes no text\n";
        return 2;
      }
      std::string num = a->what[0] == '#' ? a->what.substr(1) : a->what;
      if (!num.empty() && num.size() < 19 && num.find_first_not_of("0123456789") == std::string::npos) {
        if (!core::delete_note(store, std::stoll(num))) {
          std::cerr << "seam note: no note #" << num << "\n";
          return 1;
        }
        std::cout << "deleted note #" << num << "\n";
        return 0;
      }
      if (a->patch > 0) {
        auto s = find_series(store, a->what, "note");
        if (!s) return 1;
        const core::SeriesVersion* v = find_version(store, *s, a->version, a->what, "note");
        if (!v) return 1;
        int n = core::delete_patch_notes(store, s->id, v->version, a->patch);
        std::cout << "deleted " << n << " note" << (n == 1 ? "" : "s") << " on patch " << a->patch << " of " << s->id
                  << " v" << v->version << "\n";
        return n > 0 ? 0 : 1;
      }
      if (!is_item) {
        std::cerr << "seam note: --delete: " << reports::printable(a->what)
                  << " is neither a note number nor an item id (RULE:PATH:HASH)\n";
        return 2;
      }
      std::string series;
      if (!a->series.empty()) {
        auto s = series_id_of(store, a->series, "note", "--series");
        if (!s) return 1;
        series = *s;
      }
      int n = 0;
      for (const auto& sn : core::series_notes(store, series))
        if (sn.item == a->what) n += core::delete_note(store, sn.id) ? 1 : 0;
      std::cout << "deleted " << n << " note" << (n == 1 ? "" : "s") << " and ticks on " << reports::printable(a->what)
                << "\n";
      return n > 0 ? 0 : 1;
    }
    if (a->patch > 0) {
      if (a->text.empty() || a->done || a->undone) {
        std::cerr << "seam note: --patch takes a note's text (ticks are for items)\n";
        return 2;
      }
      auto s = find_series(store, a->what, "note");
      if (!s) return 1;
      const core::SeriesVersion* v = find_version(store, *s, a->version, a->what, "note");
      if (!v) return 1;
      const core::SeriesPatch* p = nullptr;
      for (const auto& sp : v->patches)
        if (sp.index == a->patch) p = &sp;
      if (!p) {
        std::cerr << "seam note: series " << s->id << " v" << v->version << " has no patch " << a->patch << "\n";
        return 1;
      }
      core::ReviewNote n;
      n.series = s->id;
      n.version = v->version;
      n.patch = p->index;
      n.patch_msgid = p->msgid;
      n.text = a->text;
      n.id = core::add_note(store, n);
      std::cout << "note #" << n.id << " on " << where(n) << "\n";
      return 0;
    }
    if (!is_item) {
      std::cerr << "seam note: " << reports::printable(a->what)
                << " is not an item id (RULE:PATH:HASH, as `seam checklist` shows it); for a note on a patch give "
                   "--patch N\n";
      return 2;
    }
    if ((a->done || a->undone) == !a->text.empty() || (a->done && a->undone)) {
      std::cerr << "seam note: give the note's text, or --done, or --undone\n";
      return 2;
    }
    auto it = resolve_item(store, a->what, a->series, a->version);
    if (!it) return 1;
    if (a->done || a->undone) {
      bool changed = core::set_tick(store, *it, a->done);
      std::cout << (a->done ? (changed ? "ticked " : "already ticked: ") : (changed ? "unticked " : "not ticked: "))
                << reports::printable(it->item) << " (" << it->series << " v" << it->version << " patch " << it->patch
                << ")\n";
      return 0;
    }
    core::ReviewNote n;
    n.series = it->series;
    n.version = it->version;
    n.patch = it->patch;
    n.patch_msgid = it->patch_msgid;
    n.item = it->item;
    n.rule = it->rule;
    n.path = it->path;
    n.line = it->line;
    n.excerpt = it->excerpt;
    n.text = a->text;
    n.id = core::add_note(store, n);
    std::cout << "note #" << n.id << " on " << reports::printable(n.item) << " (" << where(n) << ")\n";
    return 0;
  };
}

}  // namespace seam::cli
