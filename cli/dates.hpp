// Dates given on the command line (--since, --until).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace seam::cli {

// YYYY, YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS] (also with a space for
// the T), UTC, as unix seconds. A year or a month means its first day
// ("2026-04" is April 1). An impossible date (2025-02-30, 2025-13-01, 24:00)
// is nullopt, not a guess.
std::optional<int64_t> parse_date(const std::string& s);

}  // namespace seam::cli
