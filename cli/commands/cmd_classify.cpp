// seam classify: the class of every file and hunk of a patch (or series),
// and the findings of the review rules on its Rust code.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/series_input.hpp"
#include "core/analysis/patch_review.hpp"
#include "core/store/store.hpp"
#include "mail/am.hpp"
#include "mail/sources/files.hpp"
#include "mail/sources/locate.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "reports/classify.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

namespace {

struct Input {
  std::string msgid, subject, raw;
};

}  // namespace

Action add_classify(CLI::App& app, Global& g) {
  struct Args {
    std::string what, rules, repo;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "classify",
      "Classify every file of a patch (rust, c, c-header, rust-c-glue, build, docs, devicetree, maintainers, "
      "other) and report what a reviewer of unsafe Rust must check. WHAT is a Message-ID in the store (its "
      "series' version when it is part of one) or a file: an mbox or a single patch mail");
  sub->add_option("what", a->what, "Message-ID or file")->required();
  sub->add_option("--rules", a->rules, "Extra rules folder (*.scm), after the built-in and user ones");
  sub->add_option("--repo", a->repo,
                  "A repository where the patches apply (read only): whole files are parsed, so no SAFETY comment is out "
                  "of sight; C hunks changing what Rust under rust/ uses through bindings:: are found; headers "
                  "bindings_helper.h includes are rust-c-glue");
  sub->add_flag("--json", a->json, "Print JSON (see README)");
  return [a, &g]() -> int {
    std::vector<Input> inputs;
    std::error_code ec;
    if (std::filesystem::is_regular_file(a->what, ec)) {
      std::string data;
      try {
        data = mail::read_file(a->what);
      } catch (const std::exception& e) {
        std::cerr << "seam classify: " << e.what() << "\n";
        return 1;
      }
      std::vector<mail::MboxEntry> entries =
          mail::looks_like_mbox(data) ? mail::split_mbox(data) : std::vector<mail::MboxEntry>{{0, data.size()}};
      for (const auto& e : entries) {
        std::string raw = mail::looks_like_mbox(data) ? mail::extract_message(data, e, mail::MboxFormat::mboxrd)
                                                      : data;
        auto p = mail::parse_message(raw);
        if (!p.message) {
          std::cerr << "seam classify: " << a->what << ": the mail at byte " << e.offset << " cannot be read: "
                    << p.error << "\n";
          return 1;
        }
        if (!p.message->facts.has_diff) continue;
        inputs.push_back({p.message->msgid, p.message->subject, std::move(raw)});
      }
      if (inputs.empty()) {
        std::cerr << "seam classify: " << a->what << ": no patch in it (" << entries.size()
                  << (entries.size() == 1 ? " mail" : " mails") << ", none with a diff)\n";
        return 1;
      }
    } else {
      core::Store store(g.db_path(), core::Store::Open::existing, a->what);
      std::vector<std::string> ids;
      if (auto sid = store.series_of(a->what)) {
        core::Store::SeriesFilter f;
        f.id = *sid;
        auto all = store.load_series(f);
        if (!all.empty() && !all.front().versions.empty()) {
          // The version the message belongs to, else the newest.
          const core::SeriesVersion* pick = find_version(store, all.front(), 0, a->what, "classify");
          for (const auto& p : pick->patches) ids.push_back(p.msgid);
        }
      }
      if (ids.empty()) ids.push_back(a->what);
      for (const auto& id : ids) {
        auto r = mail::read_raw(store, id);
        if (!r.raw) {
          std::cerr << "seam classify: " << r.error << "\n";
          return 1;
        }
        auto p = mail::parse_message(*r.raw);
        inputs.push_back({id, p.message ? p.message->subject : "", std::move(*r.raw)});
      }
    }
    auto rules = core::load_rules(core::rule_dirs(SEAM_RULES_DIR, a->rules));
    for (const auto& e : rules.errors) std::cerr << "seam classify: rule " << e.where << ": " << e.message << "\n";

    std::unique_ptr<RepoReview> repo;
    if (!a->repo.empty()) {
      std::vector<git::PatchInput> patches;
      for (const auto& in : inputs) {
        auto parts = mail::commit_parts(in.raw, core::SeriesPatch{}, {});
        patches.push_back({in.msgid, parts.diff, parts.message, parts.author.value, parts.author.email, parts.date,
                           parts.tz_minutes});
      }
      repo = RepoReview::open(a->repo, patches, {}, "classify");
      if (!repo) return 1;
    }
    std::vector<reports::ClassifiedPatch> reviewed;
    for (size_t k = 0; k < inputs.size(); ++k) {
      std::optional<core::RepoView> view;
      if (repo) view = repo->view(k);
      reviewed.push_back({inputs[k].msgid, inputs[k].subject,
                          core::review_patch(core::parse_diff(mail::body_text(inputs[k].raw)), rules,
                                             view ? &*view : nullptr)});
    }
    if (a->json) std::cout << reports::dump(reports::classify_json(reviewed), 2) << "\n";
    else std::cout << reports::classify_text(reviewed, reports::use_color(stdout));
    return rules.errors.empty() ? 0 : 1;
  };
}

}  // namespace seam::cli
