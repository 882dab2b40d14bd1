// The lore flags `seam fetch` and `seam review` share, and how they combine
// with git configuration (defined in cmd_fetch.cpp).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "mail/sources/lore.hpp"

namespace seam::cli {

struct LoreFlags {
  std::string base;              // --lore URL: replaces seam.lore-url
  long connect_timeout = 0;      // --connect-timeout S (0: configuration)
  long read_timeout = 0;         // --read-timeout S (0: configuration)
  uint64_t max_inflate_mib = 4096;
};

// Registers --lore, --connect-timeout, --read-timeout and --max-inflate on `sub`.
void add_lore_flags(CLI::App* sub, LoreFlags& f);

// Fills `lore` from git configuration, then the flags. Returns "" or the
// error of a bad configuration value (naming the key).
std::string lore_options(mail::LoreOptions& lore, const LoreFlags& f);

}  // namespace seam::cli
