#include "cli/output.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

namespace seam::cli {

bool to_stdout(const std::string& path) { return path.empty() || path == "-"; }

bool emit(const std::string& text, const std::string& path, const char* command) {
  if (to_stdout(path)) {
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

std::string format_of_path(const std::string& path) {
  const size_t dot = path.rfind('.');
  const size_t slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string ext = path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "html" || ext == "htm") return "html";
  if (ext == "json") return "json";
  if (ext == "txt") return "text";
  if (ext == "md" || ext == "markdown") return "md";
  return {};
}

}  // namespace seam::cli
