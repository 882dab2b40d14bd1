#include "cli/output.hpp"

#include <cctype>
#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>

#include <unistd.h>

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

StdoutBuf::StdoutBuf() : buf_(64 * 1024) { setp(buf_.data(), buf_.data() + buf_.size()); }

bool StdoutBuf::drain() {
  const char* p = pbase();
  size_t left = static_cast<size_t>(pptr() - pbase());
  setp(buf_.data(), buf_.data() + buf_.size());
  if (error_) return false;  // the rest of the output is dropped after a failure
  while (left > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

bool StdoutBuf::flush_all() { return drain() && !error_; }

StdoutBuf::int_type StdoutBuf::overflow(int_type ch) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

int StdoutBuf::sync() { return drain() ? 0 : -1; }

std::streamsize StdoutBuf::xsputn(const char* s, std::streamsize n) {
  std::streamsize done = 0;
  while (done < n) {
    if (pptr() == epptr() && !drain()) return done;
    const std::streamsize room = epptr() - pptr();
    const std::streamsize k = std::min(room, n - done);
    std::copy(s + done, s + done + k, pptr());
    pbump(static_cast<int>(k));
    done += k;
  }
  return done;
}

}  // namespace seam::cli
