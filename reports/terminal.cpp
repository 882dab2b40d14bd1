#include "reports/terminal.hpp"

#include <unistd.h>

#include <cstdlib>

namespace seam::reports {

bool use_color(FILE* f) {
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  return ::isatty(::fileno(f)) == 1;
}

std::string paint(const std::string& text, const char* ansi, bool on) {
  if (!on) return text;
  return std::string("\033[") + ansi + "m" + text + "\033[0m";
}

}  // namespace seam::reports
