// Where a command's output goes: standard output, or the file of its -o.
#pragma once

#include <streambuf>
#include <string>
#include <vector>

namespace seam::cli {

// True when `path` (an -o argument) means standard output: empty or "-".
bool to_stdout(const std::string& path);

// Writes `text` to standard output when to_stdout(path), else to the file
// `path`. False after printing "seam COMMAND: cannot write PATH: reason" on
// standard error. (A failed write to standard output is caught once, in
// main, when the command ends.)
bool emit(const std::string& text, const std::string& path, const char* command);

// The output format a file name asks for by its extension: "html" for .html
// and .htm, "json" for .json, "text" for .txt, "md" for .md and .markdown;
// "" for anything else (then the command's default applies).
std::string format_of_path(const std::string& path);

// Standard output for std::cout: buffered writes to file descriptor 1 that
// remember the first failure and its errno (ENOSPC on a full disk, EPIPE on
// a closed pipe; SIGPIPE is ignored in main), so that main can report it
// once, whichever command wrote. Install with std::cout.rdbuf(&buf) and put
// the old buffer back before the object goes away.
class StdoutBuf : public std::streambuf {
 public:
  StdoutBuf();
  // Writes what is buffered; false once any write has failed.
  bool flush_all();
  // errno of the first failed write, 0 when none failed.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override;
  int sync() override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  bool drain();
  std::vector<char> buf_;
  int error_ = 0;
};

}  // namespace seam::cli
