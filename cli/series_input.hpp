// Shared by the commands that act on one version of a series (am, apply,
// range-diff): finding it from what the user typed, and turning its patches
// into commits to apply.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/patch_review.hpp"
#include "core/store/store.hpp"
#include "git/apply.hpp"
#include "git/objects.hpp"

namespace seam::cli {

// The id of the series `key` names (a Message-ID in it, its id, or a short
// id: see Store::series_of). When there is none, prints "seam COMMAND:
// [LABEL ]KEY: ..." to standard error, listing the series an ambiguous short
// id could mean, and returns nullopt. `label` is e.g. "--series" or "".
std::optional<std::string> series_id_of(core::Store& store, const std::string& key, const char* command,
                                        const char* label = "");

// True when `key` is `s`'s id, in full or shortened (any case), rather than
// a Message-ID in it.
bool names_series_id(core::Store& store, const std::string& key, const core::Series& s);

// The series of `key` (a message-id or series id); nullopt after printing an
// error naming `command` and the key. Pull requests are refused. With
// options other than the defaults (--sloppy-trailers, --no-cover-trailers)
// the series is assembled again from the stored facts with them.
std::optional<core::Series> find_series(core::Store& store, const std::string& key, const char* command,
                                        const core::AssembleOptions& opts = {});

// Version `number` of `s`; with 0, the version the message `key` belongs to
// (a patch, the cover letter or a reply to one of them, found by walking up
// its thread), else the newest. The result points into `s`; nullptr after
// printing an error naming `command`.
const core::SeriesVersion* find_version(core::Store& store, const core::Series& s, int number,
                                        const std::string& key, const char* command);

// The patches of `v` as commits to make, re-read from their sources; nullopt
// after printing an error when one cannot be read.
std::optional<std::vector<git::PatchInput>> patch_inputs(core::Store& store, const core::SeriesVersion& v,
                                                         const char* command);

// With a repository: `patches` applied in memory (no branch), and what the
// review of each patch can read from there.
class RepoReview {
 public:
  // nullptr after printing why the series does not apply.
  static std::unique_ptr<RepoReview> open(const std::string& repo, const std::vector<git::PatchInput>& patches,
                                          const git::BaseHints& hints, const char* command);
  // Files before and after patch `i`, and the boundary of the tree: the
  // bindings:: uses under rust/ and the bindings_helper.h includes, before
  // the series and after it.
  core::RepoView view(size_t i) const;
  size_t patches() const { return commits_.size() - 1; }

 private:
  std::shared_ptr<git::ObjectReader> reader_;
  std::vector<std::string> commits_;  // the base, then one per patch
  core::Boundary boundary_;
};

}  // namespace seam::cli
