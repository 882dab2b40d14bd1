// seam checklist: the review checklist of a whole series.
#include <iostream>

#include "cli/checklist_input.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/series_input.hpp"
#include "core/analysis/hunks.hpp"
#include "core/store/notes.hpp"
#include "mail/sources/locate.hpp"
#include "mail/parse/parse.hpp"
#include "reports/checklist.hpp"
#include "reports/html.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

Action add_checklist(CLI::App& app, Global& g) {
  struct Args {
    std::string key, format = "md", out, rules, repo;
    int version = 0;
    size_t max_items = 0;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand("checklist",
                                 "The review checklist of a series: summary, then per patch every unsafe block, "
                                 "SAFETY comment and Rust/C boundary crossing as a checkbox with its question");
  sub->add_option("what", a->key, "Message-ID (any message of the series) or series id")->required();
  sub->add_option("--version", a->version, "Which version (default: the one the Message-ID given belongs to; for a series id, the newest)");
  auto* format = sub->add_option("--format", a->format,
                                 "md, text, json, or html (the Markdown through cmark); default: from the -o "
                                 "file's extension (.md, .txt, .json, .html), else md")
                     ->check(CLI::IsMember({"md", "text", "json", "html"}));
  sub->add_flag("--json", a->json, "The same as --format json");
  sub->add_option("-o,--output", a->out, "Write to FILE instead of standard output (- is standard output)");
  sub->add_option("--max-items", a->max_items,
                  "Markdown and text: only the N most important entries of the series (undocumented unsafe code, "
                  "then boundary violations, then by severity), saying how many were left out; default: all")
      ->check(whole_number(1, 1000000));
  sub->add_option("--rules", a->rules, "Extra rules folder (*.scm), after the built-in and user ones");
  sub->add_option("--repo", a->repo,
                  "A repository where the series applies (read only): whole files are parsed, so no SAFETY comment is "
                  "out of sight; C hunks changing what Rust under rust/ uses through bindings:: are found; headers "
                  "bindings_helper.h includes are rust-c-glue");
  return [a, format, &g]() -> int {
    if (a->json) a->format = "json";
    else if (format->count() == 0 && !to_stdout(a->out))
      if (std::string f = format_of_path(a->out); !f.empty()) a->format = f;
    core::Store store(g.db_path(), core::Store::Open::existing);
    auto built = build_checklist(store, {a->key, a->version, a->rules, a->repo}, "checklist");
    if (!built) return 1;
    const reports::Checklist& c = built->checklist;
    std::string text;
    if (a->format == "json") text = reports::dump(reports::checklist_json(c), 2) + "\n";
    else if (a->format == "html")
      text = reports::markdown_to_html(reports::checklist_markdown(c, a->max_items), "Review checklist: " + c.title);
    else if (a->format == "text") text = reports::checklist_text(c, to_stdout(a->out) && reports::use_color(stdout), a->max_items);
    else text = reports::checklist_markdown(c, a->max_items);
    if (!emit(text, a->out, "checklist")) return 1;
    return built->rule_errors ? 1 : 0;  // a broken rule file: the checklist lacks its findings
  };
}

std::optional<BuiltChecklist> build_checklist(core::Store& store, const ChecklistRequest& req, const char* command) {
  auto series = find_series(store, req.key, command);
  if (!series) return std::nullopt;
  const core::SeriesVersion* v = find_version(store, *series, req.version, req.key, command);
  if (!v) return std::nullopt;
  auto rules = core::load_rules(core::rule_dirs(SEAM_RULES_DIR, req.rules));
  for (const auto& e : rules.errors) std::cerr << "seam " << command << ": rule " << e.where << ": " << e.message << "\n";
  BuiltChecklist out;
  out.rule_errors = !rules.errors.empty();
  reports::Checklist& c = out.checklist;
  c.title = series->title;
  c.series_id = series->id;
  c.author = series->author_name.empty() ? series->author_email : series->author_name;
  c.version = v->version;
  c.expected = v->expected;
  auto inputs = patch_inputs(store, *v, command);
  if (!inputs) return std::nullopt;
  std::unique_ptr<RepoReview> repo;
  if (!req.repo.empty()) {
    repo = RepoReview::open(req.repo, *inputs, {v->base_commit, v->prerequisites, ""}, command);
    if (!repo) return std::nullopt;
  }
  for (size_t i = 0; i < v->patches.size(); ++i) {
    const auto& p = v->patches[i];
    std::optional<core::RepoView> view;
    if (repo) view = repo->view(i);
    c.patches.push_back({p.index, p.msgid, p.subject,
                         core::review_patch(core::parse_diff((*inputs)[i].diff), rules, view ? &*view : nullptr)});
  }
  c.notes = core::series_notes(store, series->id);
  try {
    core::record_items(store, series->id, v->version, reports::checklist_items(c));
  } catch (const core::SqliteError& e) {  // a read-only store: the checklist still shows
    std::cerr << "seam " << command << ": warning: the items shown could not be recorded for seam note: " << e.what()
              << "\n";
  }
  out.version_index = static_cast<int>(v - series->versions.data());
  out.series = std::move(*series);
  return out;
}

}  // namespace seam::cli
