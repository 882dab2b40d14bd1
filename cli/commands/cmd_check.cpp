// seam check: a patch piped in by b4 (or any tool), checked with the review
// rules, reported as checkpatch does (b4.am-perpatch-check-cmd,
// b4.prep-perpatch-check-cmd) or as b4's review TUI check protocol
// (b4.review-perpatch-check-cmd, b4.review-series-check-cmd).
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/series_input.hpp"
#include "core/analysis/patch_review.hpp"
#include "core/store/store.hpp"
#include "mail/am.hpp"
#include "mail/sources/files.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "reports/check.hpp"
#include "reports/ingest.hpp"

namespace seam::cli {

namespace {

int lines_before(std::string_view data, size_t offset) {
  int n = 0;
  for (size_t i = 0; i < offset && i < data.size(); ++i) n += data[i] == '\n';
  return n;
}

// The line of `raw` (0-based) where `body` starts when the mail carries it
// as it is (no transfer encoding), else -1.
int body_line(std::string_view raw, const std::string& body) {
  size_t header_end = raw.find("\n\n");
  if (auto crlf = raw.find("\r\n\r\n"); crlf != std::string_view::npos && crlf < header_end) header_end = crlf;
  if (header_end == std::string_view::npos || body.empty()) return -1;
  size_t at = raw.find(body.substr(0, std::min<size_t>(body.size(), 4096)), header_end);
  if (at == std::string_view::npos) return -1;
  return lines_before(raw, at);
}

}  // namespace

Action add_check(CLI::App& app, Global& g) {
  struct Args {
    std::string file = "-", format = "checkpatch", severity = "medium", rules, repo;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "check",
      "Check a patch mail (standard input, as b4 pipes it, or FILE: one message or an mbox) with the review rules and "
      "print one checkpatch-style line per finding: ERROR for unsafe code without its justification, WARNING for "
      "what a reviewer must look at. For b4.am-perpatch-check-cmd and b4.prep-perpatch-check-cmd; with --format "
      "b4-review, for b4.review-perpatch-check-cmd and b4.review-series-check-cmd");
  sub->add_option("file", a->file, "The mail: a file, or - for standard input (the default)");
  sub->add_option("--format", a->format, "checkpatch (default) or b4-review (a JSON array of check results)")
      ->check(CLI::IsMember({"checkpatch", "b4-review"}));
  sub->add_option("--severity", a->severity,
                  "Report findings of this severity and above: high (only ERRORs), medium (the default), low, info")
      ->check(CLI::IsMember({"high", "medium", "low", "info"}));
  sub->add_option("--rules", a->rules, "Extra rules folder (*.scm), after the built-in and user ones");
  sub->add_option("--repo", a->repo,
                  "A repository (read only) where the patches apply: whole files are parsed, so no SAFETY comment is "
                  "out of sight, and C changes to what Rust uses are found. Patches that do not apply there (a patch "
                  "of a series checked alone) are checked without it");
  return [a, &g]() -> int {
    std::string data;
    try {
      data = a->file == "-" ? std::string(std::istreambuf_iterator<char>(std::cin), {}) : mail::read_file(a->file);
    } catch (const std::exception& e) {
      std::cerr << "seam check: " << e.what() << "\n";
      return 2;
    }
    const std::string name = a->file == "-" ? "standard input" : a->file;
    auto rules = core::load_rules(core::rule_dirs(SEAM_RULES_DIR, a->rules));
    for (const auto& e : rules.errors) std::cerr << "seam check: rule " << e.where << ": " << e.message << "\n";

    const bool mbox = mail::looks_like_mbox(data);
    std::vector<mail::MboxEntry> entries = mbox ? mail::split_mbox(data) : std::vector<mail::MboxEntry>{{0, data.size()}};
    std::vector<reports::CheckedPatch> checked;
    std::vector<std::string> raws;          // the mail of each checked patch
    std::vector<std::string> without_diff;  // message-ids of mails with no patch (a cover letter)
    for (const auto& e : entries) {
      std::string raw = mbox ? mail::extract_message(data, e, mail::MboxFormat::mboxrd) : data;
      auto p = mail::parse_message(raw);
      if (!p.message) {
        std::cerr << "seam check: " << name << ": the mail at byte " << e.offset << " cannot be read: " << p.error
                  << "\n";
        return 2;
      }
      if (!p.message->facts.has_diff) {
        without_diff.push_back(p.message->msgid);
        continue;
      }
      reports::CheckedPatch c;
      c.msgid = p.message->msgid;
      c.patch_text = mail::body_text(raw);
      // Line numbers are the input's, as checkpatch gives them: the
      // message starts after its mbox separator line.
      if (int at = body_line(raw, c.patch_text); at >= 0)
        c.text_first_line = lines_before(data, e.offset) + (mbox ? 1 : 0) + at + 1;
      checked.push_back(std::move(c));
      raws.push_back(std::move(raw));
    }

    // With --repo, where the patches apply in memory: whole files. Where
    // they do not, the patch text alone (what apply said is not shown: on
    // standard error it would fail the patch in b4).
    std::unique_ptr<RepoReview> repo;
    if (!a->repo.empty() && !checked.empty()) {
      std::vector<git::PatchInput> patches;
      for (size_t i = 0; i < checked.size(); ++i) {
        auto parts = mail::commit_parts(raws[i], core::SeriesPatch{}, {});
        patches.push_back({checked[i].msgid, parts.diff, parts.message, parts.author.value, parts.author.email,
                           parts.date, parts.tz_minutes});
      }
      std::ostringstream said;
      {
        struct Redirect {  // standard error into `said` while the patches are applied
          std::streambuf* saved;
          ~Redirect() { std::cerr.rdbuf(saved); }
        } redirect{std::cerr.rdbuf(said.rdbuf())};
        repo = RepoReview::open(a->repo, patches, {}, "check");
      }
      if (!repo && said.str().find(": --repo: ") != std::string::npos) {  // not a patch: the repository itself
        std::cerr << said.str();
        return 2;
      }
    }
    for (size_t i = 0; i < checked.size(); ++i) {
      std::optional<core::RepoView> view;
      if (repo) view = repo->view(i);
      checked[i].review = core::review_patch(core::parse_diff(checked[i].patch_text), rules, view ? &*view : nullptr);
    }

    // A cover letter (what b4.review-series-check-cmd pipes): the patches of
    // its series version, when the store has them. The store is only read,
    // and only when it exists.
    if (checked.empty() && !without_diff.empty()) {
      std::error_code ec;
      const std::string db = g.db_path();
      if (std::filesystem::exists(db, ec)) {
        core::Store store(db, core::Store::Open::existing);
        if (auto sid = store.series_of(without_diff.front())) {
          core::Store::SeriesFilter f;
          f.id = *sid;
          auto all = store.load_series(f);
          const core::SeriesVersion* pick = nullptr;  // the cover letter's version, else the newest
          if (!all.empty() && !all.front().versions.empty()) {
            pick = &all.front().versions.back();
            for (const auto& v : all.front().versions)
              if (v.cover == without_diff.front()) pick = &v;
          }
          if (pick && !pick->patches.empty()) {
            auto inputs = patch_inputs(store, *pick, "check");
            if (!inputs) return 2;
            for (const auto& in : *inputs) {
              reports::CheckedPatch c;
              c.msgid = in.id;
              c.patch_text = in.diff;
              c.review = core::review_patch(core::parse_diff(in.diff), rules, nullptr);
              checked.push_back(std::move(c));
            }
          }
        }
      }
    }

    auto lines = reports::check_lines(checked, a->severity);
    if (a->format == "b4-review") {
      std::cout << reports::dump(reports::check_b4_review(lines), -1) << "\n";
      return 0;  // b4 reads the JSON; a non-zero exit would only hide it
    }
    std::cout << reports::check_text(lines);
    bool error = false;
    for (const auto& l : lines) error = error || l.error;
    return error ? 1 : 0;
  };
}

}  // namespace seam::cli
