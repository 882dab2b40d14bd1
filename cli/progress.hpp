// A progress bar on standard error, shown only when it is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace seam::cli {

class Progress {
 public:
  Progress();
  ~Progress();
  // Redraws at most a few times a second.
  void update(const std::string& label, int64_t done, int64_t total);
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace seam::cli
