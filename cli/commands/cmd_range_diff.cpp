// seam range-diff: what changed between two versions of a series.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/series_input.hpp"
#include "git/objects.hpp"
#include "git/rangediff.hpp"
#include "reports/escape.hpp"
#include "reports/ingest.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

Action add_range_diff(CLI::App& app, Global& g) {
  struct Args {
    std::string key, repo;
    int from = 0, to = 0;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand("range-diff",
                                 "Apply two versions of a series in memory (each on its own base) and show, "
                                 "patch by patch, what changed between them, paired as git range-diff pairs");
  sub->add_option("what", a->key, "Message-ID (any message of the series) or series id")->required();
  sub->add_option("--from", a->from, "The older version")->required();
  sub->add_option("--to", a->to, "The newer version")->required();
  sub->add_option("--repo", a->repo, "A repository where both versions apply")->required();
  sub->add_flag("--json", a->json, "Print JSON: [{old, new, status, title, interdiff}]");
  return [a, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    auto series = find_series(store, a->key, "range-diff");
    if (!series) return 1;
    std::vector<std::string> commits[2];
    // Both versions are applied in memory, in one place: the repository is
    // only read.
    std::shared_ptr<git::Scratch> objects;
    const int numbers[2] = {a->from, a->to};
    for (int k = 0; k < 2; ++k) {
      const core::SeriesVersion* v = find_version(store, *series, numbers[k], a->key, "range-diff");
      if (!v) return 1;
      auto patches = patch_inputs(store, *v, "range-diff");
      if (!patches) return 1;
      git::ApplyOptions opts;
      opts.write_branch = false;
      opts.objects = objects;
      auto r = git::apply_patches(a->repo, *patches, {v->base_commit, v->prerequisites, ""}, opts);
      objects = r.objects;
      if (!r.error.empty() || r.failed) {
        std::cerr << "seam range-diff: v" << v->version << " does not apply: "
                  << reports::printable(!r.error.empty() ? r.error
                                                       : "<" + r.failed->id + ">: " + r.failed->path + ": " + r.failed->reason)
                  << "\n";
        return 1;
      }
      for (const auto& [m, c] : r.applied) commits[k].push_back(c);
    }
    std::vector<git::RangePair> pairs;
    try {
      pairs = git::range_diff(objects, commits[0], commits[1]);
    } catch (const git::Error& e) {
      std::cerr << "seam range-diff: " << e.what() << "\n";
      return 1;
    }
    if (a->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& p : pairs)
        arr.push_back({{"old", p.old_pos ? nlohmann::json(p.old_pos) : nlohmann::json()},
                       {"new", p.new_pos ? nlohmann::json(p.new_pos) : nlohmann::json()},
                       {"old_commit", p.old_commit},
                       {"new_commit", p.new_commit},
                       {"status", std::string(1, p.status)},
                       {"title", p.title},
                       {"interdiff", p.interdiff}});
      std::cout << reports::dump(arr, 2) << "\n";
      return 0;
    }
    const bool color = reports::use_color(stdout);
    for (const auto& p : pairs) {
      auto pos = [](int n, const std::string& c) {
        return n ? std::to_string(n) + ":  " + c.substr(0, 12) : std::string("-:  ------------");
      };
      const char* col = p.status == '=' ? reports::kDim : p.status == '!' ? reports::kYellow
                        : p.status == '<' ? reports::kRed : reports::kGreen;
      std::cout << reports::paint(pos(p.old_pos, p.old_commit) + " " + p.status + " " + pos(p.new_pos, p.new_commit),
                                  col, color)
                << " " << reports::printable(p.title) << "\n";
      if (!p.interdiff.empty()) {
        std::string line;
        for (char c : p.interdiff) {
          if (c != '\n') {
            line += c;
            continue;
          }
          const char* lc = !line.empty() && line[0] == '+' ? reports::kGreen
                           : !line.empty() && line[0] == '-' ? reports::kRed : reports::kDim;
          std::cout << "    " << reports::paint(reports::printable(line), lc, color) << "\n";
          line.clear();
        }
      }
    }
    return 0;
  };
}

}  // namespace seam::cli
