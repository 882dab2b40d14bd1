// seam mailinfo: git mailinfo's interface on seam's own parsing.
// (Placeholder registration; the implementation lands with mail/mailinfo.)
#include <iostream>

#include "cli/commands.hpp"

namespace seam::cli {

Action add_mailinfo(CLI::App& app, Global&) {
  app.add_subcommand("mailinfo", "Split a mail into commit message and patch, as git mailinfo");
  return []() -> int {
    std::cerr << "seam mailinfo: not built yet\n";
    return 1;
  };
}

}  // namespace seam::cli
