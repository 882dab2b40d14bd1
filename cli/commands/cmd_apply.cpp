// seam apply: apply a series in memory with libgit2 onto a review branch.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/series_input.hpp"
#include "core/store/store.hpp"
#include "git/apply.hpp"
#include "reports/escape.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

namespace {

// "rust: add foo()" → "rust-add-foo"
std::string slug(const std::string& title) {
  std::string out;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
    if (out.size() >= 48) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "series" : out;
}

}  // namespace

Action add_apply(CLI::App& app, Global& g) {
  struct Args {
    std::string key, repo, base, branch;
    int version = 0;
    bool checkout = false, partial = false, json = false, force = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "apply",
      "Apply a series in memory with libgit2 onto the branch seam/<title>-v<N>, one commit per patch "
      "with its author, date and review trailers; the working tree, index and HEAD stay untouched "
      "unless --checkout");
  sub->add_option("what", a->key, "Message-ID (any message of the series) or series id")->required();
  sub->add_option("--repo", a->repo, "The repository to apply to")->required();
  sub->add_option("--version", a->version, "Which version (default: the one the Message-ID given belongs to; for a series id, the newest)");
  sub->add_option("--base", a->base, "Apply on this revision instead of the detected base");
  sub->add_option("--branch", a->branch,
                  "Branch name or full ref refs/heads/<name> (default: seam/<series-slug>-v<N>); an existing "
                  "branch is refused unless --force, the checked-out one always");
  sub->add_flag("--force", a->force, "Replace the branch if it exists (never the checked-out one)");
  sub->add_flag("--checkout", a->checkout, "Check the branch out afterwards");
  sub->add_flag("--partial", a->partial, "Keep a branch with the patches that applied when one fails");
  sub->add_flag("--json", a->json, "Print JSON (see README)");
  return [a, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    auto series = find_series(store, a->key, "apply");
    if (!series) return 1;
    const core::Series& s = *series;
    const core::SeriesVersion* v = find_version(store, s, a->version, a->key, "apply");
    if (!v) return 1;
    auto patches = patch_inputs(store, *v, "apply");
    if (!patches) return 1;
    git::BaseHints hints{v->base_commit, v->prerequisites, a->base};
    git::ApplyOptions opts;
    opts.branch = a->branch.empty() ? "seam/" + slug(s.title) + "-v" + std::to_string(v->version) : a->branch;
    opts.checkout = a->checkout;
    opts.force = a->force;
    opts.partial = a->partial;
    auto r = git::apply_patches(a->repo, *patches, hints, opts);
    if (a->json) {
      nlohmann::json applied = nlohmann::json::array();
      for (const auto& [m, c] : r.applied) applied.push_back({{"msgid", m}, {"commit", c}});
      nlohmann::json failed;
      if (r.failed)
        failed = {{"msgid", r.failed->id}, {"path", r.failed->path}, {"hunk", r.failed->hunk},
                  {"reason", r.failed->reason}};
      nlohmann::json j = {{"base", r.base.empty() ? nlohmann::json() : nlohmann::json(r.base)},
                          {"base_reason", r.base_reason.empty() ? nlohmann::json() : nlohmann::json(r.base_reason)},
                          {"branch", r.branch.empty() ? nlohmann::json() : nlohmann::json(r.branch)},
                          {"applied", applied},
                          {"failed", failed}};
      if (!r.error.empty()) j["error"] = r.error;
      std::cout << reports::dump(j, 2) << "\n";
    } else {
      const bool color = reports::use_color(stdout);
      if (!r.base.empty()) std::cout << "base " << r.base.substr(0, 12) << " (" << r.base_reason << ")\n";
      for (const auto& [m, c] : r.applied) std::cout << reports::paint("applied ", reports::kGreen, color) << c.substr(0, 12) << "  <" << reports::printable(m) << ">\n";
      if (r.failed)
        std::cout << reports::paint("failed  ", reports::kRed, color) << "<" << reports::printable(r.failed->id) << ">: "
                  << (r.failed->path.empty() ? "" : reports::printable(r.failed->path) + ": ")
                  << (r.failed->hunk.empty() ? "" : reports::printable(r.failed->hunk) + ": ")
                  << reports::printable(r.failed->reason) << "\n";
      if (!r.branch.empty()) std::cout << "branch " << reports::printable(r.branch) << (a->checkout ? " (checked out)" : "") << "\n";
      else if (r.failed) std::cout << "no branch written (use --partial to keep the patches that applied)\n";
    }
    if (!r.error.empty()) std::cerr << "seam apply: " << reports::printable(r.error) << "\n";
    return r.error.empty() && !r.failed ? 0 : 1;
  };
}

}  // namespace seam::cli
