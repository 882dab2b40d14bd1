#include "cli/output.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

namespace seam::cli {

bool emit(const std::string& text, const std::string& path, const char* command) {
  if (path.empty()) {
    std::cout << text;
    return true;
  }
  errno = 0;
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "seam " << command << ": cannot write " << path << ": "
              << (errno ? std::strerror(errno) : "write failed") << "\n";
    return false;
  }
  return true;
}

}  // namespace seam::cli
