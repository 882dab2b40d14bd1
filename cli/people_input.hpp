// Shared by `seam reviewers`, `seam experience` and `seam suggest`: the
// identity and MAINTAINERS options, bringing the review events up to date
// (reading bodies back with mail/) and loading core/people's data.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "core/people/people.hpp"
#include "core/store/store.hpp"
#include "git/mailmap.hpp"

namespace seam::cli {

struct PeopleOptions {
  std::string repo;         // --repo, else git config seam.repo
  std::string mailmap;      // --mailmap FILE, else git config seam.mailmap
  std::string maintainers;  // --maintainers FILE, else seam.maintainers, else the repository's MAINTAINERS
};

// Adds --repo, --mailmap and --maintainers to `sub`.
void add_people_options(CLI::App* sub, PeopleOptions& o);

struct People {
  git::Mailmap mailmap;
  std::unique_ptr<core::people::Maintainers> maintainers;  // null without a MAINTAINERS file
  core::people::Data data;
};

// Updates the events of `store` (a progress bar on a terminal), then loads
// them with the mailmap and MAINTAINERS the options name. nullptr after
// printing an error naming `command` (a store without mail, a mailmap or
// MAINTAINERS that cannot be read, --repo that is no repository).
std::unique_ptr<People> load_people(core::Store& store, const PeopleOptions& o, const char* command);

}  // namespace seam::cli
