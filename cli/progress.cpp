#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "reports/escape.hpp"

namespace seam::cli {

Progress::Progress() : enabled_(::isatty(STDERR_FILENO) == 1) {}
Progress::~Progress() { clear(); }

void Progress::update(const std::string& label, int64_t done, int64_t total) {
  if (!enabled_ || total < 1000) return;
  auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), '.');
  // The label's tail, at most 40 columns, cut on a character boundary.
  std::string name = reports::printable(label);
  if (reports::display_width(name) > 40) {
    size_t at = 0;
    while (at < name.size() && reports::display_width(std::string_view(name).substr(at)) > 39) {
      ++at;
      while (at < name.size() && (static_cast<unsigned char>(name[at]) & 0xC0) == 0x80) ++at;
    }
    name = "…" + name.substr(at);
  }
  std::fprintf(stderr, "\r\033[K%s [%s] %lld/%lld", name.c_str(), bar.c_str(),
               static_cast<long long>(done), static_cast<long long>(total));
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace seam::cli
