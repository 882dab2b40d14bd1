// Shared by the commands that act on one version of a series (am, apply,
// range-diff): finding it from what the user typed, and turning its patches
// into commits to apply.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/store.hpp"
#include "git/apply.hpp"

namespace seam::cli {

// The series of `key` (a message-id or series id); nullopt after printing an
// error naming `command` and the key. Pull requests are refused.
std::optional<core::Series> find_series(core::Store& store, const std::string& key, const char* command);

// Version `number` (0: the newest); nullptr after printing an error.
const core::SeriesVersion* find_version(const core::Series& s, int number, const char* command);

// The patches of `v` as commits to make, re-read from their sources; nullopt
// after printing an error when one cannot be read.
std::optional<std::vector<git::PatchInput>> patch_inputs(core::Store& store, const core::SeriesVersion& v,
                                                         const char* command);

// With a repository: applies `patches` in memory (no branch) and returns,
// per patch, a reader of file contents after it; nullopt after printing why
// the series does not apply.
std::optional<std::vector<std::function<std::optional<std::string>(const std::string&)>>> post_images(
    const std::string& repo, const std::vector<git::PatchInput>& patches, const git::BaseHints& hints,
    const char* command);

}  // namespace seam::cli
